package org.pcohandshake.fn.logincallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.fn.authorizeprompt.AuthorizePromptHandler;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.oidc.TestProvider;

/**
 * The oidc login mode against a real OpenID Provider over HTTP ({@link TestProvider}): GET
 * /oauth/authorize sends the browser there, the provider sends it back to GET
 * /oauth/login/callback, which opens the session. Then every ID token rule with the attack it stops
 * (forged tokens substituted at the provider's token endpoint), and the login CSRF defence: a
 * callback in another browser, or a replayed one, signs nobody in.
 */
class LoginCallbackIT {

  static final String ISSUER = "https://auth.example.test";
  static final String CLIENT = "pco-handshake-test";
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
            "LoginMode",
            "oidc",
            "OidcIssuer",
            op.issuer(),
            "OidcClientId",
            CLIENT,
            "PcoTokenMode",
            "skip");
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

  @AfterEach
  void providersOwnTokensAgain() {
    op.substituteIdTokens(null);
  }

  /** A browser's sign-in in flight: its pre-login cookie and where the provider sent it back. */
  record SignIn(String loginCookie, String callbackUrl) {}

  static TestEvent authorize() {
    return TestEvent.get("/oauth/authorize")
        .query("response_type", "code")
        .query("client_id", promptEnv.get("CLIENT_ID"))
        .query(
            "redirect_uri",
            PCO + "/addons/authorizations/" + promptEnv.get("PCO_OAUTH_APPLICATION_ID"))
        .query("state", "pco-state");
  }

  /** GET /oauth/authorize without a session, then the provider's authorization endpoint. */
  static SignIn signIn(String user) throws Exception {
    return signIn(user, "Ada Lovelace");
  }

  /** The same, for a user of this name. */
  static SignIn signIn(String user, String name) throws Exception {
    APIGatewayV2HTTPResponse toProvider = prompt.handleRequest(authorize().build(), null);
    assertEquals(302, toProvider.getStatusCode(), toProvider.getBody());
    String location = toProvider.getHeaders().get("location");
    assertTrue(location.startsWith(op.issuer() + "/authorize?"), location);
    Map<String, String> query = TestEvent.queryOf(location);
    assertEquals("S256", query.get("code_challenge_method"));
    assertEquals(ISSUER + "/oauth/login/callback", query.get("redirect_uri"));
    assertEquals("openid profile email", query.get("scope"));
    if (user != null) {
      // the provider takes its next user at the code exchange: a sign-in that never exchanges
      // its code enqueues none (null), or the next test's exchange would get it
      op.nextUser(user, CLIENT, Map.of("name", name, "email", "ada@example.test"));
    }
    HttpResponse<String> back =
        http.send(
            HttpRequest.newBuilder(URI.create(location)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(302, back.statusCode(), back.body());
    String callbackUrl = back.headers().firstValue("location").orElseThrow();
    assertTrue(callbackUrl.startsWith(ISSUER + "/oauth/login/callback?"), callbackUrl);
    return new SignIn(cookieValue(toProvider, Cookies.LOGIN), callbackUrl);
  }

  static APIGatewayV2HTTPResponse callback(String callbackUrl, String loginCookie) {
    TestEvent event =
        TestEvent.get("/oauth/login/callback")
            .rawQuery(URI.create(callbackUrl).getRawQuery())
            .header("accept", "text/html");
    if (loginCookie != null) {
      event = event.cookie(Cookies.LOGIN, loginCookie);
    }
    return callback.handleRequest(event.build(), null);
  }

  /** The callback in a browser that also holds a session. */
  static APIGatewayV2HTTPResponse callback(
      String callbackUrl, String loginCookie, String sessionCookie) {
    return callback.handleRequest(
        TestEvent.get("/oauth/login/callback")
            .rawQuery(URI.create(callbackUrl).getRawQuery())
            .header("accept", "text/html")
            .cookie(Cookies.LOGIN, loginCookie)
            .cookie(Cookies.SESSION, sessionCookie)
            .build(),
        null);
  }

  /** Who the consent page says is signed in with this session cookie. */
  static String signedInAs(String sessionCookie) {
    APIGatewayV2HTTPResponse consent =
        prompt.handleRequest(authorize().cookie(Cookies.SESSION, sessionCookie).build(), null);
    assertEquals(200, consent.getStatusCode(), consent.getBody());
    java.util.regex.Matcher name =
        java.util.regex.Pattern.compile("id=\"signed-in-as\">([^<]+)<").matcher(consent.getBody());
    assertTrue(name.find(), consent.getBody());
    return name.group(1);
  }

  /** The {@code href} of the link with this id, unescaped. */
  static String link(APIGatewayV2HTTPResponse page, String id) {
    java.util.regex.Matcher href =
        java.util.regex.Pattern.compile("id=\"" + id + "\" href=\"([^\"]+)\"")
            .matcher(page.getBody());
    assertTrue(href.find(), page.getBody());
    return href.group(1).replace("&amp;", "&");
  }

  static String cookieValue(APIGatewayV2HTTPResponse response, String name) {
    for (String cookie : cookies(response)) {
      if (cookie.startsWith(name + "=")) {
        return cookie.substring(name.length() + 1, cookie.indexOf(';'));
      }
    }
    throw new AssertionError("no cookie " + name + " in " + cookies(response));
  }

  static List<String> cookies(APIGatewayV2HTTPResponse response) {
    return response.getCookies() == null ? List.of() : response.getCookies();
  }

  static boolean opensSession(APIGatewayV2HTTPResponse response) {
    return cookies(response).stream()
        .anyMatch(c -> c.startsWith(Cookies.SESSION + "=") && !c.contains("Max-Age=0"));
  }

  @Test
  void signIn_opensTheSession_andReturnsToTheAuthorizationRequest() throws Exception {
    SignIn signIn = signIn("user-1");
    APIGatewayV2HTTPResponse back = callback(signIn.callbackUrl(), signIn.loginCookie());
    assertEquals(303, back.getStatusCode(), back.getBody());
    String returnTo = back.getHeaders().get("location");
    assertTrue(returnTo.startsWith(ISSUER + "/oauth/authorize?response_type=code"), returnTo);
    assertTrue(returnTo.contains("state=pco-state"), returnTo);
    assertTrue(opensSession(back));
    assertTrue(cookies(back).contains(Cookies.clear(Cookies.LOGIN)), cookies(back).toString());

    APIGatewayV2HTTPResponse consent =
        prompt.handleRequest(
            authorize().cookie(Cookies.SESSION, cookieValue(back, Cookies.SESSION)).build(), null);
    assertEquals(200, consent.getStatusCode(), consent.getBody());
    assertTrue(consent.getBody().contains("Ada Lovelace"), consent.getBody());
    // the user is (iss, sub), never the address
    Map<String, String> session =
        stack.scanTable("Table").stream()
            .filter(item -> item.get("pk").s().startsWith("SESSION#"))
            .filter(item -> item.get("name").s().equals("Ada Lovelace"))
            .map(item -> Map.of("sub", item.get("sub").s()))
            .findFirst()
            .orElseThrow();
    assertEquals(op.issuer() + "#user-1", session.get("sub"));
  }

  @Test
  void loginTokenOfTheBridge_inOidcMode_opensNoSession() {
    APIGatewayV2HTTPResponse response =
        prompt.handleRequest(
            authorize()
                .query("login_token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
                .query("login_state", "x")
                .build(),
            null);
    assertFalse(opensSession(response), response.getBody());
  }

  // ---- the ID token rules, one attack each -------------------------------------------------

  /** Signs in with the provider's ID token replaced by {@code forgery}'s: no session, a page. */
  void refused(Function<SignedJWT, String> forgery) throws Exception {
    SignIn signIn = signIn("user-2");
    op.substituteIdTokens(forgery);
    APIGatewayV2HTTPResponse back = callback(signIn.callbackUrl(), signIn.loginCookie());
    assertEquals(400, back.getStatusCode(), back.getBody());
    assertTrue(back.getBody().contains("We could not sign you in"), back.getBody());
    assertFalse(opensSession(back));
  }

  /** The provider's claims, changed, signed with the provider's own key. */
  static Function<SignedJWT, String> resigned(
      java.util.function.Consumer<Map<String, Object>> change) {
    return issued -> {
      try {
        Map<String, Object> claims = new HashMap<>(issued.getJWTClaimsSet().toJSONObject());
        change.accept(claims);
        return op.signWithProviderKey(JWTClaimsSet.parse(claims)).serialize();
      } catch (java.text.ParseException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  @Test
  void providersOwnKey_resignedUnchanged_isAccepted() throws Exception {
    // the forging path itself works: without a change the re-signed token signs the user in
    SignIn signIn = signIn("user-3");
    op.substituteIdTokens(resigned(claims -> {}));
    APIGatewayV2HTTPResponse back = callback(signIn.callbackUrl(), signIn.loginCookie());
    assertEquals(303, back.getStatusCode(), back.getBody());
  }

  @Test
  void idTokenOfAnotherIssuer_isRefused() throws Exception {
    refused(resigned(claims -> claims.put("iss", "https://evil.example")));
  }

  @Test
  void idTokenOfTheIssuerWithATrailingSlash_isRefused() throws Exception {
    refused(resigned(claims -> claims.put("iss", op.issuer() + "/")));
  }

  @Test
  void idTokenForAnotherClient_isRefused() throws Exception {
    refused(
        resigned(
            claims -> {
              claims.put("aud", List.of("another-client"));
              claims.put("azp", "another-client");
            }));
  }

  @Test
  void idTokenForSeveralAudiences_withoutAzp_isRefused() throws Exception {
    refused(
        resigned(
            claims -> {
              claims.put("aud", List.of(CLIENT, "another-client"));
              claims.remove("azp");
            }));
  }

  @Test
  void idTokenAuthorizedForAnotherParty_isRefused() throws Exception {
    refused(resigned(claims -> claims.put("azp", "another-client")));
  }

  @Test
  void idTokenWithoutNonce_isRefused() throws Exception {
    refused(resigned(claims -> claims.remove("nonce")));
  }

  @Test
  void idTokenWithAnotherNonce_isRefused() throws Exception {
    refused(resigned(claims -> claims.put("nonce", "a-nonce-of-another-sign-in")));
  }

  @Test
  void expiredIdToken_isRefused() throws Exception {
    long now = Instant.now().getEpochSecond();
    refused(
        resigned(
            claims -> {
              claims.put("iat", now - 3_600);
              claims.put("nbf", now - 3_600);
              claims.put("exp", now - 1_800);
            }));
  }

  @Test
  void idTokenIssuedInTheFuture_isRefused() throws Exception {
    long now = Instant.now().getEpochSecond();
    refused(
        resigned(
            claims -> {
              claims.put("iat", now + 1_800);
              claims.put("exp", now + 3_600);
              claims.remove("nbf");
            }));
  }

  @Test
  void idTokenSignedByAKeyNotInTheProvidersJwks_isRefused() throws Exception {
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("not-the-providers").generate();
    refused(
        issued -> {
          try {
            SignedJWT forged =
                new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(stranger.getKeyID()).build(),
                    issued.getJWTClaimsSet());
            forged.sign(new RSASSASigner(stranger));
            return forged.serialize();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void unsignedIdToken_algNone_isRefused() throws Exception {
    refused(
        issued -> {
          try {
            return new PlainJWT(issued.getJWTClaimsSet()).serialize();
          } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void idTokenHs256_keyedWithTheProvidersPublicKey_isRefused() throws Exception {
    RSAKey published = (RSAKey) op.publicKeys().getKeys().get(0);
    byte[] publicKey = published.toRSAPublicKey().getEncoded();
    refused(
        issued -> {
          try {
            SignedJWT forged =
                new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(published.getKeyID()).build(),
                    issued.getJWTClaimsSet());
            forged.sign(new MACSigner(publicKey));
            return forged.serialize();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  // ---- the round trip is bound to the browser that started it ------------------------------

  @Test
  void replayedCallback_opensNoSecondSession() throws Exception {
    SignIn signIn = signIn("user-4");
    assertEquals(303, callback(signIn.callbackUrl(), signIn.loginCookie()).getStatusCode());
    int exchanges = op.tokenCalls();
    APIGatewayV2HTTPResponse replay = callback(signIn.callbackUrl(), signIn.loginCookie());
    assertEquals(400, replay.getStatusCode(), replay.getBody());
    assertTrue(replay.getBody().contains("did not start here"), replay.getBody());
    assertFalse(opensSession(replay));
    assertEquals(exchanges, op.tokenCalls(), "a replayed state is refused before any exchange");
  }

  @Test
  void callbackOpenedInAnotherBrowser_signsNobodyIn_andLeavesTheSignInToItsOwnBrowser()
      throws Exception {
    // the attacker signs in at the provider as themselves and sends the victim the callback URL
    SignIn attackers = signIn("attacker-1");
    int exchanges = op.tokenCalls();
    // a victim without a sign-in in flight
    APIGatewayV2HTTPResponse noCookie = callback(attackers.callbackUrl(), null);
    assertEquals(400, noCookie.getStatusCode(), noCookie.getBody());
    assertFalse(opensSession(noCookie));
    // a victim with a sign-in of their own in flight
    SignIn victims = signIn("victim-1");
    APIGatewayV2HTTPResponse otherCookie = callback(attackers.callbackUrl(), victims.loginCookie());
    assertEquals(400, otherCookie.getStatusCode(), otherCookie.getBody());
    assertTrue(otherCookie.getBody().contains("did not start here"), otherCookie.getBody());
    assertFalse(opensSession(otherCookie));
    assertEquals(exchanges, op.tokenCalls(), "no code of another browser is exchanged");
    // both round trips still complete in their own browsers
    assertEquals(303, callback(victims.callbackUrl(), victims.loginCookie()).getStatusCode());
    assertEquals(303, callback(attackers.callbackUrl(), attackers.loginCookie()).getStatusCode());
  }

  // ---- a live session of another user is never silently replaced ----------------------------

  /** Signs in as Ada Byron ({@code user-a}) and returns the session cookie. */
  static String sessionOfAda() throws Exception {
    SignIn ada = signIn("user-a", "Ada Byron");
    APIGatewayV2HTTPResponse back = callback(ada.callbackUrl(), ada.loginCookie());
    assertEquals(303, back.getStatusCode(), back.getBody());
    return cookieValue(back, Cookies.SESSION);
  }

  @Test
  void signInAsAnotherUser_whileSignedIn_asksFirst_andOpensNoSession() throws Exception {
    String ada = sessionOfAda();
    SignIn bob = signIn("user-b", "Bob Builder");
    APIGatewayV2HTTPResponse offered = callback(bob.callbackUrl(), bob.loginCookie(), ada);
    assertEquals(200, offered.getStatusCode(), offered.getBody());
    assertTrue(offered.getBody().contains("Switch account?"), offered.getBody());
    assertTrue(offered.getBody().contains("Ada Byron"), offered.getBody());
    assertTrue(offered.getBody().contains("Bob Builder"), offered.getBody());
    assertFalse(opensSession(offered), "the session is not replaced before the person chose");
    assertEquals("Ada Byron", signedInAs(ada));
  }

  @Test
  void switchContinued_inThisBrowser_switchesToTheNewUser_once() throws Exception {
    String ada = sessionOfAda();
    SignIn bob = signIn("user-b2", "Bob Builder");
    APIGatewayV2HTTPResponse offered = callback(bob.callbackUrl(), bob.loginCookie(), ada);
    String continueUrl = link(offered, "continue-as-new");
    assertTrue(continueUrl.startsWith(ISSUER + "/oauth/login/callback?"), continueUrl);
    assertFalse(continueUrl.contains("code="), "the provider's code is not put in a link");

    // the link opened in another browser (without this one's pre-login cookie) does nothing
    APIGatewayV2HTTPResponse elsewhere = callback(continueUrl, null);
    assertEquals(400, elsewhere.getStatusCode(), elsewhere.getBody());
    assertFalse(opensSession(elsewhere));
    SignIn other = signIn("user-c", "Carol");
    APIGatewayV2HTTPResponse otherBrowser = callback(continueUrl, other.loginCookie());
    assertEquals(400, otherBrowser.getStatusCode(), otherBrowser.getBody());
    assertFalse(opensSession(otherBrowser));

    APIGatewayV2HTTPResponse switched = callback(continueUrl, bob.loginCookie(), ada);
    assertEquals(303, switched.getStatusCode(), switched.getBody());
    assertTrue(
        switched.getHeaders().get("location").startsWith(ISSUER + "/oauth/authorize?"),
        switched.getHeaders().get("location"));
    assertTrue(opensSession(switched));
    assertEquals("Bob Builder", signedInAs(cookieValue(switched, Cookies.SESSION)));
    assertTrue(cookies(switched).contains(Cookies.clear(Cookies.LOGIN)));

    // once: the same confirmation again opens nothing
    APIGatewayV2HTTPResponse again = callback(continueUrl, bob.loginCookie(), ada);
    assertEquals(400, again.getStatusCode(), again.getBody());
    assertFalse(opensSession(again));
    // Carol's own sign-in was not disturbed (and its user is taken off the provider's queue)
    assertEquals(303, callback(other.callbackUrl(), other.loginCookie()).getStatusCode());
  }

  @Test
  void switchCancelled_keepsTheCurrentSession_andEndsTheRoundTrip() throws Exception {
    String ada = sessionOfAda();
    SignIn bob = signIn("user-b3", "Bob Builder");
    APIGatewayV2HTTPResponse offered = callback(bob.callbackUrl(), bob.loginCookie(), ada);
    String cancelUrl = link(offered, "cancel-switch");
    assertTrue(cancelUrl.startsWith(ISSUER + "/oauth/authorize?"), cancelUrl);
    APIGatewayV2HTTPResponse cancelled =
        prompt.handleRequest(
            TestEvent.get("/oauth/authorize")
                .rawQuery(URI.create(cancelUrl).getRawQuery())
                .cookie(Cookies.SESSION, ada)
                .cookie(Cookies.LOGIN, bob.loginCookie())
                .build(),
            null);
    assertEquals(303, cancelled.getStatusCode(), cancelled.getBody());
    assertFalse(opensSession(cancelled));
    assertTrue(cookies(cancelled).contains(Cookies.clear(Cookies.LOGIN)));
    assertEquals("Ada Byron", signedInAs(ada));
  }

  @Test
  void signInAsTheSameUserAgain_whileSignedIn_opensTheNewSessionWithoutAsking() throws Exception {
    String ada = sessionOfAda();
    SignIn again = signIn("user-a", "Ada Byron");
    APIGatewayV2HTTPResponse back = callback(again.callbackUrl(), again.loginCookie(), ada);
    assertEquals(303, back.getStatusCode(), back.getBody());
    assertTrue(opensSession(back));
  }

  /**
   * An attacker's callback URL opened in a victim's browser that has a sign-in of its own in flight
   * must not end it: a refused callback that consumed nothing leaves the browser's pre-login cookie
   * alone (as the bridge's refusal does), or any link could abort a person's sign-in.
   */
  @Test
  void callbackOfAnotherBrowser_leavesThisBrowsersPreLoginCookie_soItsOwnSignInCompletes()
      throws Exception {
    SignIn attackers = signIn(null);
    SignIn victims = signIn("victim-9");
    APIGatewayV2HTTPResponse refused = callback(attackers.callbackUrl(), victims.loginCookie());
    assertEquals(400, refused.getStatusCode(), refused.getBody());
    assertFalse(
        cookies(refused).stream().anyMatch(c -> c.startsWith(Cookies.LOGIN + "=")),
        "the victim's pre-login cookie is not touched: " + cookies(refused));
    assertEquals(303, callback(victims.callbackUrl(), victims.loginCookie()).getStatusCode());
  }

  // ---- the provider's errors ----------------------------------------------------------------

  @Test
  void providerError_isShownInWords_neverEchoed() throws Exception {
    for (String error : List.of("access_denied", "<b>injected</b>", "server_error")) {
      SignIn signIn = signIn(null);
      String state = TestEvent.queryOf(signIn.callbackUrl()).get("state");
      APIGatewayV2HTTPResponse page =
          callback(
              ISSUER
                  + "/oauth/login/callback?state="
                  + state
                  + "&error="
                  + java.net.URLEncoder.encode(error, java.nio.charset.StandardCharsets.UTF_8)
                  + "&error_description=evil+words",
              signIn.loginCookie());
      assertFalse(opensSession(page));
      assertFalse(page.getBody().contains("injected"), page.getBody());
      assertFalse(page.getBody().contains("evil words"), page.getBody());
      assertFalse(page.getBody().contains(error), page.getBody());
      if (error.equals("access_denied")) {
        assertEquals(400, page.getStatusCode());
        assertTrue(page.getBody().contains("Sign-in was cancelled"), page.getBody());
      } else {
        assertEquals(502, page.getStatusCode());
        assertTrue(page.getBody().contains("reported a problem"), page.getBody());
      }
    }
  }
}
