package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.testkit.login.LoginTokens;

/**
 * The step-2 link's lifetime as a person meets it: it must reach step 4 within {@code
 * PCO_LINK_TTL_SECONDS} (120 s), but a person who then takes minutes to sign in and to read the
 * consent page is not sent back to the start; a link that never reached step 4 in time still dies.
 */
class LinkLifetimeIT {

  static Handshake hs;

  @BeforeAll
  static void start() {
    hs = new Handshake();
  }

  @AfterAll
  static void stop() {
    hs.close();
  }

  @Test
  void slowSignIn_linkClaimedAtItsFirstStep4_outlivesIts120Seconds_andYieldsOneCode() {
    String link = hs.freshLink();
    hs.clock.advance(Duration.ofSeconds(5));
    // step 4 without a session: off to the login app, the link claimed for the round trip
    String roundTrip = Handshake.cookie(toLogin(link), Cookies.LOGIN);
    // seven minutes at the login app, then the login returns
    hs.clock.advance(Duration.ofMinutes(7));
    String session = loginReturns(roundTrip, link);
    APIGatewayV2HTTPResponse page = hs.consentPage(session, link);
    assertEquals(200, page.getStatusCode(), page.getBody());
    assertTrue(page.getBody().contains("pco-identity"), page.getBody());
    // and ten minutes reading the page
    hs.clock.advance(Duration.ofMinutes(10));
    APIGatewayV2HTTPResponse approved = hs.decide(session, Handshake.formToken(page), "approve");
    assertEquals(303, approved.getStatusCode(), approved.getBody());
    Handshake.code(approved);
  }

  @Test
  void signedInAlready_slowReadingOfTheConsentPage_stillApproves() {
    String session = Handshake.cookie(hs.login(hs.loginToken()), Cookies.SESSION);
    String link = hs.freshLink();
    APIGatewayV2HTTPResponse page = hs.consentPage(session, link);
    assertEquals(200, page.getStatusCode(), page.getBody());
    hs.clock.advance(Duration.ofMinutes(5));
    APIGatewayV2HTTPResponse approved = hs.decide(session, Handshake.formToken(page), "approve");
    assertEquals(303, approved.getStatusCode(), approved.getBody());
  }

  @Test
  void linkThatNeverReachedStep4InTime_isGone() {
    String session = Handshake.cookie(hs.login(hs.loginToken()), Cookies.SESSION);
    String link = hs.freshLink();
    hs.clock.advance(Duration.ofSeconds(121));
    APIGatewayV2HTTPResponse page = hs.consentPage(session, link);
    assertEquals(400, page.getStatusCode(), page.getBody());
    assertTrue(page.getBody().contains("Start again from Planning Center"), page.getBody());
  }

  @Test
  void signInTaking20Minutes_stillCompletes_andYieldsACode() {
    String link = hs.freshLink();
    APIGatewayV2HTTPResponse toLogin = toLogin(link);
    String setCookie =
        toLogin.getCookies().stream()
            .filter(c -> c.startsWith(Cookies.LOGIN + "="))
            .findFirst()
            .orElseThrow();
    assertTrue(setCookie.contains("Max-Age=1800"), "the round trip may take 30 minutes");
    String roundTrip = Handshake.cookie(toLogin, Cookies.LOGIN);
    hs.clock.advance(Duration.ofMinutes(20)); // a forgotten password, a second factor
    String session = loginReturns(roundTrip, link);
    APIGatewayV2HTTPResponse page = hs.consentPage(session, link);
    assertEquals(200, page.getStatusCode(), page.getBody());
    Handshake.code(hs.decide(session, Handshake.formToken(page), "approve"));
  }

  @Test
  void signInTaking20Minutes_thenAConsentPageLeftOpenPastItsLifetime_restartsAtPlanningCenter() {
    String link = hs.freshLink();
    String roundTrip = Handshake.cookie(toLogin(link), Cookies.LOGIN);
    hs.clock.advance(Duration.ofMinutes(20));
    String session = loginReturns(roundTrip, link);
    APIGatewayV2HTTPResponse page = hs.consentPage(session, link);
    assertEquals(200, page.getStatusCode(), page.getBody());
    hs.clock.advance(Duration.ofMinutes(16)); // CONSENT_TTL_SECONDS is 15 minutes
    APIGatewayV2HTTPResponse expired = hs.decide(session, Handshake.formToken(page), "approve");
    assertEquals(400, expired.getStatusCode(), expired.getBody());
    assertRestartsAtPlanningCenter(expired);
  }

  @Test
  void signInTakingOver30Minutes_theBrowserDroppedTheRoundTrip_restartsAtPlanningCenter() {
    String link = hs.freshLink();
    toLogin(link);
    hs.clock.advance(Duration.ofMinutes(31)); // the pre-login cookie's Max-Age has passed
    APIGatewayV2HTTPResponse late =
        hs.prompt.handleRequest(
            hs.authorizeEvent()
                .query("login_state", LoginTokens.stateOf(LoginTokens.roundTrip()))
                .query("login_token", hs.loginToken())
                .cookie(Cookies.PCO_LINK, link)
                .build(),
            Handshake.invocation("AuthorizePromptFunction"));
    assertEquals(400, late.getStatusCode(), late.getBody());
    assertTrue(late.getBody().contains("longer than 30"), late.getBody());
    assertRestartsAtPlanningCenter(late);
  }

  /** The page's one link: the client's redirect URI with access_denied and the request's state. */
  static void assertRestartsAtPlanningCenter(APIGatewayV2HTTPResponse page) {
    java.util.regex.Matcher href =
        java.util.regex.Pattern.compile("href=\"([^\"]+)\"").matcher(page.getBody());
    assertTrue(href.find(), "a way back to Planning Center: " + page.getBody());
    String restart = href.group(1).replace("&amp;", "&");
    assertTrue(restart.startsWith(hs.redirectUri + "?"), restart);
    assertEquals("access_denied", Handshake.queryOf(restart).get("error"));
    assertEquals(Handshake.STATE, Handshake.queryOf(restart).get("state"));
  }

  /** Step 4 without a session, with the step-2 link: off to the login app (302). */
  static APIGatewayV2HTTPResponse toLogin(String link) {
    APIGatewayV2HTTPResponse response =
        hs.prompt.handleRequest(
            hs.promptEvent(null, link).build(), Handshake.invocation("AuthorizePromptFunction"));
    assertEquals(302, response.getStatusCode(), response.getBody());
    return response;
  }

  /** The login returns in the browser that started the round trip; the new session's cookie. */
  static String loginReturns(String roundTrip, String link) {
    APIGatewayV2HTTPResponse loggedIn =
        hs.prompt.handleRequest(
            LoginTokens.bound(hs.authorizeEvent(), hs.loginToken(), roundTrip)
                .cookie(Cookies.PCO_LINK, link)
                .build(),
            Handshake.invocation("AuthorizePromptFunction"));
    assertEquals(303, loggedIn.getStatusCode(), loggedIn.getBody());
    return Handshake.cookie(loggedIn, Cookies.SESSION);
  }
}
