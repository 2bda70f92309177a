package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.http.Cookies;

/**
 * Offboarding ({@code revoke_user_grants}) against what outlives it in the browser: a session of
 * this stack opened before it (alive for {@code SESSION_TTL_SECONDS}, needing no new login token)
 * and a code issued before it but not yet redeemed. Neither may make a live grant afterwards; a
 * sign-in after it (the user came back, your login signs them in again) may.
 */
class OffboardingIT {

  static Handshake hs;

  @BeforeAll
  static void start() {
    hs = new Handshake();
  }

  @AfterAll
  static void stop() {
    hs.close();
  }

  /** A session and a link at a consent page, for this user: its session cookie and form token. */
  record AtConsent(String session, String formToken) {}

  static AtConsent signIn(String user) {
    APIGatewayV2HTTPResponse loggedIn =
        hs.login(hs.loginTokens.sign(user, "Pat", hs.clock.instant(), Duration.ofMinutes(2)));
    assertEquals(303, loggedIn.getStatusCode(), loggedIn.getBody());
    return consent(Handshake.cookie(loggedIn, Cookies.SESSION));
  }

  static AtConsent consent(String session) {
    APIGatewayV2HTTPResponse page = hs.consentPage(session, hs.freshLink());
    assertEquals(200, page.getStatusCode(), page.getBody());
    return new AtConsent(session, Handshake.formToken(page));
  }

  static String approve(AtConsent at) {
    return Handshake.code(hs.decide(at.session(), at.formToken(), "approve"));
  }

  static Map<String, Object> offboard(String user) {
    Map<String, Object> answer =
        hs.admin("{\"operation\":\"revoke_user_grants\",\"user_id\":\"" + user + "\"}");
    assertEquals(true, answer.get("complete"), answer.toString());
    return answer;
  }

  static void assertNoGrantAlive(String user) {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> grants =
        (List<Map<String, Object>>)
            hs.admin("{\"operation\":\"list_grants\",\"user_id\":\"" + user + "\"}").get("grants");
    for (Map<String, Object> grant : grants) {
      assertEquals(false, grant.get("alive"), grants.toString());
    }
  }

  static void assertRefused(APIGatewayV2HTTPResponse exchanged) {
    assertEquals(400, exchanged.getStatusCode(), exchanged.getBody());
    assertEquals("invalid_grant", Handshake.json(exchanged).get("error"));
  }

  @Test
  void aSessionOpenedBeforeOffboarding_approvesNoLiveGrantAfterIt() {
    String user = "user-" + UUID.randomUUID();
    AtConsent first = signIn(user);
    assertEquals(200, hs.exchange(approve(first)).getStatusCode());
    hs.clock.advance(Duration.ofSeconds(5));
    assertEquals(1, ((Number) offboard(user).get("revoked")).intValue());
    hs.clock.advance(Duration.ofSeconds(5));

    // the same browser, its session still live: Planning Center asks again, the user approves
    String code = approve(consent(first.session()));
    assertRefused(hs.exchange(code));
    assertNoGrantAlive(user);
  }

  @Test
  void aCodeIssuedBeforeOffboarding_isRefusedAfterIt() {
    String user = "user-" + UUID.randomUUID();
    String code = approve(signIn(user));
    hs.clock.advance(Duration.ofSeconds(5));
    offboard(user);
    hs.clock.advance(Duration.ofSeconds(5));
    assertRefused(hs.exchange(code));
    assertNoGrantAlive(user);
  }

  @Test
  void aSignInAfterOffboarding_makesAGrantAgain() {
    String user = "user-" + UUID.randomUUID();
    signIn(user);
    hs.clock.advance(Duration.ofSeconds(5));
    offboard(user);
    hs.clock.advance(Duration.ofSeconds(5));
    APIGatewayV2HTTPResponse exchanged = hs.exchange(approve(signIn(user)));
    assertEquals(200, exchanged.getStatusCode(), exchanged.getBody());
  }
}
