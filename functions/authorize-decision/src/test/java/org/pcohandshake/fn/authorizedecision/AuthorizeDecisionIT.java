package org.pcohandshake.fn.authorizedecision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.authorize.AuthorizationRequest;
import org.pcohandshake.authorize.Consent;
import org.pcohandshake.authorize.ConsentStore;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.AuthorizationCode;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.grant.Scope;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.session.LoginIdentity;
import org.pcohandshake.session.SessionStore;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.junit.FunctionEnvironment;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.time.MutableClock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** POST /oauth/authorize against the emulator: the one-time form token, approve and deny. */
class AuthorizeDecisionIT {

  static final String ISSUER = "https://auth.example.test";

  @Provisioned static ProvisionedStack stack;
  @Provisioned static DynamoDbClient dynamo;

  @FunctionEnvironment("AuthorizeDecisionFunction")
  static Map<String, String> env;

  static String table;
  static String redirect;
  static MutableClock clock;
  static AuthorizeDecisionHandler handler;
  static SessionStore sessions;
  static ConsentStore consents;
  static LinkStore links;

  @BeforeAll
  static void provision() {
    table = stack.physicalId("Table");
    redirect =
        "https://api.planningcenteronline.com/addons/authorizations/"
            + env.get("PCO_OAUTH_APPLICATION_ID");
    clock = MutableClock.startingNow();
    handler = new AuthorizeDecisionHandler(env, clock);
    sessions = new SessionStore(dynamo, table, Duration.ofHours(1), clock);
    consents = new ConsentStore(dynamo, table, Duration.ofMinutes(15), clock);
    links = new LinkStore(dynamo, table, Duration.ofSeconds(120), clock);
  }

  record Pending(String session, String formToken, String link) {}

  static String session() {
    return sessions
        .open(
            new LoginIdentity("user-1", "Ada", Tokens.id(), Instant.now().plusSeconds(120)),
            "https://login.example")
        .orElseThrow();
  }

  /** A consent page shown to the session for the link, as the prompt stores it. */
  static String consent(String session, String link, String state, String challenge) {
    return consents.put(
        new Consent(
            sessions.find(session).orElseThrow().idHash(),
            "user-1",
            new AuthorizationRequest(
                env.get("CLIENT_ID"),
                redirect,
                state,
                Scope.parse("people").orElseThrow(),
                challenge),
            links.claim(link, Duration.ZERO).orElseThrow()));
  }

  static Pending pending(String state, String challenge) {
    String session = session();
    String link = links.put(new PcoLink("org-1", "person-2", "Pat"), "Example Church");
    return new Pending(session, consent(session, link, state, challenge), link);
  }

  static void assertLinkConsumedAndCleared(Pending p, APIGatewayV2HTTPResponse response) {
    assertTrue(links.claim(p.link(), Duration.ZERO).isEmpty(), "the link is used up");
    assertTrue(
        response.getCookies().contains(Cookies.clear(Cookies.PCO_LINK)),
        String.valueOf(response.getCookies()));
  }

  static APIGatewayV2HTTPResponse decide(String session, String formToken, String decision) {
    TestEvent event =
        TestEvent.post("/oauth/authorize")
            .header("origin", ISSUER)
            .form("form_token", formToken, "decision", decision);
    if (session != null) {
      event.cookie(Cookies.SESSION, session);
    }
    return handler.handleRequest(event.build(), null);
  }

  static List<String> items() {
    return stack.scanTable("Table").stream().map(Object::toString).sorted().toList();
  }

  static void assertRejectedPage(APIGatewayV2HTTPResponse response) {
    assertEquals(400, response.getStatusCode(), response.getBody());
    assertNull(response.getHeaders().get("location"));
    assertTrue(response.getHeaders().get("content-type").startsWith("text/html"));
  }

  @Test
  void approve_redirects303WithCodeAndExactState_codeBoundToRequest() {
    String state = "st+/=" + "y".repeat(2000);
    Pending p = pending(state, "");
    APIGatewayV2HTTPResponse response = decide(p.session(), p.formToken(), "approve");
    assertEquals(303, response.getStatusCode(), response.getBody());
    String location = response.getHeaders().get("location");
    assertTrue(location.startsWith(redirect + "?code="), location);
    Map<String, String> query = TestEvent.queryOf(location);
    assertEquals(state, query.get("state"));
    String code = query.get("code");
    assertTrue(Tokens.wellFormed(code), "256-bit base64url code");
    AuthorizationCode stored =
        new GrantStore(dynamo, table, clock).findCode(Tokens.hash(code)).orElseThrow();
    assertEquals(redirect, stored.redirectUri());
    assertEquals("user-1", stored.grant().subject());
    assertEquals("people", stored.grant().scope().serialize());
    assertEquals("org-1", stored.grant().link().organizationId());
    assertFalse(stored.redeemed());
    long lifetime = Duration.between(clock.instant(), stored.expiresAt()).toSeconds();
    assertTrue(lifetime > 0 && lifetime <= 600, "code lives at most 10 minutes");
    assertFalse(stack.scanTable("Table").toString().contains(code), "only the hash is stored");
    assertLinkConsumedAndCleared(p, response);
  }

