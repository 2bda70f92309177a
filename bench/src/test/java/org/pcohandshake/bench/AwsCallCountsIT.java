package org.pcohandshake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.fn.authorizedecision.AuthorizeDecisionHandler;
import org.pcohandshake.fn.authorizeprompt.AuthorizePromptHandler;
import org.pcohandshake.fn.token.TokenHandler;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.testkit.aws.AwsCallCounter;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.aws.Provisioner;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.login.LoginTokens;
import org.pcohandshake.testkit.sam.SamTemplate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

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

  static ProvisionedStack stack;
  static Map<String, String> promptEnv;
  static Map<String, String> decisionEnv;
  static Map<String, String> tokenEnv;
  static LoginTokens loginTokens;
  static String redirect;
  static String linkCookie;

  @BeforeAll
  static void provision() {
    Emulator emulator = Emulator.shared();
    stack = new Provisioner(SamTemplate.fromProjectRoot(), emulator).provision();
    promptEnv = stack.environmentFor("AuthorizePromptFunction", ISSUER);
    decisionEnv = stack.environmentFor("AuthorizeDecisionFunction", ISSUER);
    tokenEnv = stack.environmentFor("TokenFunction", ISSUER);
    loginTokens =
        new LoginTokens(stack.secretValue("LoginBridgeKey"), promptEnv.get("LOGIN_ISSUER"), ISSUER);
    redirect =
        promptEnv.get("PCO_BASE_URL")
            + "/addons/authorizations/"
            + promptEnv.get("PCO_OAUTH_APPLICATION_ID");
    // step 2 (GET /oauth/pco/complete) leaves this cookie; that function is not in this branch yet
    try (DynamoDbClient dynamo = emulator.dynamoDb()) {
      linkCookie =
          new LinkStore(
                  dynamo, stack.physicalId("Table"), Duration.ofMinutes(15), Clock.systemUTC())
              .put(new PcoLink("org-1", "person-1", "Pat"));
    }
  }

  /** The calls one step makes: resets the counter, runs the step, returns what it counted. */
  static Map<String, Long> calls(Runnable step) {
    AwsCallCounter.reset();
    step.run();
    return AwsCallCounter.counts();
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

  /** Runs the whole handshake from cold handlers; returns each step's calls. */
  static Map<String, Map<String, Long>> handshake() {
    AuthorizePromptHandler prompt = new AuthorizePromptHandler(promptEnv);
    AuthorizeDecisionHandler decision = new AuthorizeDecisionHandler(decisionEnv);
    TokenHandler token = new TokenHandler(tokenEnv);
    Map<String, Map<String, Long>> steps = new LinkedHashMap<>();
    String[] session = new String[1];
    String[] formToken = new String[1];
    String[] code = new String[1];
    String[] refresh = new String[1];

    steps.put(
        "prompt without session",
        calls(
            () -> {
              var r =
                  prompt.handleRequest(
                      authorize().cookie(Cookies.PCO_LINK, linkCookie).build(), null);
              assertEquals(302, r.getStatusCode(), r.getBody());
            }));
    steps.put(
        "prompt with login token",
        calls(
            () -> {
              var r =
                  prompt.handleRequest(
                      authorize()
                          .query("login_token", loginTokens.sign("user-1", "Ada"))
                          .cookie(Cookies.PCO_LINK, linkCookie)
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
                          .cookie(Cookies.PCO_LINK, linkCookie)
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
      return JSONObjectUtils.parse(response.getBody());
    } catch (java.text.ParseException e) {
      throw new AssertionError(response.getBody(), e);
    }
  }

  @Test
  void wholeHandshake_fromColdFunctions_makesExactlyThePinnedCalls() {
    Map<String, Map<String, Long>> steps = handshake();

    assertEquals(expected(), steps.get("prompt without session"));
    assertEquals(
        expected("SecretsManager.GetSecretValue", 1, "DynamoDb.TransactWriteItems", 1),
        steps.get("prompt with login token"));
    assertEquals(expected("DynamoDb.GetItem", 2, "DynamoDb.PutItem", 1), steps.get("consent page"));
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
            "DynamoDb.GetItem", 5,
            "DynamoDb.PutItem", 1,
            "DynamoDb.TransactWriteItems", 3,
            "Kms.Sign", 1,
            "SecretsManager.GetSecretValue", 2),
        total);
  }

  @Test
  void oneRefresh_inAWarmTokenFunction_isOneReadOneSignatureOneTransaction() {
    TokenHandler token = new TokenHandler(tokenEnv);
    String refresh = firstRefreshToken(token);
    Map<String, Long> refreshCalls =
        calls(
            () -> {
              var r = token.handleRequest(refreshEvent(refresh), null);
              assertEquals(200, r.getStatusCode(), r.getBody());
            });
    assertEquals(
        expected("DynamoDb.GetItem", 1, "Kms.Sign", 1, "DynamoDb.TransactWriteItems", 1),
        refreshCalls);
  }

  @Test
  void oneRefresh_inAColdTokenFunction_alsoReadsTheCurrentClientSecretOnce() {
    String refresh = firstRefreshToken(new TokenHandler(tokenEnv));
    TokenHandler cold = new TokenHandler(tokenEnv);
    Map<String, Long> refreshCalls =
        calls(
            () -> {
              var r = cold.handleRequest(refreshEvent(refresh), null);
              assertEquals(200, r.getStatusCode(), r.getBody());
            });
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
    AuthorizePromptHandler prompt = new AuthorizePromptHandler(promptEnv);
    AuthorizeDecisionHandler decision = new AuthorizeDecisionHandler(decisionEnv);
    var login =
        prompt.handleRequest(
            authorize().query("login_token", loginTokens.sign("user-2", "Bo")).build(), null);
    String session = cookie(login, Cookies.SESSION);
    var page = prompt.handleRequest(authorize().cookie(Cookies.SESSION, session).build(), null);
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
    return (String) json(exchanged).get("refresh_token");
  }

  private static com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent refreshEvent(
      String refreshToken) {
    return TestEvent.post("/oauth/token")
        .basic(tokenEnv.get("CLIENT_ID"), stack.secretValue("IntegratorClientSecret"))
        .form("grant_type", "refresh_token", "refresh_token", refreshToken)
        .build();
  }

  @Test
  void theCounterSeesEveryCallOfTheFunctionsClients() {
    // a guard for the guard: a handler's clients are counted at all
    TokenHandler token = new TokenHandler(tokenEnv);
    Map<String, Long> counted =
        calls(
            () -> {
              var r =
                  token.handleRequest(
                      TestEvent.post("/oauth/token")
                          .basic(
                              tokenEnv.get("CLIENT_ID"),
                              stack.secretValue("IntegratorClientSecret"))
                          .form("grant_type", "refresh_token", "refresh_token", "x".repeat(43))
                          .build(),
                      null);
              assertEquals(400, r.getStatusCode(), r.getBody());
            });
    assertEquals(expected("DynamoDb.GetItem", 1, "SecretsManager.GetSecretValue", 1), counted);
    assertTrue(AwsCallCounter.nanos() > 0);
  }

  @Test
  void aClientStillHoldingThePreviousSecret_costsOneMoreReadPerCacheLifetime() {
    TokenHandler token = new TokenHandler(tokenEnv);
    Map<String, Long> calls =
        calls(
            () -> {
              var r =
                  token.handleRequest(
                      TestEvent.post("/oauth/token")
                          .basic(tokenEnv.get("CLIENT_ID"), "not-the-current-secret")
                          .form("grant_type", "refresh_token", "refresh_token", "x".repeat(43))
                          .build(),
                      null);
              assertEquals(401, r.getStatusCode(), r.getBody());
            });
    // the current version, then current and previous together (no previous here: never rotated)
    assertEquals(expected("SecretsManager.GetSecretValue", 3), calls);
  }
}
