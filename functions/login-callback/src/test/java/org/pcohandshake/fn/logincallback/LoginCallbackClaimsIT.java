package org.pcohandshake.fn.logincallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.fn.authorizeprompt.AuthorizePromptHandler;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.oidc.TestProvider;

/**
 * {@code LOGIN_CLAIMS} in the oidc login mode: the ID token's claims go through the same allow-list
 * as the login bridge's token (README, "Your own claims in the access token"), into the session and
 * from there into the grant; a claim of a kind not taken signs nobody in. A provider of its own, so
 * that each sign-in here is exactly the identity it enqueues.
 */
class LoginCallbackClaimsIT {

  static final String ISSUER = "https://auth.example.test";
  static final String CLIENT = "pco-handshake-claims-test";
  static final String PCO = "https://api.planningcenteronline.com";

  @Provisioned(secrets = {"OidcClientSecret", "oidc-client-secret-for-tests"})
  static ProvisionedStack stack;

  static TestProvider op;
  static AuthorizePromptHandler prompt;
  static LoginCallbackHandler callback;
  static Map<String, String> promptEnv;
  static final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() {
    op = TestProvider.start();
    Map<String, String> parameters =
        Map.of(
            "LoginMode", "oidc",
            "OidcIssuer", op.issuer(),
            "OidcClientId", CLIENT,
            "PcoTokenMode", "skip",
            "LoginClaims", "tenant roles");
    promptEnv = stack.environmentFor("AuthorizePromptFunction", ISSUER, parameters);
    prompt = new AuthorizePromptHandler(promptEnv, Clock.systemUTC());
    callback =
        new LoginCallbackHandler(
            stack.environmentFor("LoginCallbackFunction", ISSUER, parameters), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    op.close();
  }

  /** A whole sign-in at the provider as {@code user} with these ID token claims: the callback. */
  static APIGatewayV2HTTPResponse signIn(String user, Map<String, Object> idTokenClaims)
      throws Exception {
    return signIn(user, idTokenClaims, null);
  }

  /** The same, in a browser that holds {@code sessionCookie} (null for none) at the callback. */
  static APIGatewayV2HTTPResponse signIn(
      String user, Map<String, Object> idTokenClaims, String sessionCookie) throws Exception {
    APIGatewayV2HTTPResponse toProvider =
        prompt.handleRequest(
            TestEvent.get("/oauth/authorize")
                .query("response_type", "code")
                .query("client_id", promptEnv.get("CLIENT_ID"))
                .query(
                    "redirect_uri",
                    PCO + "/addons/authorizations/" + promptEnv.get("PCO_OAUTH_APPLICATION_ID"))
                .query("state", "pco-state")
                .build(),
            null);
    assertEquals(302, toProvider.getStatusCode(), toProvider.getBody());
    op.nextUser(user, CLIENT, idTokenClaims);
    HttpResponse<String> back =
        http.send(
            HttpRequest.newBuilder(URI.create(toProvider.getHeaders().get("location"))).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(302, back.statusCode(), back.body());
    String callbackUrl = back.headers().firstValue("location").orElseThrow();
    lastLoginCookie = cookie(toProvider, Cookies.LOGIN);
    TestEvent event =
        TestEvent.get("/oauth/login/callback")
            .rawQuery(URI.create(callbackUrl).getRawQuery())
            .header("accept", "text/html")
            .cookie(Cookies.LOGIN, lastLoginCookie);
    if (sessionCookie != null) {
      event.cookie(Cookies.SESSION, sessionCookie);
    }
    return callback.handleRequest(event.build(), null);
  }

  /** The pre-login cookie of the last {@link #signIn}'s browser. */
  static String lastLoginCookie;

  static String sessionClaims(APIGatewayV2HTTPResponse back) {
    String session = Tokens.hash(cookie(back, Cookies.SESSION)).value();
    return stack.scanTable("Table").stream()
        .filter(item -> item.get("pk").s().equals("SESSION#" + session))
        .map(item -> item.get("claims").s())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aSwitchToAnotherUser_opensTheirSessionWithTheirAllowListedClaims() throws Exception {
    APIGatewayV2HTTPResponse first = signIn("user-first", Map.of("tenant", "first"));
    assertEquals(303, first.getStatusCode(), first.getBody());
    APIGatewayV2HTTPResponse offered =
        signIn(
            "user-second",
            Map.of("tenant", "second", "roles", List.of("admin")),
            cookie(first, Cookies.SESSION));
    assertEquals(200, offered.getStatusCode(), offered.getBody());
    java.util.regex.Matcher href =
        java.util.regex.Pattern.compile("id=\"continue-as-new\" href=\"([^\"]+)\"")
            .matcher(offered.getBody());
    assertTrue(href.find(), offered.getBody());
    URI continueUrl = URI.create(href.group(1).replace("&amp;", "&"));
    APIGatewayV2HTTPResponse switched =
        callback.handleRequest(
            TestEvent.get("/oauth/login/callback")
                .rawQuery(continueUrl.getRawQuery())
                .header("accept", "text/html")
                .cookie(Cookies.LOGIN, lastLoginCookie)
                .cookie(Cookies.SESSION, cookie(first, Cookies.SESSION))
                .build(),
            null);
    assertEquals(303, switched.getStatusCode(), switched.getBody());
    assertEquals("{\"tenant\":\"second\",\"roles\":[\"admin\"]}", sessionClaims(switched));
  }

  static String cookie(APIGatewayV2HTTPResponse response, String name) {
    for (String cookie : response.getCookies()) {
      if (cookie.startsWith(name + "=") && !cookie.contains("Max-Age=0")) {
        return cookie.substring(name.length() + 1, cookie.indexOf(';'));
      }
    }
    return null;
  }

  @Test
  void theIdTokensAllowListedClaims_goIntoTheSession_theOthersDoNot() throws Exception {
    APIGatewayV2HTTPResponse back =
        signIn(
            "user-claims",
            Map.of(
                "name", "Cy",
                "tenant", "acme",
                "roles", List.of("leader"),
                "email", "cy@example.test"));
    assertEquals(303, back.getStatusCode(), back.getBody());
    String session = Tokens.hash(cookie(back, Cookies.SESSION)).value();
    String claims =
        stack.scanTable("Table").stream()
            .filter(item -> item.get("pk").s().equals("SESSION#" + session))
            .map(item -> item.get("claims").s())
            .findFirst()
            .orElseThrow();
    assertEquals("{\"tenant\":\"acme\",\"roles\":[\"leader\"]}", claims);
  }

  @Test
  void anIdTokenWithAnAllowListedClaimOfAKindNotTaken_signsNobodyIn_withAPage() throws Exception {
    APIGatewayV2HTTPResponse back = signIn("user-odd", Map.of("tenant", Map.of("id", 1)));
    assertEquals(400, back.getStatusCode(), back.getBody());
    assertTrue(back.getBody().contains("account details"), back.getBody());
    assertEquals(null, cookie(back, Cookies.SESSION));
  }
}
