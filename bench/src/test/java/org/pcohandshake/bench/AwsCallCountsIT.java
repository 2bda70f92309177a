package org.pcohandshake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.config.Config;
import org.pcohandshake.fn.authorizedecision.AuthorizeDecisionHandler;
import org.pcohandshake.fn.authorizeprompt.AuthorizePromptHandler;
import org.pcohandshake.fn.discovery.DiscoveryHandler;
import org.pcohandshake.fn.exampleapi.ExampleApiHandler;
import org.pcohandshake.fn.grantadmin.GrantAdminHandler;
import org.pcohandshake.fn.logincallback.LoginCallbackHandler;
import org.pcohandshake.fn.pcocomplete.PcoCompleteHandler;
import org.pcohandshake.fn.revoke.RevokeHandler;
import org.pcohandshake.fn.token.TokenHandler;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.testkit.aws.AwsCallCounter;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.login.LoginTokens;
import org.pcohandshake.testkit.oidc.TestProvider;
import org.pcohandshake.testkit.pco.PcoSimulator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The AWS calls each flow makes, pinned: the cost model in docs/benchmarks.md is built on these
 * numbers, so a change that adds a call must fail here (and update the cost model).
 *
 * <p>Every SDK client on this test classpath is counted ({@link AwsCallCounter} is registered by
 * the SDK's global interceptor file in src/test/resources). Handlers are built fresh where a flow
 * starts in new Lambda containers ("cold": the secret caches are empty) and reused where it runs in
 * warm ones.
 */
class AwsCallCountsIT {

  static final String ISSUER = "https://auth.example.test";

  @Provisioned(secrets = {"PcoClientSecret", Scenarios.PCO_CLIENT_SECRET})
  static ProvisionedStack stack;

  static PcoSimulator pco;
  static JwksServer jwks;
  static DynamoDbClient dynamo;
  static KmsClient kms;
  static Scenarios scenarios;
  static Map<String, String> pcoCompleteEnv;
  static Map<String, String> promptEnv;
  static Map<String, String> decisionEnv;
  static Map<String, String> tokenEnv;
  static Map<String, String> revokeEnv;
  static Map<String, String> discoveryEnv;
  static Map<String, String> apiEnv;
  static LoginTokens loginTokens;
  static String redirect;

  /**
   * The stack, the simulated Planning Center step 2 talks to, and the JWKS the example API reads:
   * the functions are configured exactly as the benchmark configures them ({@link Scenarios}).
   */
  @BeforeAll
  static void provision() throws Exception {
    Emulator emulator = Emulator.shared();
    pco = Scenarios.startPco(ISSUER);
    jwks = new JwksServer(Scenarios.jwks(stack, emulator.kms(), ISSUER));
    dynamo = emulator.dynamoDb();
    kms = emulator.kms();
    scenarios =
        new Scenarios(stack, dynamo, kms, ISSUER, pco, jwks.url(), java.util.Optional.empty());
    pcoCompleteEnv = scenarios.environmentFor("PcoCompleteFunction");
    promptEnv = scenarios.environmentFor("AuthorizePromptFunction");
    decisionEnv = scenarios.environmentFor("AuthorizeDecisionFunction");
    tokenEnv = scenarios.environmentFor("TokenFunction");
    revokeEnv = scenarios.environmentFor("RevokeFunction");
    discoveryEnv = scenarios.environmentFor("DiscoveryFunction");
    apiEnv = scenarios.environmentFor("ExampleApiFunction");
    loginTokens =
        new LoginTokens(stack.secretValue("LoginBridgeKey"), promptEnv.get("LOGIN_ISSUER"), ISSUER);
    redirect =
        promptEnv.get("PCO_BASE_URL")
            + "/addons/authorizations/"
            + promptEnv.get("PCO_OAUTH_APPLICATION_ID");
  }

  @AfterAll
  static void stop() {
    if (jwks != null) {
      jwks.close();
    }
    if (pco != null) {
      pco.close();
    }
    if (dynamo != null) {
      dynamo.close();
    }
    if (kms != null) {
      kms.close();
    }
  }

  /** The calls one step makes: resets the counter, runs the step, returns what it counted. */
  static Map<String, Long> calls(Runnable step) {
    AwsCallCounter.reset();
    step.run();
    return AwsCallCounter.counts();
  }

  /** The calls one request makes in {@code function}, which must answer {@code status}. */
  static Map<String, Long> calls(
      RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> function,
      APIGatewayV2HTTPEvent request,
      int status) {
    return calls(
        () -> {
          var r = function.handleRequest(request, null);
          assertEquals(status, r.getStatusCode(), r.getBody());
        });
  }

  static Map<String, Long> expected(Object... nameThenCount) {
    Map<String, Long> map = new TreeMap<>();
    for (int i = 0; i < nameThenCount.length; i += 2) {
      map.put((String) nameThenCount[i], ((Number) nameThenCount[i + 1]).longValue());
    }
    return map;
  }

  static TestEvent authorize() {
    return TestEvent.get("/oauth/authorize")
        .query("response_type", "code")
        .query("client_id", promptEnv.get("CLIENT_ID"))
        .query("redirect_uri", redirect)
        .query("state", "st");
  }

  static String cookie(APIGatewayV2HTTPResponse response, String name) {
    for (String cookie : response.getCookies()) {
      if (cookie.startsWith(name + "=")) {
        return cookie.substring(name.length() + 1, cookie.indexOf(';'));
      }
    }
    throw new AssertionError("no cookie " + name);
  }

  /** Step 2 as Planning Center's redirect brings it: a fresh code from the simulated PCO. */
  static APIGatewayV2HTTPEvent pcoComplete() {
    return TestEvent.get("/oauth/pco/complete")
        .query("code", scenarios.pcoCode())
        .query("state", "st")
        .build();
  }

  /** Runs the whole handshake from cold handlers; returns each step's calls. */
  static Map<String, Map<String, Long>> handshake() {
    PcoCompleteHandler complete = new PcoCompleteHandler(pcoCompleteEnv, Clock.systemUTC());
    AuthorizePromptHandler prompt = new AuthorizePromptHandler(promptEnv, Clock.systemUTC());
    AuthorizeDecisionHandler decision =
        new AuthorizeDecisionHandler(decisionEnv, Clock.systemUTC());
    TokenHandler token = new TokenHandler(tokenEnv, Clock.systemUTC());
    Map<String, Map<String, Long>> steps = new LinkedHashMap<>();
    String[] linkCookie = new String[1];
    String[] session = new String[1];
    String[] formToken = new String[1];
    String[] code = new String[1];
    String[] refresh = new String[1];

    APIGatewayV2HTTPEvent fromPco = pcoComplete();
    steps.put(
        "pco complete",
        calls(
            () -> {
              var r = complete.handleRequest(fromPco, null);
              assertEquals(302, r.getStatusCode(), r.getBody());
              assertEquals(pco.advanceUrl(), r.getHeaders().get("location"));
              linkCookie[0] = cookie(r, Cookies.PCO_LINK);
            }));
    steps.put(
        "prompt without session",
        calls(prompt, authorize().cookie(Cookies.PCO_LINK, linkCookie[0]).build(), 302));
    steps.put(
        "prompt with login token",
        calls(
            () -> {
              var r =
                  prompt.handleRequest(
                      LoginTokens.bound(authorize(), loginTokens.sign("user-1", "Ada"))
                          .cookie(Cookies.PCO_LINK, linkCookie[0])
                          .build(),
                      null);
              assertEquals(303, r.getStatusCode(), r.getBody());
              session[0] = cookie(r, Cookies.SESSION);
            }));
    steps.put(
        "consent page",
        calls(
            () -> {
              var r =
                  prompt.handleRequest(
                      authorize()
                          .cookie(Cookies.SESSION, session[0])
                          .cookie(Cookies.PCO_LINK, linkCookie[0])
                          .build(),
                      null);
              assertEquals(200, r.getStatusCode(), r.getBody());
              Matcher m =
                  Pattern.compile("name=\"form_token\" value=\"([^\"]+)\"").matcher(r.getBody());
              assertTrue(m.find());
              formToken[0] = m.group(1);
            }));
    steps.put(
        "approve",
        calls(
            () -> {
              var r =
                  decision.handleRequest(
                      TestEvent.post("/oauth/authorize")
                          .header("origin", ISSUER)
                          .cookie(Cookies.SESSION, session[0])
                          .form("form_token", formToken[0], "decision", "approve")
                          .build(),
                      null);
              assertEquals(303, r.getStatusCode(), r.getBody());
              code[0] = TestEvent.queryOf(r.getHeaders().get("location")).get("code");
            }));
    steps.put(
        "code exchange",
        calls(
            () -> {
              var r =
                  token.handleRequest(
                      TestEvent.post("/oauth/token")
                          .basic(
                              tokenEnv.get("CLIENT_ID"),
                              stack.secretValue("IntegratorClientSecret"))
                          .form(
                              "grant_type",
                              "authorization_code",
                              "code",
                              code[0],
                              "redirect_uri",
                              redirect)
                          .build(),
                      null);
              assertEquals(200, r.getStatusCode(), r.getBody());
              refresh[0] = (String) json(r).get("refresh_token");
            }));
    return steps;
  }

  static Map<String, Object> json(APIGatewayV2HTTPResponse response) {
    try {
      return TestJson.object(response.getBody());
    } catch (IllegalArgumentException e) {
      throw new AssertionError(response.getBody(), e);
    }
  }

  @Test
  void wholeHandshake_fromColdFunctions_makesExactlyThePinnedCalls() {
    pco.resetCounters();
    Map<String, Map<String, Long>> steps = handshake();

    // the PCO client secret (then cached 5 min) and the link; PCO itself: the code, /me, then the
    // organization (its name for the consent page)
    assertEquals(
        expected("SecretsManager.GetSecretValue", 1, "DynamoDb.PutItem", 1),
        steps.get("pco complete"));
    assertEquals(1, pco.authorizationCodeCalls().get());
    assertEquals(1, pco.meCalls().get());
    assertEquals(1, pco.organizationCalls().get());
    // the link reached step 4: claimed (held) for the sign-in, no read
    assertEquals(expected("DynamoDb.UpdateItem", 1), steps.get("prompt without session"));
    assertEquals(
        expected("SecretsManager.GetSecretValue", 1, "DynamoDb.TransactWriteItems", 1),
        steps.get("prompt with login token"));
    // the session read, the link's claim (which reads it), the consent
    assertEquals(
        expected("DynamoDb.GetItem", 1, "DynamoDb.UpdateItem", 1, "DynamoDb.PutItem", 1),
        steps.get("consent page"));
    assertEquals(
        expected("DynamoDb.GetItem", 2, "DynamoDb.TransactWriteItems", 1), steps.get("approve"));
    assertEquals(
        expected(
            "SecretsManager.GetSecretValue", 1,
            "DynamoDb.GetItem", 1,
            "Kms.Sign", 1,
            "DynamoDb.TransactWriteItems", 1),
        steps.get("code exchange"));

    Map<String, Long> total = new TreeMap<>();
    steps.values().forEach(step -> step.forEach((name, n) -> total.merge(name, n, Long::sum)));
    assertEquals(
        expected(
            "DynamoDb.GetItem", 4,
            "DynamoDb.PutItem", 2,
            "DynamoDb.UpdateItem", 2,
            "DynamoDb.TransactWriteItems", 3,
            "Kms.Sign", 1,
            "SecretsManager.GetSecretValue", 3),
        total);
  }

  // ---- one request in a new function instance, then the same request in that warm instance

  /**
   * A request that must cost the same on every call once its instance is warm.
   *
   * @param cold the calls of the first request in a new instance, or null where only {@code warm}
   *     is pinned
   */
  record ColdThenWarm(
      String flow,
      Supplier<RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> function,
      Supplier<APIGatewayV2HTTPEvent> request,
      int status,
      Map<String, Long> cold,
      Map<String, Long> warm) {
    @Override
    public String toString() {
      return flow;
    }
  }

  static Stream<ColdThenWarm> coldThenWarm() {
    return Stream.of(
        new ColdThenWarm(
            "step 2, warm: only stores the link",
            () -> new PcoCompleteHandler(pcoCompleteEnv, Clock.systemUTC()),
            AwsCallCountsIT::pcoComplete,
            302,
            null,
            expected("DynamoDb.PutItem", 1)),
        new ColdThenWarm(
            "step 2 in store mode: also encrypts PCO's tokens, reads what was stored (created,"
                + " healed or renewed), stores them with the link in one transaction; a new"
                + " connection's event",
            () ->
                new PcoCompleteHandler(
                    scenarios.pcoCompleteEnvironment("store"), Clock.systemUTC()),
            AwsCallCountsIT::pcoComplete,
            302,
            expected(
                "SecretsManager.GetSecretValue",
                1,
                "Kms.Encrypt",
                1,
                "DynamoDb.GetItem",
                1,
                "DynamoDb.TransactWriteItems",
                1,
                "EventBridge.PutEvents",
                1),
            expected("Kms.Encrypt", 1, "DynamoDb.GetItem", 1, "DynamoDb.TransactWriteItems", 1)),
        new ColdThenWarm(
            "a revocation of an access token: the public key once, and no token read",
            () -> new RevokeHandler(revokeEnv, Clock.systemUTC()),
            () ->
                revokeEvent(
                    (String)
                        issuedTokens(new TokenHandler(tokenEnv, Clock.systemUTC()))
                            .get("access_token")),
            200,
            expected(
                "SecretsManager.GetSecretValue",
                1,
                "Kms.GetPublicKey",
                1,
                "DynamoDb.UpdateItem",
                1),
            expected("DynamoDb.UpdateItem", 1)),
        new ColdThenWarm(
            "a login in a warm prompt function: the login key is not read again",
            () -> new AuthorizePromptHandler(promptEnv, Clock.systemUTC()),
            () -> LoginTokens.bound(authorize(), loginTokens.sign("user-3", "Cy")).build(),
            303,
            null,
            expected("DynamoDb.TransactWriteItems", 1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("coldThenWarm")
  void aRequest_coldThenWarm_makesExactlyThePinnedCalls(ColdThenWarm row) {
    var function = row.function().get();
    APIGatewayV2HTTPEvent first = row.request().get();
    Map<String, Long> cold = calls(function, first, row.status());
    APIGatewayV2HTTPEvent next = row.request().get();
    Map<String, Long> warm = calls(function, next, row.status());
    if (row.cold() != null) {
      assertEquals(row.cold(), cold, "cold");
    }
    assertEquals(row.warm(), warm, "warm");
  }

  /** Invokes an invoke-style function as Lambda does; its answer. */
  static Map<String, Object> invoke(org.pcohandshake.invoke.InvokeFunction function, String json) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      function.handleRequest(
          new java.io.ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          out,
          null);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, Object> answer =
        TestJson.object(out.toString(java.nio.charset.StandardCharsets.UTF_8));
    assertTrue(!answer.containsKey("error"), answer.toString());
    return answer;
  }

  @Test
  void theBrokerAndKeepAlive_makeExactlyThePinnedCalls() {
    Map<String, String> brokerEnv = scenarios.environmentFor("PcoBrokerFunction");
    Config config = Config.fromEnvironment(brokerEnv);
    org.pcohandshake.aws.AwsClients aws = new org.pcohandshake.aws.AwsClients(config);
    org.pcohandshake.pco.PcoTokenVault vault =
        org.pcohandshake.pco.PcoTokenVault.publishing(
            config,
            (org.pcohandshake.config.PcoTokenMode.Store) config.pcoTokenMode(),
            aws,
            aws.dynamoDb(),
            new org.pcohandshake.pco.PcoClient(
                pco.baseUrl(),
                Scenarios.PCO_CLIENT_ID,
                () -> Scenarios.PCO_CLIENT_SECRET,
                java.time.Duration.ofSeconds(4),
                Clock.systemUTC()),
            Clock.systemUTC());
    String org = Long.toString(System.nanoTime());
    java.util.function.Consumer<java.time.Duration> connect =
        left -> {
          var pair = pco.issueTokens();
          vault.store(
              new org.pcohandshake.pco.PcoIdentity(org, "1", "Pat"),
              new org.pcohandshake.pco.PcoTokens(
                  pair.accessToken(),
                  pair.refreshToken(),
                  java.time.Instant.now().plus(left),
                  "people"));
        };
    connect.accept(java.time.Duration.ofHours(2));
    var broker = new org.pcohandshake.fn.pcobroker.PcoBrokerHandler(brokerEnv, Clock.systemUTC());
    String token = "{\"operation\":\"access_token\",\"organization_id\":\"" + org + "\"";

    // a fresh token: the connection by key, strongly consistent, and its decryption
    assertEquals(
        expected("DynamoDb.GetItem", 1, "Kms.Decrypt", 1),
        calls(() -> invoke(broker, token + ",\"person_id\":\"1\"}")));
    // the organization alone: one index query picks the person, then the same
    assertEquals(
        expected("DynamoDb.Query", 1, "DynamoDb.GetItem", 1, "Kms.Decrypt", 1),
        calls(() -> invoke(broker, token + "}")));
    // an expiring one (cold: the PCO client secret): the lease, PCO, the rotated pair written
    connect.accept(java.time.Duration.ofMinutes(1));
    assertEquals(
        expected(
            "DynamoDb.GetItem", 1,
            "DynamoDb.UpdateItem", 2,
            "Kms.Decrypt", 1,
            "Kms.Encrypt", 1,
            "SecretsManager.GetSecretValue", 1),
        calls(() -> invoke(broker, token + ",\"person_id\":\"1\"}")));
    // a page of the organization's connections: one index query, no ciphertext
    assertEquals(
        expected("DynamoDb.Query", 1),
        calls(
            () ->
                invoke(
                    broker,
                    "{\"operation\":\"connections\",\"organization_id\":\"" + org + "\"}")));
    // keep-alive with nothing idle: one index query
    var keepAlive =
        new org.pcohandshake.fn.pcokeepalive.PcoKeepAliveHandler(
            scenarios.environmentFor("PcoKeepAliveFunction"), Clock.systemUTC());
    Map<String, Long> idle =
        calls(
            () ->
                assertEquals(
                    0.0,
                    ((Number) invoke(keepAlive, "{\"operation\":\"keep_alive\"}").get("refreshed"))
                        .doubleValue()));
    assertEquals(expected("DynamoDb.Query", 1), idle);
    // disconnect: read, decrypt, revoke at PCO, delete, the event
    assertEquals(
        expected(
            "DynamoDb.GetItem", 1,
            "Kms.Decrypt", 1,
            "DynamoDb.DeleteItem", 1,
            "EventBridge.PutEvents", 1),
        calls(
            () ->
                invoke(
                    broker,
                    "{\"operation\":\"disconnect\",\"organization_id\":\""
                        + org
                        + "\",\"person_id\":\"1\"}")));
  }

  /** A code for a new grant of {@code user}, stored as POST /oauth/authorize stores one. */
  private static String seededCode(org.pcohandshake.grant.Grant grant) {
    String code = org.pcohandshake.crypto.Tokens.random();
    var grants =
        new org.pcohandshake.grant.GrantStore(dynamo, stack.physicalId("Table"), Clock.systemUTC());
    dynamo.transactWriteItems(
        r ->
            r.transactItems(
                grants.putCode(
                    org.pcohandshake.crypto.Tokens.hash(code),
                    new org.pcohandshake.grant.AuthorizationCode(
                        grant, redirect, "", java.time.Instant.now().plusSeconds(300), false))));
    return code;
  }

  private static org.pcohandshake.grant.Grant newGrant(String user) {
    return new org.pcohandshake.grant.Grant(
        org.pcohandshake.crypto.Tokens.id(),
        tokenEnv.get("CLIENT_ID"),
        user,
        org.pcohandshake.grant.Scope.EMPTY,
        new org.pcohandshake.link.PcoLink("org-" + user, "person-" + user, "Pat"),
        java.time.Instant.now().plus(java.time.Duration.ofDays(90)));
  }

  private static APIGatewayV2HTTPEvent exchangeEvent(String code) {
    return TestEvent.post("/oauth/token")
        .basic(tokenEnv.get("CLIENT_ID"), stack.secretValue("IntegratorClientSecret"))
        .form("grant_type", "authorization_code", "code", code, "redirect_uri", redirect)
        .build();
  }

  /** A grant of {@code user} as step 6 leaves it, through the token function: its id. */
  private static String grantOf(TokenHandler token, String user) {
    org.pcohandshake.grant.Grant grant = newGrant(user);
    var r = token.handleRequest(exchangeEvent(seededCode(grant)), null);
    assertEquals(200, r.getStatusCode(), r.getBody());
    return grant.id();
  }

  /** One command through the admin function's stream entry; it must not be refused. */
  private static void command(GrantAdminHandler admin, String json) {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      admin.handleRequest(
          new java.io.ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          out,
          null);
      String answer = out.toString(java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(!answer.contains("\"error\""), answer);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theAdminOperations_coldAndWarm_makeExactlyThePinnedCalls() {
    TokenHandler token = new TokenHandler(tokenEnv, Clock.systemUTC());
    String user = "admin-" + java.util.UUID.randomUUID();
    List<String> ids = List.of(grantOf(token, user), grantOf(token, user), grantOf(token, user));
    GrantAdminHandler admin =
        new GrantAdminHandler(scenarios.environmentFor("GrantAdminFunction"), Clock.systemUTC());
    String status = "{\"operation\":\"grant_status\",\"grant_id\":\"" + ids.get(0) + "\"}";
    // no secret, no key: the grant, by primary key, consistently
    assertEquals(expected("DynamoDb.GetItem", 1), calls(() -> command(admin, status)));
    assertEquals(expected("DynamoDb.GetItem", 1), calls(() -> command(admin, status)));
    // a page: the ids from the index, the grants in one consistent batch
    assertEquals(
        expected("DynamoDb.Query", 1, "DynamoDb.BatchGetItem", 1),
        calls(
            () -> command(admin, "{\"operation\":\"list_grants\",\"user_id\":\"" + user + "\"}")));
    // one grant: its conditional update, its event, its state after
    assertEquals(
        expected("DynamoDb.UpdateItem", 1, "EventBridge.PutEvents", 1, "DynamoDb.GetItem", 1),
        calls(
            () ->
                command(
                    admin,
                    "{\"operation\":\"revoke_grant\",\"grant_id\":\"" + ids.get(0) + "\"}")));
    // every grant of the user: the offboarding's record (one update), one page of ids, an update
    // per grant, an event per grant revoked
    assertEquals(
        expected("DynamoDb.Query", 1, "DynamoDb.UpdateItem", 4, "EventBridge.PutEvents", 2),
        calls(
            () ->
                command(
                    admin, "{\"operation\":\"revoke_user_grants\",\"user_id\":\"" + user + "\"}")));
  }

  @Test
  void aReplayedCode_revokesAndAnnouncesTheGrant_once() {
    TokenHandler token = new TokenHandler(tokenEnv, Clock.systemUTC());
    APIGatewayV2HTTPEvent exchange = exchangeEvent(seededCode(newGrant("replayed")));
    calls(token, exchange, 200);
    // the code read, the grant revoked (one update), the event; nothing signed
    assertEquals(
        expected("DynamoDb.GetItem", 1, "DynamoDb.UpdateItem", 1, "EventBridge.PutEvents", 1),
        calls(token, exchange, 400));
    assertEquals(
        expected("DynamoDb.GetItem", 1, "DynamoDb.UpdateItem", 1), calls(token, exchange, 400));
  }

  @Test
  void oneApiCall_coldAndWarm_isOneGrantRead_theKeysComeFromTheJwksOncePerContainer() {
    String accessToken =
        (String) issuedTokens(new TokenHandler(tokenEnv, Clock.systemUTC())).get("access_token");
    ExampleApiHandler api = new ExampleApiHandler(apiEnv, Clock.systemUTC());
    int jwksRequestsBefore = jwks.requests();
    APIGatewayV2HTTPEvent call =
        TestEvent.get("/api/me")
            .header("authorization", "Bearer " + accessToken)
            .header("origin", Scenarios.PCO_ORIGIN)
            .build();
    Map<String, Long> cold =
        calls(
            () -> {
              var r = api.handleRequest(call, null);
              assertEquals(200, r.getStatusCode(), r.getBody());
              assertEquals("user-2", json(r).get("sub"));
            });
    Map<String, Long> warm = calls(api, call, 200);
    // the grant, strongly consistent (REVOCATION_CHECK=grant, the template's default); no KMS call
    assertEquals(expected("DynamoDb.GetItem", 1), cold);
    assertEquals(expected("DynamoDb.GetItem", 1), warm);
    assertEquals(jwksRequestsBefore + 1, jwks.requests(), "the JWKS, once for the container");
  }

  @Test
  void oneApiCall_withoutTheRevocationCheck_makesNoAwsCall() {
    String accessToken =
        (String) issuedTokens(new TokenHandler(tokenEnv, Clock.systemUTC())).get("access_token");
    Map<String, String> env = new LinkedHashMap<>(apiEnv);
    env.put(Config.REVOCATION_CHECK, "none");
    ExampleApiHandler api = new ExampleApiHandler(env, Clock.systemUTC());
    Map<String, Long> cold =
        calls(
            api,
            TestEvent.get("/api/me").header("authorization", "Bearer " + accessToken).build(),
            200);
    assertEquals(expected(), cold);
  }

  @Test
  void oneRevocation_ofARefreshToken_coldAndWarm() {
    TokenHandler token = new TokenHandler(tokenEnv, Clock.systemUTC());
    String first = (String) issuedTokens(token).get("refresh_token");
    String second = (String) issuedTokens(token).get("refresh_token");
    RevokeHandler revoke = new RevokeHandler(revokeEnv, Clock.systemUTC());
    Map<String, Long> cold = calls(() -> revoked(revoke, first));
    Map<String, Long> warm = calls(() -> revoked(revoke, second));
    // the client secret (current version only, then cached 5 min), the token, the grant's update
    assertEquals(
        expected(
            "SecretsManager.GetSecretValue", 1, "DynamoDb.GetItem", 1, "DynamoDb.UpdateItem", 1),
        cold);
    assertEquals(expected("DynamoDb.GetItem", 1, "DynamoDb.UpdateItem", 1), warm);
    // revoked: the refresh token no longer refreshes
    var refused = token.handleRequest(refreshEvent(first), null);
    assertEquals(400, refused.getStatusCode(), refused.getBody());
  }

  @Test
  void discovery_metadataNeedsNoAwsCall_theJwksOneKeyReadPerContainer() {
    DiscoveryHandler discovery = new DiscoveryHandler(discoveryEnv, Clock.systemUTC());
    Map<String, Long> metadata =
        calls(discovery, TestEvent.get("/.well-known/oauth-authorization-server").build(), 200);
    Map<String, Long> cold = calls(discovery, TestEvent.get(Config.JWKS_PATH).build(), 200);
    Map<String, Long> warm = calls(discovery, TestEvent.get(Config.JWKS_PATH).build(), 200);
    assertEquals(expected(), metadata);
    assertEquals(expected("Kms.GetPublicKey", 1), cold);
    assertEquals(expected(), warm);
  }

  /** Revokes a token with client_secret_basic; RFC 7009's 200. */
  private static void revoked(RevokeHandler revoke, String token) {
    var r = revoke.handleRequest(revokeEvent(token), null);
    assertEquals(200, r.getStatusCode(), r.getBody());
  }

  private static APIGatewayV2HTTPEvent revokeEvent(String token) {
    return TestEvent.post("/oauth/revoke")
        .basic(revokeEnv.get("CLIENT_ID"), stack.secretValue("IntegratorClientSecret"))
        .form("token", token)
        .build();
  }

  @Test
  void oneRefresh_inAWarmTokenFunction_isOneReadOneSignatureOneTransaction() {
    TokenHandler token = new TokenHandler(tokenEnv, Clock.systemUTC());
    String refresh = firstRefreshToken(token);
    Map<String, Long> refreshCalls = calls(token, refreshEvent(refresh), 200);
    assertEquals(
        expected("DynamoDb.GetItem", 1, "Kms.Sign", 1, "DynamoDb.TransactWriteItems", 1),
        refreshCalls);
  }

  @Test
  void aRepeatInsideTheGraceWindow_costsARefresh_usingItsHandleReadsTheSuccessorToo() {
    TokenHandler token = new TokenHandler(tokenEnv, Clock.systemUTC());
    String refresh = firstRefreshToken(token);
    assertEquals(200, token.handleRequest(refreshEvent(refresh), null).getStatusCode());
    String[] handle = new String[1];
    Map<String, Long> repeatCalls =
        calls(
            () -> {
              var r = token.handleRequest(refreshEvent(refresh), null);
              assertEquals(200, r.getStatusCode(), r.getBody());
              handle[0] = (String) json(r).get("refresh_token");
            });
    // the token read; the handle written with the checks of its successor and the grant
    assertEquals(
        expected("DynamoDb.GetItem", 1, "Kms.Sign", 1, "DynamoDb.TransactWriteItems", 1),
        repeatCalls);
    Map<String, Long> handleCalls = calls(token, refreshEvent(handle[0]), 200);
    // the handle, then the successor whose place it holds
    assertEquals(
        expected("DynamoDb.GetItem", 2, "Kms.Sign", 1, "DynamoDb.TransactWriteItems", 1),
        handleCalls);
  }

  @Test
  void oneRefresh_inAColdTokenFunction_alsoReadsTheCurrentClientSecretOnce() {
    String refresh = firstRefreshToken(new TokenHandler(tokenEnv, Clock.systemUTC()));
    TokenHandler cold = new TokenHandler(tokenEnv, Clock.systemUTC());
    Map<String, Long> refreshCalls = calls(cold, refreshEvent(refresh), 200);
    assertEquals(
        expected(
            "SecretsManager.GetSecretValue", 1,
            "DynamoDb.GetItem", 1,
            "Kms.Sign", 1,
            "DynamoDb.TransactWriteItems", 1),
        refreshCalls);
  }

  /** Runs a handshake through the given token handler and returns the refresh token it issued. */
  private static String firstRefreshToken(TokenHandler token) {
    return (String) issuedTokens(token).get("refresh_token");
  }

  /** Runs a handshake (steps 2 to 6) through the given token handler; its token response. */
  private static Map<String, Object> issuedTokens(TokenHandler token) {
    AuthorizePromptHandler prompt = new AuthorizePromptHandler(promptEnv, Clock.systemUTC());
    AuthorizeDecisionHandler decision =
        new AuthorizeDecisionHandler(decisionEnv, Clock.systemUTC());
    // step 2's link: step 4 requires it (identify mode), and each link yields one code
    String link =
        cookie(
            new PcoCompleteHandler(pcoCompleteEnv, Clock.systemUTC())
                .handleRequest(pcoComplete(), null),
            Cookies.PCO_LINK);
    var login =
        prompt.handleRequest(
            LoginTokens.bound(authorize(), loginTokens.sign("user-2", "Bo")).build(), null);
    String session = cookie(login, Cookies.SESSION);
    var page =
        prompt.handleRequest(
            authorize().cookie(Cookies.SESSION, session).cookie(Cookies.PCO_LINK, link).build(),
            null);
    Matcher m = Pattern.compile("name=\"form_token\" value=\"([^\"]+)\"").matcher(page.getBody());
    assertTrue(m.find(), page.getBody());
    var approved =
        decision.handleRequest(
            TestEvent.post("/oauth/authorize")
                .header("origin", ISSUER)
                .cookie(Cookies.SESSION, session)
                .form("form_token", m.group(1), "decision", "approve")
                .build(),
            null);
    String code = TestEvent.queryOf(approved.getHeaders().get("location")).get("code");
    var exchanged =
        token.handleRequest(
            TestEvent.post("/oauth/token")
                .basic(tokenEnv.get("CLIENT_ID"), stack.secretValue("IntegratorClientSecret"))
                .form("grant_type", "authorization_code", "code", code, "redirect_uri", redirect)
                .build(),
            null);
    assertEquals(200, exchanged.getStatusCode(), exchanged.getBody());
    return json(exchanged);
  }

  private static APIGatewayV2HTTPEvent refreshEvent(String refreshToken) {
    return TestEvent.post("/oauth/token")
        .basic(tokenEnv.get("CLIENT_ID"), stack.secretValue("IntegratorClientSecret"))
        .form("grant_type", "refresh_token", "refresh_token", refreshToken)
        .build();
  }

  /**
   * The oidc login mode at a real OpenID Provider: the redirect stores the login request; the
   * callback consumes it, reads the provider's client secret once per instance, and opens the
   * session in one transaction (the discovery document, the JWKS and the code exchange are calls to
   * the provider, not to AWS).
   */
  @Test
  void oidcSignIn_coldThenWarm_isOneWriteAtTheRedirect_oneDeleteAndOneTransactionAtTheCallback()
      throws Exception {
    try (TestProvider provider = TestProvider.start()) {
      Map<String, String> parameters =
          Map.of(
              "LoginMode", "oidc",
              "OidcIssuer", provider.issuer(),
              "OidcClientId", "pco-handshake-bench",
              "PcoTokenMode", "skip");
      AuthorizePromptHandler prompt =
          new AuthorizePromptHandler(
              stack.environmentFor("AuthorizePromptFunction", ISSUER, parameters),
              Clock.systemUTC());
      LoginCallbackHandler callback =
          new LoginCallbackHandler(
              stack.environmentFor("LoginCallbackFunction", ISSUER, parameters), Clock.systemUTC());
      java.net.http.HttpClient http =
          java.net.http.HttpClient.newBuilder()
              .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
              .build();
      for (boolean cold : new boolean[] {true, false}) {
        APIGatewayV2HTTPResponse[] toProvider = new APIGatewayV2HTTPResponse[1];
        assertEquals(
            expected("DynamoDb.PutItem", 1),
            calls(() -> toProvider[0] = prompt.handleRequest(authorize().build(), null)));
        assertEquals(302, toProvider[0].getStatusCode(), toProvider[0].getBody());
        provider.nextUser("user-7", "pco-handshake-bench", Map.of("name", "Ada"));
        String back =
            http.send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(toProvider[0].getHeaders().get("location")))
                        .build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding())
                .headers()
                .firstValue("location")
                .orElseThrow();
        String loginCookie =
            toProvider[0].getCookies().get(0).replaceAll("^[^=]+=([^;]*);.*$", "$1");
        APIGatewayV2HTTPEvent event =
            TestEvent.get("/oauth/login/callback")
                .rawQuery(java.net.URI.create(back).getRawQuery())
                .cookie(Cookies.LOGIN, loginCookie)
                .build();
        Map<String, Long> expected =
            cold
                ? expected(
                    "DynamoDb.DeleteItem", 1,
                    "SecretsManager.GetSecretValue", 1,
                    "DynamoDb.TransactWriteItems", 1)
                : expected("DynamoDb.DeleteItem", 1, "DynamoDb.TransactWriteItems", 1);
        assertEquals(expected, calls(callback, event, 303), cold ? "cold" : "warm");
      }
    }
  }

  @Test
  void theCounterSeesEveryCallOfTheFunctionsClients() {
    // a guard for the guard: a handler's clients are counted at all
    TokenHandler token = new TokenHandler(tokenEnv, Clock.systemUTC());
    Map<String, Long> counted =
        calls(
            token,
            TestEvent.post("/oauth/token")
                .basic(tokenEnv.get("CLIENT_ID"), stack.secretValue("IntegratorClientSecret"))
                .form("grant_type", "refresh_token", "refresh_token", "x".repeat(43))
                .build(),
            400);
    assertEquals(expected("DynamoDb.GetItem", 1, "SecretsManager.GetSecretValue", 1), counted);
    assertTrue(AwsCallCounter.nanos() > 0);
  }

  @Test
  void aClientStillHoldingThePreviousSecret_costsOneMoreReadPerCacheLifetime() {
    TokenHandler token = new TokenHandler(tokenEnv, Clock.systemUTC());
    Map<String, Long> calls = calls(() -> refusedWithAWrongSecret(token));
    // the current version, then current and previous together (no previous here: never rotated)
    assertEquals(expected("SecretsManager.GetSecretValue", 3), calls);
  }

  /** A refresh with a wrong client secret, refused before any grant logic. */
  private static void refusedWithAWrongSecret(TokenHandler token) {
    var r =
        token.handleRequest(
            TestEvent.post("/oauth/token")
                .basic(tokenEnv.get("CLIENT_ID"), "not-the-current-secret")
                .form("grant_type", "refresh_token", "refresh_token", "x".repeat(43))
                .build(),
            null);
    assertEquals(401, r.getStatusCode(), r.getBody());
  }

  @Test
  void withoutOverlap_wrongSecretsCostOneReadPerCacheLifetime_andNeverReadThePrevious() {
    Map<String, String> noOverlap = new HashMap<>(tokenEnv);
    noOverlap.put(Config.PREVIOUS_SECRET_OVERLAP_SECONDS, "0");
    TokenHandler token = new TokenHandler(noOverlap, Clock.systemUTC());
    Map<String, Long> calls =
        calls(
            () -> {
              for (int i = 0; i < 3; i++) {
                refusedWithAWrongSecret(token);
              }
            });
    // the current version, then the current version alone again: AWSPREVIOUS is not read
    assertEquals(expected("SecretsManager.GetSecretValue", 2), calls);
  }
}
