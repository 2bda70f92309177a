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
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.log.Log;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.junit.FunctionEnvironment;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.login.LoginTokens;

/** GET /oauth/authorize against the emulator: validation, login bridge, consent page. */
class AuthorizePromptIT {

  static final String ISSUER = "https://auth.example.test";
  static final String PCO = "https://api.planningcenteronline.com";

  @Provisioned static ProvisionedStack stack;

  @FunctionEnvironment("AuthorizePromptFunction")
  static Map<String, String> env;

  static AuthorizePromptHandler handler;
  static LoginTokens loginTokens;
  static String redirect;

  @BeforeAll
  static void provision() {
    handler = new AuthorizePromptHandler(env, Clock.systemUTC());
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
    List<String> lines = logged(() -> new AuthorizePromptHandler(anyScope, Clock.systemUTC()));
    List<String> warnings =
        lines.stream().filter(l -> l.contains("\"setting\":\"SCOPES\"")).toList();
    assertEquals(1, warnings.size(), lines.toString());
    assertTrue(warnings.get(0).contains("\"level\":\"WARN\""), warnings.get(0));

    HashMap<String, String> listed = new HashMap<>(env);
    listed.put(Config.SCOPES, "people");
    List<String> quiet = logged(() -> new AuthorizePromptHandler(listed, Clock.systemUTC()));
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
    return login("user-1", "Ada Lovelace");
  }

  static String login(String subject, String name) {
    APIGatewayV2HTTPResponse response =
        call(LoginTokens.bound(authorize("s"), loginTokens.sign(subject, name)));
    assertEquals(303, response.getStatusCode(), response.getBody());
    return cookieValue(response, Cookies.SESSION);
  }

  static String cookieValue(APIGatewayV2HTTPResponse response, String name) {
    for (String cookie : cookies(response)) {
      if (cookie.startsWith(name + "=")) {
        return cookie.substring(name.length() + 1, cookie.indexOf(';'));
      }
    }
    throw new AssertionError("no cookie " + name);
  }

  static List<String> cookies(APIGatewayV2HTTPResponse response) {
    return response.getCookies() == null ? List.of() : response.getCookies();
  }

  static boolean setsCookie(APIGatewayV2HTTPResponse response, String name) {
    return cookies(response).stream()
        .anyMatch(c -> c.startsWith(name + "=") && !c.contains("Max-Age=0"));
  }

  /** A live link from step 2, as pco-complete stores it: its cookie value. */
  static String link() {
    return new LinkStore(
            Emulator.shared().dynamoDb(),
            stack.physicalId("Table"),
            Duration.ofMinutes(2),
            Clock.systemUTC())
        .put(new PcoLink("org-77", "person-55", "Pat Example"), "Example Church");
  }

  /** The switch page's two links, unescaped: continue as the new user, then cancel. */
  static List<String> switchLinks(APIGatewayV2HTTPResponse page) {
    assertEquals(200, page.getStatusCode(), page.getBody());
    Matcher links = Pattern.compile("href=\"([^\"]+)\"").matcher(page.getBody());
    List<String> found = new java.util.ArrayList<>();
    while (links.find()) {
      found.add(links.group(1).replace("&amp;", "&"));
    }
    assertEquals(2, found.size(), page.getBody());
    return found;
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
        call(LoginTokens.bound(authorize("abc"), loginTokens.sign("user-1", "Ada")));
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
    assertEquals(303, call(LoginTokens.bound(authorize("s"), token)).getStatusCode());
    APIGatewayV2HTTPResponse replay = call(LoginTokens.bound(authorize("s"), token));
    assertEquals(400, replay.getStatusCode());
    assertTrue(replay.getBody().contains("could not sign you in"));
    assertNull(replay.getCookies());
  }

  @Test
  void expiredOrForgedLoginToken_isRefused_andWritesNothing() {
    List<String> before = items();
    String expired =
        loginTokens.sign("u", "n", Instant.now().minusSeconds(600), Duration.ofMinutes(2));
    assertEquals(400, call(LoginTokens.bound(authorize("s"), expired)).getStatusCode());
    String forged = new LoginTokens("f".repeat(64), env.get("LOGIN_ISSUER"), ISSUER).sign("u", "n");
    assertEquals(400, call(LoginTokens.bound(authorize("s"), forged)).getStatusCode());
    String tooLong = loginTokens.sign("u", "n", Instant.now(), Duration.ofMinutes(10));
    assertEquals(400, call(LoginTokens.bound(authorize("s"), tooLong)).getStatusCode());
    assertEquals(before, items());
  }

