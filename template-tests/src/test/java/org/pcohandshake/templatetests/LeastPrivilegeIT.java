package org.pcohandshake.templatetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.lambda.LocalFunction;
import org.pcohandshake.testkit.login.LoginTokens;
import org.pcohandshake.testkit.oidc.TestProvider;
import org.pcohandshake.testkit.pco.AddonResult;
import org.pcohandshake.testkit.pco.IntegratorResponse;
import org.pcohandshake.testkit.sam.SamFunction;
import org.pcohandshake.testkit.sam.SamResource;

/**
 * Runs every function's real request path through the local deployment (the whole two-leg handshake
 * with Planning Center's simulator, a refresh, the API call, discovery, revocation; then the oidc
 * login mode's sign-in at a real OpenID Provider, in a deployment of its own) and every function's
 * priming hook while recording the AWS calls each function makes, then checks each function's IAM
 * role in template.yaml grants exactly the actions those calls need: nothing missing, nothing
 * extra.
 */
class LeastPrivilegeIT {

  static LocalDeployment deployment;

  @BeforeAll
  static void deploy() throws Exception {
    deployment = new LocalDeployment();
    runEveryFlow();
    primeEveryFunction(deployment);
    try (TestProvider provider = TestProvider.start();
        LocalDeployment oidc = new LocalDeployment(provider)) {
      signInAtTheIdentityProvider(oidc, provider);
      primeEveryFunction(oidc);
      exercised.addAll(exercisedIn(oidc));
    }
    exercised.addAll(exercisedIn(deployment));
  }

  /** The functions that served a request in either deployment. */
  static final Set<String> exercised = new TreeSet<>();

  static Set<String> exercisedIn(LocalDeployment deployment) {
    Set<String> served = new TreeSet<>();
    for (SamFunction function : deployment.template.functions().values()) {
      // routed functions, and those only Lambda Invoke reaches (the broker, keep-alive)
      boolean routed =
          deployment.template.routes().stream()
              .anyMatch(route -> route.functionLogicalId().equals(function.logicalId()));
      if ((routed
              ? deployment.api.function(function.logicalId())
              : deployment.api.invokable(function.logicalId()))
          .isInitialized()) {
        served.add(function.logicalId());
      }
    }
    return served;
  }

  /**
   * The oidc login mode's sign-in: GET /oauth/authorize to the provider, its return to GET
   * /oauth/login/callback (the consumed login request, the code exchange with the client secret,
   * the session), then the authorization request again with the session; then a sign-in as another
   * user returning to a browser that holds that session (the live session read, the pending switch
   * stored) and the switch page's continue (the pending switch consumed, the new session).
   */
  static void signInAtTheIdentityProvider(LocalDeployment oidc, TestProvider provider)
      throws Exception {
    String base = oidc.api.baseUrl();
    Map<String, String> env = oidc.environment("AuthorizePromptFunction");
    Browser browser = new Browser();
    String authorize =
        base
            + "/oauth/authorize?response_type=code&client_id="
            + enc(env.get("CLIENT_ID"))
            + "&redirect_uri="
            + enc(
                oidc.pco.baseUrl()
                    + "/addons/authorizations/"
                    + env.get("PCO_OAUTH_APPLICATION_ID"))
            + "&state=s2";
    String atProvider = Browser.location(browser.get(authorize));
    provider.nextUser("user-43", LocalDeployment.OIDC_CLIENT_ID, Map.of("name", "Grace"));
    String callback = Browser.location(browser.get(atProvider));
    HttpResponse<String> signedIn = browser.get(callback);
    assertEquals(303, signedIn.statusCode(), signedIn.body());
    browser.get(Browser.location(signedIn));

    Browser second = new Browser();
    String again = Browser.location(second.get(authorize));
    second.cookie(base, "__Host-pco_hs_session", browser.cookie(base, "__Host-pco_hs_session"));
    provider.nextUser("user-44", LocalDeployment.OIDC_CLIENT_ID, Map.of("name", "Ada"));
    HttpResponse<String> offered = second.get(Browser.location(second.get(again)));
    assertEquals(200, offered.statusCode(), offered.body());
    java.util.regex.Matcher next =
        java.util.regex.Pattern.compile("id=\"continue-as-new\" href=\"([^\"]+)\"")
            .matcher(offered.body());
    assertTrue(next.find(), offered.body());
    HttpResponse<String> switched = second.get(next.group(1).replace("&amp;", "&"));
    assertEquals(303, switched.statusCode(), switched.body());
  }