  @Test
  void oneLink_onTwoConsentPages_yieldsOneCode() {
    Pending first = pending("one", "");
    String second = consent(first.session(), first.link(), "two", "");
    assertEquals(303, decide(first.session(), first.formToken(), "approve").getStatusCode());
    List<String> before = items();
    assertRejectedPage(decide(first.session(), second, "approve"));
    assertEquals(before, items(), "no second code, the second consent still unused");
  }

  @Test
  void linkExpiredBeforeTheDecision_issuesNoCode() {
    Pending p = pending("late", "");
    clock.advance(Duration.ofSeconds(121));
    List<String> before = items();
    assertRejectedPage(decide(p.session(), p.formToken(), "approve"));
    assertEquals(before, items());
  }

  @Test
  void deny_redirects303AccessDeniedWithState_andIssuesNoCode() {
    Pending p = pending("deny-state", "");
    APIGatewayV2HTTPResponse response = decide(p.session(), p.formToken(), "deny");
    assertEquals(303, response.getStatusCode());
    Map<String, String> query = TestEvent.queryOf(response.getHeaders().get("location"));
    assertEquals("access_denied", query.get("error"));
    assertEquals("deny-state", query.get("state"));
    assertNull(query.get("code"));
    assertLinkConsumedAndCleared(p, response);
  }

  @Test
  void replayedFormToken_isRejected_noSecondCode() {
    Pending p = pending("s", "");
    assertEquals(303, decide(p.session(), p.formToken(), "approve").getStatusCode());
    List<String> before = items();
    assertRejectedPage(decide(p.session(), p.formToken(), "approve"));
    assertEquals(before, items());
  }

  @Test
  void formTokenFromAnotherSession_isRejected() {
    Pending mine = pending("s", "");
    Pending other = pending("s", "");
    List<String> before = items();
    assertRejectedPage(decide(other.session(), mine.formToken(), "approve"));
    assertEquals(before, items());
    // the rightful session can still use it
    assertEquals(303, decide(mine.session(), mine.formToken(), "approve").getStatusCode());
  }

  @Test
  void missingFormTokenOrSession_isRejected_andWritesNothing() {
    Pending p = pending("s", "");
    List<String> before = items();
    assertRejectedPage(decide(p.session(), "", "approve"));
    assertRejectedPage(decide(null, p.formToken(), "approve"));
    assertRejectedPage(decide(p.session(), Tokens.random(), "approve"));
    assertRejectedPage(decide(p.session(), p.formToken(), "maybe"));
    assertEquals(before, items());
  }

  @Test
  void crossOriginPost_isRejected() {
    Pending p = pending("s", "");
    APIGatewayV2HTTPResponse response =
        handler.handleRequest(
            TestEvent.post("/oauth/authorize")
                .header("origin", "https://evil.example")
                .cookie(Cookies.SESSION, p.session())
                .form("form_token", p.formToken(), "decision", "approve")
                .build(),
            null);
    assertRejectedPage(response);
  }

  @Test
  void expiredConsent_isRejected() {
    Pending p = pending("s", "");
    clock.advance(Duration.ofMinutes(16));
    assertRejectedPage(decide(p.session(), p.formToken(), "approve"));
  }

  @Test
  void expiredConsent_explains_andLinksBackToPlanningCenterWithTheState_neverADeadEnd() {
    Pending p = pending("st-slow", "");
    clock.advance(Duration.ofMinutes(16));
    List<String> before = items();
    APIGatewayV2HTTPResponse page = decide(p.session(), p.formToken(), "approve");
    assertRejectedPage(page);
    assertTrue(page.getBody().contains("This approval form has expired"), page.getBody());
    java.util.regex.Matcher link =
        java.util.regex.Pattern.compile("href=\"([^\"]+)\"").matcher(page.getBody());
    assertTrue(link.find(), "a way back to Planning Center: " + page.getBody());
    String restart = link.group(1).replace("&amp;", "&");
    assertTrue(restart.startsWith(redirect + "?"), restart);
    Map<String, String> query = TestEvent.queryOf(restart);
    assertEquals("access_denied", query.get("error"));
    assertEquals("st-slow", query.get("state"));
    assertEquals(before, items(), "no code, nothing consumed");
  }

  @Test
  void aConsentOfAnotherSession_expiredOrNot_neverLinksAnywhere() {
    Pending mine = pending("st-mine", "");
    Pending other = pending("st-other", "");
    clock.advance(Duration.ofMinutes(16));
    APIGatewayV2HTTPResponse page = decide(other.session(), mine.formToken(), "approve");
    assertRejectedPage(page);
    assertFalse(page.getBody().contains("st-mine"), page.getBody());
    assertFalse(page.getBody().contains("href="), page.getBody());
  }

  @Test
  void pkceChallenge_isCarriedIntoTheCode() {
    String challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    Pending p = pending("s", challenge);
    String code =
        TestEvent.queryOf(
                decide(p.session(), p.formToken(), "approve").getHeaders().get("location"))
            .get("code");
    assertEquals(
        challenge,
        new GrantStore(dynamo, table, Clock.systemUTC())
            .findCode(Tokens.hash(code))
            .orElseThrow()
            .codeChallenge());
  }
}
