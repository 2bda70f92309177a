package org.pcohandshake.fn.authorizeprompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.log.Log;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.aws.Provisioner;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.login.LoginTokens;
import org.pcohandshake.testkit.sam.SamTemplate;

/** GET /oauth/authorize against the emulator: validation, login bridge, consent page. */
class AuthorizePromptIT {

  static final String ISSUER = "https://auth.example.test";
  static final String PCO = "https://api.planningcenteronline.com";

  static ProvisionedStack stack;
  static AuthorizePromptHandler handler;
  static Map<String, String> env;
  static LoginTokens loginTokens;
  static String redirect;

  @BeforeAll
  static void provision() {
    stack = new Provisioner(SamTemplate.fromProjectRoot(), Emulator.shared()).provision();
    env = stack.environmentFor("AuthorizePromptFunction", ISSUER);
    handler = new AuthorizePromptHandler(env);
    loginTokens =
        new LoginTokens(stack.secretValue("LoginBridgeKey"), env.get("LOGIN_ISSUER"), ISSUER);
    redirect = PCO + "/addons/authorizations/" + env.get("PCO_OAUTH_APPLICATION_ID");
  }

  /** The log lines written while {@code action} runs. */
  static List<String> logged(Runnable action) {
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    Log.to(new PrintStream(logs, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      Log.to(System.out);
    }
    return logs.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void init_withEmptyScopes_warnsOnceThatAnyScopeIsAllowed() {
    HashMap<String, String> anyScope = new HashMap<>(env);
    anyScope.put(Config.SCOPES, "");
    List<String> lines = logged(() -> new AuthorizePromptHandler(anyScope));
    List<String> warnings =
        lines.stream().filter(l -> l.contains("\"setting\":\"SCOPES\"")).toList();
    assertEquals(1, warnings.size(), lines.toString());
    assertTrue(warnings.get(0).contains("\"level\":\"WARN\""), warnings.get(0));

    HashMap<String, String> listed = new HashMap<>(env);
    listed.put(Config.SCOPES, "people");
    List<String> quiet = logged(() -> new AuthorizePromptHandler(listed));
    assertTrue(quiet.stream().noneMatch(l -> l.contains("SCOPES")), quiet.toString());
  }

  static TestEvent authorize(String state) {
    return TestEvent.get("/oauth/authorize")
        .query("response_type", "code")
        .query("client_id", env.get("CLIENT_ID"))
        .query("redirect_uri", redirect)
        .query("state", state);
  }

  static APIGatewayV2HTTPResponse call(TestEvent event) {
    return handler.handleRequest(event.build(), null);
  }

  /** Logs in through the bridge and returns the session cookie value. */
  static String login() {
    APIGatewayV2HTTPResponse response =
        call(authorize("s").query("login_token", loginTokens.sign("user-1", "Ada Lovelace")));
    assertEquals(303, response.getStatusCode(), response.getBody());
    return cookieValue(response, Cookies.SESSION);
  }

  static String cookieValue(APIGatewayV2HTTPResponse response, String name) {
    for (String cookie : response.getCookies()) {
      if (cookie.startsWith(name + "=")) {
        return cookie.substring(name.length() + 1, cookie.indexOf(';'));
      }
    }
    throw new AssertionError("no cookie " + name);
  }

  static List<String> items() {
    return stack.scanTable("Table").stream().map(Object::toString).sorted().toList();
  }

  @Test
  void noSession_redirectsToLoginWithReturnToTheSameRequest() {
    APIGatewayV2HTTPResponse response = call(authorize("abc").query("extra", "1"));
    assertEquals(302, response.getStatusCode());
    String location = response.getHeaders().get("location");
    assertTrue(location.startsWith(env.get("LOGIN_URL") + "?return_to="), location);
    String returnTo = TestEvent.queryOf(location).get("return_to");
    assertTrue(returnTo.startsWith(ISSUER + "/oauth/authorize?"), returnTo);
    assertEquals("abc", TestEvent.queryOf(returnTo).get("state"));
    assertEquals("1", TestEvent.queryOf(returnTo).get("extra"));
  }

  @Test
  void loginToken_opensSession_andRedirectsToCleanUrl() {
    APIGatewayV2HTTPResponse response =
        call(authorize("abc").query("login_token", loginTokens.sign("user-1", "Ada")));
    assertEquals(303, response.getStatusCode(), response.getBody());
    String location = response.getHeaders().get("location");
    assertFalse(location.contains("login_token"));
    assertEquals("abc", TestEvent.queryOf(location).get("state"));
    String cookie =
        response.getCookies().stream()
            .filter(c -> c.startsWith(Cookies.SESSION + "="))
            .findFirst()
            .orElseThrow();
    assertTrue(cookie.contains("HttpOnly"));
    assertTrue(cookie.contains("Secure"));
    assertTrue(cookie.contains("SameSite=Lax"));
    String value = cookieValue(response, Cookies.SESSION);
    assertFalse(stack.scanTable("Table").toString().contains(value), "only the hash is stored");
  }

  @Test
  void replayedLoginToken_isRefused() {
    String token = loginTokens.sign("user-2", "Bob");
    assertEquals(303, call(authorize("s").query("login_token", token)).getStatusCode());
    APIGatewayV2HTTPResponse replay = call(authorize("s").query("login_token", token));
    assertEquals(400, replay.getStatusCode());
    assertTrue(replay.getBody().contains("could not sign you in"));
    assertNull(replay.getCookies());
  }

  @Test
  void expiredOrForgedLoginToken_isRefused_andWritesNothing() {
    List<String> before = items();
    String expired =
        loginTokens.sign("u", "n", Instant.now().minusSeconds(600), Duration.ofMinutes(2));
    assertEquals(400, call(authorize("s").query("login_token", expired)).getStatusCode());
    String forged = new LoginTokens("f".repeat(64), env.get("LOGIN_ISSUER"), ISSUER).sign("u", "n");
    assertEquals(400, call(authorize("s").query("login_token", forged)).getStatusCode());
    String tooLong = loginTokens.sign("u", "n", Instant.now(), Duration.ofMinutes(10));
    assertEquals(400, call(authorize("s").query("login_token", tooLong)).getStatusCode());
    assertEquals(before, items());
  }

  @Test
  void session_showsConsentPage_withOneTimeFormToken_andSecurityHeaders() {
    String session = login();
    APIGatewayV2HTTPResponse page = call(authorize("st").cookie(Cookies.SESSION, session));
    assertEquals(200, page.getStatusCode(), page.getBody());
    Map<String, String> h = page.getHeaders();
    assertEquals("no-store", h.get("cache-control"));
    assertTrue(h.get("content-security-policy").contains("frame-ancestors 'none'"));
    assertEquals("DENY", h.get("x-frame-options"));
    // same-origin, not no-referrer: the consent form's POST must carry the real Origin
    assertEquals("same-origin", h.get("referrer-policy"));
    assertTrue(page.getBody().contains("Ada Lovelace"));
    Matcher token =
        Pattern.compile("name=\"form_token\" value=\"([^\"]+)\"").matcher(page.getBody());
    assertTrue(token.find());
    assertFalse(stack.scanTable("Table").toString().contains(token.group(1)));
  }

  @Test
  void consentPage_namesLinkedPcoPersonAndOrganization() {
    String session = login();
    String link =
        new LinkStore(
                Emulator.shared().dynamoDb(),
                stack.physicalId("Table"),
                Duration.ofMinutes(5),
                Clock.systemUTC())
            .put(new PcoLink("org-77", "person-55", "Pat Example"));
    APIGatewayV2HTTPResponse page =
        call(authorize("st").cookie(Cookies.SESSION, session).cookie(Cookies.PCO_LINK, link));
    assertEquals(200, page.getStatusCode());
    assertTrue(page.getBody().contains("Pat Example"));
    assertTrue(page.getBody().contains("person-55"));
    assertTrue(page.getBody().contains("org-77"));
  }

  @Test
  void unknownClientOrBadRedirect_isAPage_neverARedirect_andWritesNothing() {
    String session = login();
    List<String> before = items();
    for (TestEvent event :
        List.of(
            TestEvent.get("/oauth/authorize")
                .query("response_type", "code")
                .query("client_id", "evil")
                .query("redirect_uri", redirect)
                .query("state", "s"),
            TestEvent.get("/oauth/authorize")
                .query("response_type", "code")
                .query("client_id", env.get("CLIENT_ID"))
                .query("redirect_uri", "https://evil.example/cb")
                .query("state", "s"),
            TestEvent.get("/oauth/authorize")
                .query("response_type", "code")
                .query("client_id", env.get("CLIENT_ID"))
                .query("redirect_uri", redirect + "/")
                .query("state", "s"))) {
      APIGatewayV2HTTPResponse response = call(event.cookie(Cookies.SESSION, session));
      assertEquals(400, response.getStatusCode());
      assertNull(response.getHeaders().get("location"));
      assertTrue(response.getHeaders().get("content-type").startsWith("text/html"));
      assertEquals("DENY", response.getHeaders().get("x-frame-options"));
    }
    assertEquals(before, items());
  }

  @Test
  void wrongResponseType_redirectsWithErrorAndSameState() {
    String state = "x".repeat(2048);
    APIGatewayV2HTTPResponse response =
        call(
            TestEvent.get("/oauth/authorize")
                .query("response_type", "token")
                .query("client_id", env.get("CLIENT_ID"))
                .query("redirect_uri", redirect)
                .query("state", state));
    assertEquals(302, response.getStatusCode());
    Map<String, String> query = TestEvent.queryOf(response.getHeaders().get("location"));
    assertEquals("unsupported_response_type", query.get("error"));
    assertEquals(state, query.get("state"));
    assertTrue(response.getHeaders().get("location").startsWith(redirect + "?"));
  }

  @Test
  void plainPkce_redirectsInvalidRequest() {
    APIGatewayV2HTTPResponse response =
        call(
            authorize("s")
                .query("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
                .query("code_challenge_method", "plain"));
    assertEquals(302, response.getStatusCode());
    assertEquals(
        "invalid_request", TestEvent.queryOf(response.getHeaders().get("location")).get("error"));
  }

  @Test
  void malformedQuery_isAReadablePage() {
    APIGatewayV2HTTPResponse response =
        call(TestEvent.get("/oauth/authorize").rawQuery("client_id=%zz"));
    assertEquals(400, response.getStatusCode());
    assertTrue(response.getHeaders().get("content-type").startsWith("text/html"));
    assertFalse(response.getBody().contains("Exception"));
  }

  @Test
  void unknownSessionCookie_isTreatedAsNoSession() {
    APIGatewayV2HTTPResponse response =
        call(authorize("s").cookie(Cookies.SESSION, "forged-session-value"));
    assertEquals(302, response.getStatusCode());
    assertTrue(response.getHeaders().get("location").startsWith(env.get("LOGIN_URL")));
  }
}