  /**
   * Runs each function's SnapStart priming hook, as Lambda does before it takes a snapshot, so that
   * a hook calling an action its role lacks (where the hook would fail quietly and the snapshot be
   * left cold) shows up as a mismatch too.
   */
  static void primeEveryFunction(LocalDeployment deployment) throws Exception {
    for (SamFunction function : deployment.template.functions().values()) {
      Object handler =
          Class.forName(function.handlerClass())
              .getConstructor(Map.class, Clock.class)
              .newInstance(deployment.environment(function.logicalId()), Clock.systemUTC());
      LocalFunction.runAs(
          function.handlerClass(),
          () -> {
            try {
              ((org.crac.Resource) handler).beforeCheckpoint(null);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
    }
  }

  @AfterAll
  static void stop() {
    deployment.close();
  }

  static void runEveryFlow() throws Exception {
    String base = deployment.api.baseUrl();
    var pco = deployment.pco;
    Browser browser = new Browser();

    // step 1: PCO consent (auto-approved) sends the browser to our /oauth/pco/complete
    String complete =
        Browser.location(
            browser.get(
                pco.authorizeEndpoint()
                    + "?response_type=code&client_id="
                    + LocalDeployment.PCO_CLIENT_ID
                    + "&redirect_uri="
                    + enc(base + "/oauth/pco/complete")
                    + "&state=s1"));
    // step 2 → 3: exchange, identify, store, then /advance
    HttpResponse<String> advance = browser.get(complete);
    assertEquals(302, advance.statusCode(), advance.body());
    // step 3 → 4: PCO sends the browser to our /oauth/authorize
    String authorize = Browser.location(browser.get(Browser.location(advance)));
    String login = Browser.location(browser.get(authorize));
    String returnTo = TestEvent.queryOf(login).get("return_to");
    Map<String, String> env = deployment.environment("AuthorizePromptFunction");
    String loginToken =
        new LoginTokens(
                deployment.stack.secretValue("LoginBridgeKey"),
                env.get("LOGIN_ISSUER"),
                env.get("ISSUER"))
            .sign("user-42", "Ada");
    String clean = Browser.location(browser.get(LoginTokens.returnUrl(returnTo, loginToken)));
    HttpResponse<String> consent = browser.get(clean);
    assertEquals(200, consent.statusCode(), consent.body());
    Matcher formToken =
        Pattern.compile("name=\"form_token\" value=\"([^\"]+)\"").matcher(consent.body());
    assertTrue(formToken.find());
    // step 4b → 5 → 6: approve; PCO exchanges the code server to server and calls /api/me
    String toPco =
        Browser.location(
            browser.postForm(
                base + "/oauth/authorize",
                "form_token=" + formToken.group(1) + "&decision=approve",
                base));
    browser.get(toPco);
    AddonResult result = pco.lastAddonResult();
    assertEquals(AddonResult.Outcome.AUTHORIZED, result.outcome(), result.toString());
    // a refresh, and the API with the refreshed token
    IntegratorResponse refreshed = pco.refreshIntegratorToken();
    assertEquals(200, refreshed.status());
    assertEquals(200, pco.callIntegratorApi().status());
    // discovery documents
    assertEquals(200, browser.get(base + "/.well-known/openid-configuration").statusCode());
    // revocation of the access token, then of the refresh token
    String secret = deployment.stack.secretValue("IntegratorClientSecret");
    String clientId = deployment.environment("TokenFunction").get("CLIENT_ID");
    var tokens = pco.integratorTokens();
    for (String token : List.of(tokens.accessToken(), tokens.refreshToken())) {
      var revoke =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/oauth/revoke"))
                      .header("content-type", "application/x-www-form-urlencoded")
                      .POST(
                          java.net.http.HttpRequest.BodyPublishers.ofString(
                              "token="
                                  + enc(token)
                                  + "&client_id="
                                  + enc(clientId)
                                  + "&client_secret="
                                  + enc(secret)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, revoke.statusCode(), revoke.body());
    }
    // a code redeemed twice: the token function revokes the grant and announces it
    var dynamo = org.pcohandshake.testkit.aws.AwsClients.dynamoDb(deployment.stack.endpoint());
    var grants =
        new org.pcohandshake.grant.GrantStore(
            dynamo, deployment.stack.physicalId("Table"), Clock.systemUTC());
    String redirect =
        deployment.environment("TokenFunction").get("PCO_BASE_URL")
            + "/addons/authorizations/"
            + deployment.environment("TokenFunction").get("PCO_OAUTH_APPLICATION_ID");
    org.pcohandshake.grant.Grant replayed =
        org.pcohandshake.grant.TestGrants.grant(clientId).subject("user-43").build();
    String code =
        org.pcohandshake.grant.TestGrants.seedCode(
            dynamo, grants, replayed, redirect, Clock.systemUTC());
    var client =
        org.pcohandshake.testkit.http.IntegratorClient.of(deployment.api, deployment.stack);
    for (int status : new int[] {200, 400}) {
      HttpResponse<String> exchanged =
          client.post(
              "/oauth/token",
              "grant_type",
              "authorization_code",
              "code",
              code,
              "redirect_uri",
              redirect);
      assertEquals(status, exchanged.statusCode(), exchanged.body());
    }
    // a refresh repeated inside the grace window (a second handle on the same successor)
    org.pcohandshake.grant.Grant repeated =
        org.pcohandshake.grant.TestGrants.grant(clientId).subject("user-44").build();
    String refreshToken =
        (String)
            client
                .exchange(
                    org.pcohandshake.grant.TestGrants.seedCode(
                        dynamo, grants, repeated, redirect, Clock.systemUTC()),
                    redirect)
                .get("refresh_token");
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> refreshedAgain = client.refresh(refreshToken);
      assertEquals(200, refreshedAgain.statusCode(), refreshedAgain.body());
    }
    // the admin function, through the local Lambda Invoke API: a listing, a status, a revocation
    // of one grant (announced) and of every grant of a user
    for (String command :
        List.of(
            "{\"operation\":\"list_grants\",\"user_id\":\"user-42\"}",
            "{\"operation\":\"grant_status\",\"grant_id\":\"" + replayed.id() + "\"}",
            "{\"operation\":\"revoke_grant\",\"grant_id\":\"" + repeated.id() + "\"}",
            "{\"operation\":\"revoke_user_grants\",\"user_id\":\"user-42\"}")) {
      HttpResponse<String> answer = invoke(base, "GrantAdminFunction", command);
      assertEquals(200, answer.statusCode(), answer.body());
      assertTrue(!answer.body().contains("\"error\""), answer.body());
    }
    runConnectionFlows();
  }

  /**
   * The stored PCO connection of the handshake, through the broker and keep-alive (Lambda Invoke on
   * the local stack): listed, a token fresh and refreshed, kept alive, found dead, disconnected.
   */
  @SuppressWarnings("unchecked")
  static void runConnectionFlows() throws Exception {
    Map<String, Object> listed =
        (Map<String, Object>)
            ((List<Object>)
                    invoke("PcoBrokerFunction", "{\"operation\":\"connections\"}")
                        .get("connections"))
                .get(0);
    String organization = (String) listed.get("organization_id");
    String person = (String) listed.get("person_id");
    String ids = "\"organization_id\":\"" + organization + "\",\"person_id\":\"" + person + "\"";
    assertTrue(
        invoke("PcoBrokerFunction", "{\"operation\":\"access_token\"," + ids + "}")
            .containsKey("access_token"));
    // the stored access token near its end: the broker refreshes it (for the organization alone)
    deployment.stack.scanTable("Table").stream()
        .filter(item -> item.get("pk").s().startsWith("PCOCONN#"))
        .forEach(
            item ->
                org.pcohandshake.testkit.aws.Emulator.shared()
                    .dynamoDb()
                    .updateItem(
                        r ->
                            r.tableName(deployment.stack.physicalId("Table"))
                                .key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))
                                .updateExpression("SET accessExp = :zero")
                                .expressionAttributeValues(
                                    Map.of(
                                        ":zero",
                                        software.amazon.awssdk.services.dynamodb.model
                                            .AttributeValue.fromN("0")))));
    assertTrue(
        invoke(
                "PcoBrokerFunction",
                "{\"operation\":\"access_token\",\"organization_id\":\"" + organization + "\"}")
            .containsKey("access_token"));
    Thread.sleep(1_100);
    String keepAlive = "{\"operation\":\"keep_alive\",\"idle_days\":0}";
    assertEquals(
        1.0, ((Number) invoke("PcoKeepAliveFunction", keepAlive).get("refreshed")).doubleValue());
    // PCO forgets every token: keep-alive finds the connection dead (and publishes that)
    deployment.pco.revokeAllTokens();
    Thread.sleep(1_100);
    assertEquals(
        1.0,
        ((Number) invoke("PcoKeepAliveFunction", keepAlive).get("reauthorization_required"))
            .doubleValue());
    assertEquals(
        true,
        invoke("PcoBrokerFunction", "{\"operation\":\"disconnect\"," + ids + "}")
            .get("disconnected"));
  }

  /** A Lambda Invoke of a template function on the local stack; its answer, not an error. */
  static Map<String, Object> invoke(String function, String payload) throws Exception {
    HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            deployment.api.baseUrl()
                                + "/2015-03-31/functions/"
                                + function
                                + "/invocations"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(payload))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    Map<String, Object> answer = org.pcohandshake.testkit.json.TestJson.object(response.body());
    assertTrue(!answer.containsKey("error"), function + ": " + response.body());
    return answer;
  }

