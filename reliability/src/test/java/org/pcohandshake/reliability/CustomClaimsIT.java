package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcohandshake.fn.authorizeprompt.AuthorizePromptHandler;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.testkit.json.TestJson;

/**
 * {@code LOGIN_CLAIMS} through the whole handshake, every handler on the emulator: the login's
 * allow-listed claims reach the first access token and every one after it, unchanged however often
 * the family is refreshed; nothing else of the login token ever does; a login whose claims are too
 * large or of a kind not taken is refused with a page, and leaves nothing in the table.
 */
class CustomClaimsIT {

  static final String ALLOWED = "tenant roles seats beta";

  /** The claims as the access token must carry them, after the stack's own, in this order. */
  static final String EXPECTED =
      ",\"tenant\":\"acme-\u00e9\",\"roles\":[\"leader\",\"scheduler\"],\"seats\":40,\"beta\":true}";

  static Handshake hs;

  @BeforeAll
  static void start() {
    hs = new Handshake();
  }

  @AfterAll
  static void stop() {
    hs.close();
  }

  @BeforeEach
  void allowList() {
    Map<String, String> env = hs.environment("AuthorizePromptFunction");
    env.put("LOGIN_CLAIMS", ALLOWED);
    hs.prompt = new AuthorizePromptHandler(env, hs.clock);
    tokenFunctionWithTheAllowList();
  }

  /** The token function as deployed with the same {@code LOGIN_CLAIMS} as the login's. */
  static void tokenFunctionWithTheAllowList() {
    Map<String, String> env = hs.environment("TokenFunction");
    env.put("LOGIN_CLAIMS", ALLOWED);
    hs.token = new org.pcohandshake.fn.token.TokenHandler(env, hs.clock);
  }