  @Test
  void session_showsConsentPage_withOneTimeFormToken_andSecurityHeaders() {
    String session = login();
    APIGatewayV2HTTPResponse page =
        call(authorize("st").cookie(Cookies.SESSION, session).cookie(Cookies.PCO_LINK, link()));
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
  void consentPage_namesLinkedPcoPersonAndOrganization_andOffersDenyToWhoDidNotStartIt() {
    String session = login();
    APIGatewayV2HTTPResponse page =
        call(authorize("st").cookie(Cookies.SESSION, session).cookie(Cookies.PCO_LINK, link()));
    assertEquals(200, page.getStatusCode());
    assertTrue(page.getBody().contains("Pat Example"));
    assertTrue(page.getBody().contains("person-55"));
    assertTrue(page.getBody().contains("Example Church (id org-77)"), page.getBody());
    assertTrue(
        page.getBody().contains("Didn't start this from Planning Center? Deny."), page.getBody());
  }

  @Test
  void noLink_inIdentifyMode_isTheRestartPage_linkingBackToPco_andStoresNoConsent() {
    assertEquals("identify", env.get("PCO_TOKEN_MODE"));
    String session = login();
    List<String> before = items();
    for (String cookie : List.of("", "never-issued", Tokens.random())) {
      TestEvent event = authorize("st-9").cookie(Cookies.SESSION, session);
      if (!cookie.isEmpty()) {
        event.cookie(Cookies.PCO_LINK, cookie);
      }
      APIGatewayV2HTTPResponse page = call(event);
      assertEquals(400, page.getStatusCode(), page.getBody());
      assertNull(page.getHeaders().get("location"), "a page, not a redirect");
      assertFalse(page.getBody().contains("form_token"));
      Matcher href = Pattern.compile("id=\"restart\" href=\"([^\"]+)\"").matcher(page.getBody());
      assertTrue(href.find(), page.getBody());
      String back = href.group(1).replace("&amp;", "&");
      assertTrue(back.startsWith(redirect + "?"), back);
      assertEquals("access_denied", TestEvent.queryOf(back).get("error"));
      assertEquals("st-9", TestEvent.queryOf(back).get("state"));
    }
    assertEquals(before, items(), "no consent stored");
  }

  @Test
  void noLink_inSkipMode_isTheConsentPage_asBefore() {
    Map<String, String> skipEnv = new java.util.HashMap<>(env);
    skipEnv.put("PCO_TOKEN_MODE", "skip");
    AuthorizePromptHandler skip = new AuthorizePromptHandler(skipEnv, Clock.systemUTC());
    String session = login();
    APIGatewayV2HTTPResponse page =
        skip.handleRequest(authorize("st").cookie(Cookies.SESSION, session).build(), null);
    assertEquals(200, page.getStatusCode(), page.getBody());
    assertTrue(page.getBody().contains("name=\"form_token\""));
    assertFalse(page.getBody().contains("pco-identity"));
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

  // ---- login CSRF: a login round trip completes only in the browser that started it ----------

  @Test
  void noSession_setsPreLoginCookie_andReturnToCarriesItsHash() {
    APIGatewayV2HTTPResponse response = call(authorize("abc"));
    assertEquals(302, response.getStatusCode());
    String roundTrip = cookieValue(response, LoginTokens.ROUND_TRIP_COOKIE);
    String setCookie =
        cookies(response).stream()
            .filter(c -> c.startsWith(LoginTokens.ROUND_TRIP_COOKIE + "="))
            .findFirst()
            .get();
    assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("Secure"), setCookie);
    assertTrue(setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/"), setCookie);
    String returnTo = TestEvent.queryOf(response.getHeaders().get("location")).get("return_to");
    assertEquals(LoginTokens.stateOf(roundTrip), TestEvent.queryOf(returnTo).get("login_state"));
    assertFalse(returnTo.contains(roundTrip), "the URL carries the hash, never the cookie");
  }

  @Test
  void loginCsrf_attackersLoginTokenInVictimsBrowser_opensNoSession_andWritesNothing() {
    // the attacker signs in at the login app as themselves and takes their return URL, state and
    // all, to a victim's browser, which holds no pre-login cookie or one of its own round trip
    String attackerToken = loginTokens.sign("attacker", "Mallory");
    String attackerState = LoginTokens.stateOf("attacker-round-trip-cookie-value-00000000000");
    String victimRoundTrip = LoginTokens.roundTrip();
    List<String> before = items();
    for (TestEvent event :
        List.of(
            authorize("s").query("login_token", attackerToken),
            authorize("s").query("login_token", attackerToken).query("login_state", attackerState),
            authorize("s")
                .query("login_token", attackerToken)
                .query("login_state", attackerState)
                .cookie(LoginTokens.ROUND_TRIP_COOKIE, victimRoundTrip))) {
      APIGatewayV2HTTPResponse response = call(event);
      assertEquals(400, response.getStatusCode(), response.getBody());
      assertTrue(response.getBody().contains("did not start here"), response.getBody());
      assertFalse(setsCookie(response, Cookies.SESSION));
    }
    assertEquals(before, items(), "the attacker's token was not even consumed");
    // and the victim's own round trip still completes in the victim's browser
    APIGatewayV2HTTPResponse own =
        call(
            authorize("s")
                .query("login_token", loginTokens.sign("victim", "Vic"))
                .query("login_state", LoginTokens.stateOf(victimRoundTrip))
                .cookie(LoginTokens.ROUND_TRIP_COOKIE, victimRoundTrip));
    assertEquals(303, own.getStatusCode(), own.getBody());
    assertTrue(setsCookie(own, Cookies.SESSION));
    assertTrue(
        cookies(own).stream()
            .anyMatch(
                c -> c.startsWith(LoginTokens.ROUND_TRIP_COOKIE + "=;") && c.contains("Max-Age=0")),
        "the round trip is over: cleared");
  }

  @Test
  void loginOfAnotherUser_neverSilentlyReplacesALiveSession_offersASwitch() {
    String victim = login("victim-9", "Victoria");
    String token = loginTokens.sign("other-3", "<Oscar>");
    APIGatewayV2HTTPResponse page =
        call(LoginTokens.bound(authorize("st"), token).cookie(Cookies.SESSION, victim));
    assertEquals(200, page.getStatusCode(), page.getBody());
    assertFalse(setsCookie(page, Cookies.SESSION), "the live session stays");
    assertTrue(page.getBody().contains("Victoria"));
    assertTrue(page.getBody().contains("&lt;Oscar&gt;"), "names are escaped");
    assertFalse(page.getBody().contains("<Oscar>"));
    assertEquals("no-store", page.getHeaders().get("cache-control"));
    assertEquals("DENY", page.getHeaders().get("x-frame-options"));
    // the victim's session is untouched: the consent page still names the victim
    APIGatewayV2HTTPResponse consent =
        call(authorize("st").cookie(Cookies.SESSION, victim).cookie(Cookies.PCO_LINK, link()));
    assertTrue(consent.getBody().contains("Victoria"), consent.getBody());
  }

  @Test
  void accountSwitch_continue_opensTheNewSession_cancel_keepsTheCurrentOne() {
    String current = login("ada-1", "Ada");
    String roundTrip = LoginTokens.roundTrip();
    TestEvent bound =
        LoginTokens.bound(authorize("st2"), loginTokens.sign("bob-2", "Bob"), roundTrip);
    List<String> links = switchLinks(call(bound.cookie(Cookies.SESSION, current)));
    String continueUrl = links.get(0);
    String cancelUrl = links.get(1);

    Map<String, String> cancel = TestEvent.queryOf(cancelUrl);
    assertNull(cancel.get("login_token"));
    assertEquals("st2", cancel.get("state"));
    Map<String, String> cont = TestEvent.queryOf(continueUrl);
    assertEquals("continue", cont.get("login_switch"));
    // following "continue" in the same browser: the pre-login cookie is still there
    TestEvent follow = TestEvent.get("/oauth/authorize");
    cont.forEach(follow::query);
    APIGatewayV2HTTPResponse switched =
        call(
            follow
                .cookie(Cookies.SESSION, current)
                .cookie(LoginTokens.ROUND_TRIP_COOKIE, roundTrip));
    assertEquals(303, switched.getStatusCode(), switched.getBody());
    String bob = cookieValue(switched, Cookies.SESSION);
    assertFalse(switched.getHeaders().get("location").contains("login_"));
    assertTrue(
        call(authorize("st2").cookie(Cookies.SESSION, bob).cookie(Cookies.PCO_LINK, link()))
            .getBody()
            .contains("Bob"));
  }

  @Test
  void sameUserLoggingInAgain_isNoSwitch() {
    String session = login("same-1", "Sam");
    APIGatewayV2HTTPResponse again =
        call(
            LoginTokens.bound(authorize("s"), loginTokens.sign("same-1", "Sam"))
                .cookie(Cookies.SESSION, session));
    assertEquals(303, again.getStatusCode(), again.getBody());
    assertTrue(setsCookie(again, Cookies.SESSION));
  }

  @Test
  void percentEncodedLoginParameters_leaveTheCleanUrlToo() {
    String token = loginTokens.sign("user-5", "Eve");
    String roundTrip = LoginTokens.roundTrip();
    APIGatewayV2HTTPResponse response =
        call(
            TestEvent.get("/oauth/authorize")
                .rawQuery(
                    "response_type=code&client_id="
                        + env.get("CLIENT_ID")
                        + "&redirect_uri="
                        + java.net.URLEncoder.encode(
                            redirect, java.nio.charset.StandardCharsets.UTF_8)
                        + "&state=pe&login%5Ftoken="
                        + token
                        + "&login%5Fstate="
                        + LoginTokens.stateOf(roundTrip))
                .cookie(LoginTokens.ROUND_TRIP_COOKIE, roundTrip));
    assertEquals(303, response.getStatusCode(), response.getBody());
    String location = response.getHeaders().get("location");
    assertFalse(location.toLowerCase(java.util.Locale.ROOT).contains("login%5f"), location);
    assertFalse(location.contains(token), location);
  }

  @Test
  void loginCsrf_leakedLoginStateWithAnotherRoundTripsBoundToken_isRefused() {
    // the victim's round trip is in flight and its login_state leaked (the login app's access log);
    // the attacker's token is bound, by its login_state claim, to the attacker's own round trip
    String victimRoundTrip = LoginTokens.roundTrip();
    String attackerToken =
        loginTokens.signBound("attacker", "Mallory", LoginTokens.stateOf(LoginTokens.roundTrip()));
    List<String> before = items();
    APIGatewayV2HTTPResponse response =
        call(LoginTokens.bound(authorize("s"), attackerToken, victimRoundTrip));
    assertEquals(400, response.getStatusCode(), response.getBody());
    assertTrue(response.getBody().contains("did not start here"), response.getBody());
    assertFalse(setsCookie(response, Cookies.SESSION));
    assertEquals(before, items());
    // a token bound to the victim's own round trip is accepted there
    String roundTrip = LoginTokens.roundTrip();
    APIGatewayV2HTTPResponse own =
        call(
            LoginTokens.bound(
                authorize("s"),
                loginTokens.signBound("victim", "Vic", LoginTokens.stateOf(roundTrip)),
                roundTrip));
    assertEquals(303, own.getStatusCode(), own.getBody());
  }

  @Test
  void accountSwitch_cancel_endsTheRoundTrip_soTheTokenCannotBeUsedLater() {
    String current = login("cara-1", "Cara");
    String roundTrip = LoginTokens.roundTrip();
    TestEvent bound =
        LoginTokens.bound(authorize("sc"), loginTokens.sign("dan-2", "Dan"), roundTrip);
    String cancelUrl = switchLinks(call(bound.cookie(Cookies.SESSION, current))).get(1);
    TestEvent follow = TestEvent.get("/oauth/authorize");
    TestEvent.queryOf(cancelUrl).forEach(follow::query);
    APIGatewayV2HTTPResponse cancelled =
        call(
            follow
                .cookie(Cookies.SESSION, current)
                .cookie(LoginTokens.ROUND_TRIP_COOKIE, roundTrip));
    assertEquals(303, cancelled.getStatusCode(), cancelled.getBody());
    assertTrue(
        cookies(cancelled).contains(Cookies.clear(Cookies.LOGIN)),
        "cancel clears the pre-login cookie: " + cookies(cancelled));
    assertFalse(cancelled.getHeaders().get("location").contains("login_"));
    assertFalse(setsCookie(cancelled, Cookies.SESSION), "the current session stays");
  }

  @Test
  void signInThatDidNotStartHere_orTookTooLong_linksBackToPlanningCenter_neverADeadEnd() {
    // the browser dropped the pre-login cookie (30 minutes passed) or never had it
    APIGatewayV2HTTPResponse page =
        call(
            authorize("st-late")
                .query("login_token", loginTokens.sign("slow-1", "Sam"))
                .query("login_state", LoginTokens.stateOf(LoginTokens.roundTrip())));
    assertEquals(400, page.getStatusCode(), page.getBody());
    Matcher link = Pattern.compile("href=\"([^\"]+)\"").matcher(page.getBody());
    assertTrue(link.find(), page.getBody());
    String restart = link.group(1).replace("&amp;", "&");
    assertTrue(restart.startsWith(redirect + "?"), restart);
    Map<String, String> query = TestEvent.queryOf(restart);
    assertEquals("access_denied", query.get("error"));
    assertEquals("st-late", query.get("state"));
  }
}