  /** A command to a function no route reaches, through the local Lambda Invoke API. */
  private static HttpResponse<String> invoke(String base, String function, String command)
      throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        base + "/2015-03-31/functions/" + function + "/invocations"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(command))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void everyRole_grantsExactlyTheActionsItsFunctionCalls() {
    Map<String, Set<String>> recorded = RecordingInterceptor.actionsByHandler();
    Map<String, String> mismatches = new TreeMap<>();
    for (SamFunction function : deployment.template.functions().values()) {
      String handlerClass = function.handler().split("::")[0];
      Set<String> called = new TreeSet<>(recorded.getOrDefault(handlerClass, Set.of()));
      Set<String> granted = grantedActions(function.logicalId());
      if (!called.equals(granted)) {
        mismatches.put(function.logicalId(), "calls " + called + " but the role grants " + granted);
      }
    }
    assertEquals(Map.of(), mismatches);
  }

  @Test
  void everyFunctionWasExercised() {
    assertEquals(deployment.template.functions().keySet(), exercised);
  }

  /**
   * The attack this pins: a role whose table statement reaches item prefixes its function never
   * touches (the example API's role reading {@code REFRESH#} items, the token function's role
   * writing {@code SESSION#} ones) lets a flaw in that function read or forge another flow's
   * records. Each role's DynamoDB statements must carry {@code dynamodb:LeadingKeys} with exactly
   * the prefixes its function's calls reached while every flow ran.
   */
  @Test
  void everyRole_reachesOnlyTheTablePrefixesItsFunctionUses() {
    Map<String, Set<String>> recorded = RecordingInterceptor.keyPrefixesByHandler();
    Map<String, String> mismatches = new TreeMap<>();
    for (SamFunction function : deployment.template.functions().values()) {
      String handlerClass = function.handler().split("::")[0];
      Set<String> used = new TreeSet<>(recorded.getOrDefault(handlerClass, Set.of()));
      Set<String> allowed = new TreeSet<>();
      for (Map<String, Object> statement : statements(roleOf(function.logicalId()))) {
        if (actionsOf(statement).stream().noneMatch(a -> a.startsWith("dynamodb:"))
            || onIndexesOnly(statement)) {
          continue;
        }
        Set<String> prefixes = leadingKeyPrefixes(statement);
        if (prefixes.isEmpty()) {
          mismatches.put(
              function.logicalId(),
              "statement "
                  + statement.get("Sid")
                  + " reaches the whole table (no LeadingKeys); the function uses "
                  + used);
        }
        allowed.addAll(prefixes);
      }
      if (!mismatches.containsKey(function.logicalId()) && !used.equals(allowed)) {
        mismatches.put(
            function.logicalId(), "uses prefixes " + used + " but the role allows " + allowed);
      }
    }
    assertEquals(Map.of(), mismatches);
  }

  /**
   * Whether a statement reaches only the table's indexes ({@code ${Table.Arn}/index/...}): the
   * grant indexes hold grant keys alone (keys only, attributes written on grant items only), so
   * there is no other kind of item to keep the role from; whether {@code LeadingKeys} would apply
   * to an index's key is left alone.
   */
  static boolean onIndexesOnly(Map<String, Object> statement) {
    Object resource = statement.get("Resource");
    List<?> resources = resource instanceof List<?> list ? list : List.of(resource);
    return !resources.isEmpty()
        && resources.stream()
            .allMatch(
                r ->
                    r instanceof Map<?, ?> sub
                        && String.valueOf(sub.get("Fn::Sub")).startsWith("${Table.Arn}/index/"));
  }

  /**
   * The prefixes a statement's {@code ForAllValues:StringLike} {@code dynamodb:LeadingKeys}
   * condition allows ({@code GRANT} of {@code GRANT#*}), with the {@code Null} guard that keeps a
   * request without a partition key (a Scan) from passing {@code ForAllValues} vacuously; empty
   * when either is missing.
   */
  @SuppressWarnings("unchecked")
  static Set<String> leadingKeyPrefixes(Map<String, Object> statement) {
    if (!(statement.get("Condition") instanceof Map<?, ?> condition)
        || !(condition.get("ForAllValues:StringLike") instanceof Map<?, ?> like)
        || !(condition.get("Null") instanceof Map<?, ?> nullCheck)
        || !"false".equals(String.valueOf(nullCheck.get("dynamodb:LeadingKeys")))) {
      return Set.of();
    }
    Object patterns = like.get("dynamodb:LeadingKeys");
    Set<String> prefixes = new TreeSet<>();
    for (Object pattern : patterns instanceof List<?> list ? list : List.of(patterns)) {
      String text = String.valueOf(pattern);
      if (!text.endsWith("#*") || text.substring(0, text.length() - 2).matches(".*[*?#].*")) {
        prefixes.add("not a PREFIX#* pattern: " + text);
      } else {
        prefixes.add(text.substring(0, text.length() - 2));
      }
    }
    return prefixes;
  }

  /** The logical id of the role a function runs with. */
  @SuppressWarnings("unchecked")
  static String roleOf(String functionLogicalId) {
    Object role = deployment.template.resources().get(functionLogicalId).properties().get("Role");
    Object getAtt = ((Map<String, Object>) role).get("Fn::GetAtt");
    return getAtt instanceof List<?> list
        ? String.valueOf(list.get(0))
        : String.valueOf(getAtt).split("\\.")[0];
  }

  /** The statements of a role's inline policies, from template.yaml. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> statements(String roleId) {
    SamResource resource = deployment.template.resources().get(roleId);
    List<Map<String, Object>> statements = new ArrayList<>();
    for (Object policy : (List<Object>) resource.properties().get("Policies")) {
      Map<String, Object> document =
          (Map<String, Object>) ((Map<String, Object>) policy).get("PolicyDocument");
      for (Object statement : (List<Object>) document.get("Statement")) {
        statements.addAll(branches((Map<String, Object>) statement));
      }
    }
    return statements;
  }

  /**
   * A statement, or both branches of a statement chosen by {@code Fn::If} (the role may hold
   * either, depending on the parameters), without {@code AWS::NoValue}.
   */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> branches(Map<String, Object> statement) {
    if (!(statement.get("Fn::If") instanceof List<?> choice)) {
      return List.of(statement);
    }
    List<Map<String, Object>> branches = new ArrayList<>();
    for (Object branch : choice.subList(1, choice.size())) {
      if (branch instanceof Map<?, ?> map && !Map.of("Ref", "AWS::NoValue").equals(map)) {
        branches.addAll(branches((Map<String, Object>) map));
      }
    }
    return branches;
  }

  /** The statements of the template's KMS key policies that name the role as their principal. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> keyPolicyStatements(String roleId) {
    Map<String, Object> principal = Map.of("AWS", Map.of("Fn::GetAtt", List.of(roleId, "Arn")));
    List<Map<String, Object>> statements = new ArrayList<>();
    for (SamResource key : deployment.template.resourcesOfType("AWS::KMS::Key").values()) {
      Map<String, Object> policy = (Map<String, Object>) key.properties().get("KeyPolicy");
      for (Object statement : (List<Object>) policy.get("Statement")) {
        Map<String, Object> s = (Map<String, Object>) statement;
        if ("Allow".equals(s.get("Effect")) && principal.equals(s.get("Principal"))) {
          statements.add(s);
        }
      }
    }
    return statements;
  }

  static List<String> actionsOf(Map<String, Object> statement) {
    Object action = statement.get("Action");
    List<String> actions = new ArrayList<>();
    for (Object a : action instanceof List<?> list ? list : List.of(action)) {
      actions.add(String.valueOf(a));
    }
    return actions;
  }

  /**
   * The role's AWS service actions (its own log group aside), from template.yaml: its policies' and
   * those the stack's key policies grant it by name (kms:Sign, for the token role).
   */
  static Set<String> grantedActions(String functionLogicalId) {
    String roleId = roleOf(functionLogicalId);
    Set<String> actions = new TreeSet<>();
    for (Map<String, Object> statement : statements(roleId)) {
      if (!"OwnLogGroup".equals(statement.get("Sid"))) {
        actions.addAll(actionsOf(statement));
      }
    }
    keyPolicyStatements(roleId).forEach(statement -> actions.addAll(actionsOf(statement)));
    return actions;
  }
}