  /** The login token's claims: the allow-listed four, and others that must not travel. */
  static Map<String, Object> loginClaims() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("beta", true);
    claims.put("email", "ada@example.org");
    claims.put("roles", List.of("leader", "scheduler"));
    claims.put("scope", "admin everything");
    claims.put("seats", 40);
    claims.put("tenant", "acme-\u00e9");
    claims.put("internal_note", "never in a token");
    return claims;
  }

  @Test
  void aRefreshChainOf5_keepsTheCustomClaimsByteForByte() {
    Map<String, Object> first = tokens(hs.exchange(code(loginClaims())));
    List<String> accessTokens = new ArrayList<>(List.of((String) first.get("access_token")));
    String refresh = (String) first.get("refresh_token");
    for (int i = 0; i < 5; i++) {
      hs.clock.advance(java.time.Duration.ofMinutes(2)); // past the grace window each time
      Map<String, Object> next = tokens(hs.refresh(refresh));
      accessTokens.add((String) next.get("access_token"));
      refresh = (String) next.get("refresh_token");
    }
    assertEquals(6, accessTokens.size());
    for (String token : accessTokens) {
      String payload = payload(token);
      assertTrue(payload.endsWith(EXPECTED), payload);
      assertEquals(1, payload.split("\"tenant\"", -1).length - 1, payload);
    }
  }

  @Test
  void aClaimOutsideTheAllowList_neverAppears_norOverridesTheStacksOwn() {
    Map<String, Object> first = tokens(hs.exchange(code(loginClaims())));
    Map<String, Object> refreshed = tokens(hs.refresh((String) first.get("refresh_token")));
    for (Object token : List.of(first.get("access_token"), refreshed.get("access_token"))) {
      Map<String, Object> claims = TestJson.object(payload((String) token));
      assertFalse(claims.containsKey("email"), claims.toString());
      assertFalse(claims.containsKey("internal_note"), claims.toString());
      assertFalse(claims.containsKey("name"), claims.toString());
      assertFalse(claims.containsKey("login_state"), claims.toString());
      assertEquals("user-7", claims.get("sub"));
      assertFalse(String.valueOf(claims.get("scope")).contains("admin"), claims.toString());
    }
  }

  /**
   * The integrator takes a claim off {@code LOGIN_CLAIMS} (it should never have been in tokens):
   * grants approved before still hold it, but no access token issued from then on may carry it.
   */
  @Test
  void aClaimLaterTakenOffTheAllowList_leavesEveryTokenIssuedAfter_ofGrantsMadeBefore() {
    Map<String, Object> first = tokens(hs.exchange(code(loginClaims())));
    Map<String, String> env = hs.environment("TokenFunction");
    env.put("LOGIN_CLAIMS", "tenant seats beta");
    hs.token = new org.pcohandshake.fn.token.TokenHandler(env, hs.clock);
    try {
      hs.clock.advance(java.time.Duration.ofMinutes(2));
      Map<String, Object> refreshed = tokens(hs.refresh((String) first.get("refresh_token")));
      Map<String, Object> claims = TestJson.object(payload((String) refreshed.get("access_token")));
      assertNull(claims.get("roles"), claims.toString());
      assertEquals("acme-\u00e9", claims.get("tenant"), claims.toString());
      assertEquals(40L, ((Number) claims.get("seats")).longValue(), claims.toString());
    } finally {
      tokenFunctionWithTheAllowList();
    }
  }

  @Test
  void withoutAnAllowList_noClaimOfTheLoginTravels() {
    hs.prompt = new AuthorizePromptHandler(hs.environment("AuthorizePromptFunction"), hs.clock);
    Map<String, Object> claims =
        TestJson.object(
            payload((String) tokens(hs.exchange(code(loginClaims()))).get("access_token")));
    for (String name : List.of("tenant", "roles", "seats", "beta", "email")) {
      assertNull(claims.get(name), claims.toString());
    }
  }

  @Test
  void claimsOver1KB_refuseTheLogin_withAPage_andWriteNothing() {
    Map<String, Object> claims = loginClaims();
    claims.put("tenant", "t".repeat(1100));
    assertLoginRefusedLeavingNothing(claims);
  }

  @Test
  void aClaimOfAKindNotTaken_refusesTheLogin_withAPage_andWritesNothing() {
    Map<String, Object> claims = loginClaims();
    claims.put("roles", Map.of("admin", true));
    assertLoginRefusedLeavingNothing(claims);
    claims.put("roles", List.of("leader"));
    claims.put("seats", 2.5);
    assertLoginRefusedLeavingNothing(claims);
  }

  private static void assertLoginRefusedLeavingNothing(Map<String, Object> claims) {
    List<String> before = hs.table();
    APIGatewayV2HTTPResponse refused =
        hs.login(hs.loginTokens.signWith("user-7", "Ada", hs.clock.instant(), claims));
    assertEquals(400, refused.getStatusCode(), refused.getBody());
    assertTrue(refused.getBody().contains("We could not sign you in"), refused.getBody());
    assertTrue(refused.getBody().contains("account details"), refused.getBody());
    assertTrue(
        refused.getCookies() == null
            || refused.getCookies().stream().noneMatch(c -> c.startsWith(Cookies.SESSION + "=")),
        String.valueOf(refused.getCookies()));
    assertEquals(before, hs.table(), "a refused login writes nothing: no session, no login jti");
  }

  /** Steps 2 to 4b with a login carrying {@code claims}: a fresh code. */
  private static String code(Map<String, Object> claims) {
    String link = hs.freshLink();
    APIGatewayV2HTTPResponse loggedIn =
        hs.login(hs.loginTokens.signWith("user-7", "Ada", hs.clock.instant(), claims));
    assertEquals(303, loggedIn.getStatusCode(), loggedIn.getBody());
    String session = Handshake.cookie(loggedIn, Cookies.SESSION);
    APIGatewayV2HTTPResponse page = hs.consentPage(session, link);
    assertEquals(200, page.getStatusCode(), page.getBody());
    return Handshake.code(hs.decide(session, Handshake.formToken(page), "approve"));
  }

  private static Map<String, Object> tokens(APIGatewayV2HTTPResponse response) {
    assertEquals(200, response.getStatusCode(), response.getBody());
    return Handshake.json(response);
  }

  /** The JWT's payload exactly as signed. */
  private static String payload(String jwt) {
    return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
  }
}
