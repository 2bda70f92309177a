package org.pcohandshake.testkit.pco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pcohandshake.testkit.pco.SimHttp.basic;
import static org.pcohandshake.testkit.pco.SimHttp.form;
import static org.pcohandshake.testkit.pco.SimHttp.json;
import static org.pcohandshake.testkit.pco.SimHttp.locationQuery;
import static org.pcohandshake.testkit.pco.SimHttp.locationWithoutQuery;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PcoSimulatorProviderTest {
  static final String REDIRECT = "http://127.0.0.1:9/oauth/pco/complete";
  static final String CLIENT_ID = "pco-client";
  static final String CLIENT_SECRET = "pco-secret";

  private PcoSimulator sim;
  private final SimHttp http = new SimHttp();

  @BeforeEach
  void start() throws Exception {
    sim = PcoSimulator.start(settings().withAutoApprove(true));
  }

  @AfterEach
  void stop() {
    sim.close();
    http.close();
  }

  static PcoSimulator.Settings settings() {
    return PcoSimulator.Settings.defaults()
        .withPcoClient(CLIENT_ID, CLIENT_SECRET)
        .withRedirectUrl(REDIRECT)
        .withPerson("7001", "Ada", "Lovelace")
        .withOrganization("9001", "First Church");
  }

  private String authorizeUrl(String state) {
    return Exchanges.withQuery(
        sim.authorizeEndpoint(),
        form(
            "client_id", CLIENT_ID,
            "redirect_uri", REDIRECT,
            "response_type", "code",
            "scope", "people",
            "state", state));
  }

  private String obtainCode() throws Exception {
    HttpResponse<String> response = http.get(authorizeUrl("s1"));
    assertEquals(302, response.statusCode());
    return locationQuery(response).get("code");
  }

  private HttpResponse<String> exchangeWithBasic(String code) throws Exception {
    return http.postForm(
        sim.tokenEndpoint(),
        form("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT),
        "Authorization",
        basic(CLIENT_ID, CLIENT_SECRET));
  }

  private HttpResponse<String> refreshWithBasic(String refreshToken) throws Exception {
    return http.postForm(
        sim.tokenEndpoint(),
        form("grant_type", "refresh_token", "refresh_token", refreshToken),
        "Authorization",
        basic(CLIENT_ID, CLIENT_SECRET));
  }

  @Test
  void baseUrl_isLoopbackWithBoundPortAndNoTrailingSlash() {
    assertEquals("http://127.0.0.1:" + sim.port(), sim.baseUrl());
    assertTrue(sim.port() > 0);
  }

  @Test
  void codeExchange_thenMe_returnsSimulatedPersonAndOrganization() throws Exception {
    HttpResponse<String> redirect = http.get(authorizeUrl("xyz"));
    assertEquals(302, redirect.statusCode());
    assertEquals(REDIRECT, locationWithoutQuery(redirect));
    assertEquals("xyz", locationQuery(redirect).get("state"));
    String code = locationQuery(redirect).get("code");

    HttpResponse<String> token = exchangeWithBasic(code);
    assertEquals(200, token.statusCode());
    assertEquals("no-store", token.headers().firstValue("Cache-Control").orElse(null));
    Map<String, Object> tokens = json(token);
    assertEquals("bearer", tokens.get("token_type"));
    assertEquals(7200L, ((Number) tokens.get("expires_in")).longValue());
    assertEquals("people", tokens.get("scope"));
    long createdAt = ((Number) tokens.get("created_at")).longValue();
    assertTrue(Math.abs(createdAt - Instant.now().getEpochSecond()) < 60);
    String accessToken = (String) tokens.get("access_token");
    assertTrue(((String) tokens.get("refresh_token")).length() >= 32);

    HttpResponse<String> me = http.get(sim.meEndpoint(), "Authorization", "Bearer " + accessToken);
    assertEquals(200, me.statusCode());
    Map<String, Object> document = json(me);
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) document.get("data");
    assertEquals("Person", data.get("type"));
    assertEquals("7001", data.get("id"));
    @SuppressWarnings("unchecked")
    Map<String, Object> attributes = (Map<String, Object>) data.get("attributes");
    assertEquals("Ada", attributes.get("first_name"));
    assertEquals("Lovelace", attributes.get("last_name"));
    assertEquals("Ada Lovelace", attributes.get("name"));
    @SuppressWarnings("unchecked")
    Map<String, Object> meta = (Map<String, Object>) document.get("meta");
    assertEquals(Map.of("id", "9001", "type", "Organization"), meta.get("parent"));
    assertEquals(1, sim.authorizationCodeCalls().get());
    assertEquals(1, sim.meCalls().get());
  }

  @Test
  void code_isSingleUse_secondExchangeAnswersInvalidGrant() throws Exception {
    String code = obtainCode();
    assertEquals(200, exchangeWithBasic(code).statusCode());
    HttpResponse<String> replay = exchangeWithBasic(code);
    assertEquals(400, replay.statusCode());
    assertEquals("invalid_grant", json(replay).get("error"));
  }

  @Test
  void codeExchange_withDifferentRedirectUri_answersInvalidGrant() throws Exception {
    String code = obtainCode();
    HttpResponse<String> response =
        http.postForm(
            sim.tokenEndpoint(),
            form(
                "grant_type",
                "authorization_code",
                "code",
                code,
                "redirect_uri",
                REDIRECT + "/other"),
            "Authorization",
            basic(CLIENT_ID, CLIENT_SECRET));
    assertEquals(400, response.statusCode());
    assertEquals("invalid_grant", json(response).get("error"));
  }

  @Test
  void refresh_rotatesRefreshToken_andOldOneAnswersInvalidGrant() throws Exception {
    Map<String, Object> first = json(exchangeWithBasic(obtainCode()));
    String oldRefresh = (String) first.get("refresh_token");

    HttpResponse<String> refreshed = refreshWithBasic(oldRefresh);
    assertEquals(200, refreshed.statusCode());
    Map<String, Object> second = json(refreshed);
    assertNotEquals(oldRefresh, second.get("refresh_token"));
    assertNotEquals(first.get("access_token"), second.get("access_token"));
    assertEquals("people", second.get("scope"));

    HttpResponse<String> replay = refreshWithBasic(oldRefresh);
    assertEquals(400, replay.statusCode());
    Map<String, Object> error = json(replay);
    assertEquals("invalid_grant", error.get("error"));
    assertTrue(((String) error.get("error_description")).contains("invalid"));

    assertEquals(200, refreshWithBasic((String) second.get("refresh_token")).statusCode());
    assertEquals(3, sim.refreshCalls().get());
    assertEquals(4, sim.tokenCalls().get());
  }

  @Test
  void clientAuthentication_acceptsBodyParameters() throws Exception {
    HttpResponse<String> response =
        http.postForm(
            sim.tokenEndpoint(),
            form(
                "grant_type", "authorization_code",
                "code", obtainCode(),
                "redirect_uri", REDIRECT,
                "client_id", CLIENT_ID,
                "client_secret", CLIENT_SECRET));
    assertEquals(200, response.statusCode());
    assertTrue(json(response).containsKey("access_token"));
  }

  @Test
  void clientAuthentication_basicDecodesFormUrlEncodedIdAndSecret() throws Exception {
    String id = "app id:with/odd+chars";
    String secret = "s3cr:et & more=";
    try (PcoSimulator odd = PcoSimulator.start(settings().withPcoClient(id, secret))) {
      TokenPair pair = odd.issueTokens();
      HttpResponse<String> response =
          http.postForm(
              odd.tokenEndpoint(),
              form("grant_type", "refresh_token", "refresh_token", pair.refreshToken()),
              "Authorization",
              basic(id, secret));
      assertEquals(200, response.statusCode());
    }
  }

  @Test
  void wrongSecret_answers401InvalidClient_forBasicAndForBody() throws Exception {
    TokenPair pair = sim.issueTokens();
    HttpResponse<String> basic =
        http.postForm(
            sim.tokenEndpoint(),
            form("grant_type", "refresh_token", "refresh_token", pair.refreshToken()),
            "Authorization",
            basic(CLIENT_ID, "wrong"));
    assertEquals(401, basic.statusCode());
    assertEquals("invalid_client", json(basic).get("error"));

    HttpResponse<String> body =
        http.postForm(
            sim.tokenEndpoint(),
            form(
                "grant_type",
                "refresh_token",
                "refresh_token",
                pair.refreshToken(),
                "client_id",
                CLIENT_ID,
                "client_secret",
                "wrong"));
    assertEquals(401, body.statusCode());
    assertEquals("invalid_client", json(body).get("error"));

    // the refresh token was not consumed by the failed attempts
    assertEquals(200, refreshWithBasic(pair.refreshToken()).statusCode());
  }

  @Test
  void clientAuthentication_usingBasicAndBodySecretAtOnce_isRejected() throws Exception {
    TokenPair pair = sim.issueTokens();
    HttpResponse<String> response =
        http.postForm(
            sim.tokenEndpoint(),
            form(
                "grant_type",
                "refresh_token",
                "refresh_token",
                pair.refreshToken(),
                "client_id",
                CLIENT_ID,
                "client_secret",
                CLIENT_SECRET),
            "Authorization",
            basic(CLIENT_ID, CLIENT_SECRET));
    assertEquals(401, response.statusCode());
  }

  @Test
  void unknownGrantType_answersUnsupportedGrantType() throws Exception {
    HttpResponse<String> response =
        http.postForm(
            sim.tokenEndpoint(),
            form("grant_type", "password", "username", "x", "password", "y"),
            "Authorization",
            basic(CLIENT_ID, CLIENT_SECRET));
    assertEquals(400, response.statusCode());
    assertEquals("unsupported_grant_type", json(response).get("error"));
  }

  @Test
  void me_withoutOrWithUnknownToken_answers401JsonApiError() throws Exception {
    HttpResponse<String> none = http.get(sim.meEndpoint());
    assertEquals(401, none.statusCode());
    assertTrue(none.body().contains("\"title\":\"Unauthorized\""));
    HttpResponse<String> unknown = http.get(sim.meEndpoint(), "Authorization", "Bearer nope");
    assertEquals(401, unknown.statusCode());
  }

  @Test
  void expireAccessTokens_makesMeAnswer401_untilRefreshed() throws Exception {
    TokenPair pair = sim.issueTokens();
    assertEquals(7200L, pair.expiresIn());
    String bearer = "Bearer " + pair.accessToken();
    assertEquals(200, http.get(sim.meEndpoint(), "Authorization", bearer).statusCode());

    sim.expireAccessTokens();
    assertEquals(401, http.get(sim.meEndpoint(), "Authorization", bearer).statusCode());

    String fresh = (String) json(refreshWithBasic(pair.refreshToken())).get("access_token");
    assertEquals(200, http.get(sim.meEndpoint(), "Authorization", "Bearer " + fresh).statusCode());
  }

  @Test
  void shortAccessTokenLifetime_isReportedAndEnforced() throws Exception {
    try (PcoSimulator quick =
        PcoSimulator.start(settings().withAccessTokenLifetime(Duration.ofSeconds(1)))) {
      TokenPair pair = quick.issueTokens();
      assertEquals(1L, pair.expiresIn());
      Thread.sleep(1100);
      HttpResponse<String> me =
          http.get(quick.meEndpoint(), "Authorization", "Bearer " + pair.accessToken());
      assertEquals(401, me.statusCode());
    }
  }

  @Test
  void revokeAllTokens_makesRefreshAnswerInvalidGrantAndMe401() throws Exception {
    TokenPair pair = sim.issueTokens();
    sim.revokeAllTokens();
    HttpResponse<String> refresh = refreshWithBasic(pair.refreshToken());
    assertEquals(400, refresh.statusCode());
    assertEquals("invalid_grant", json(refresh).get("error"));
    assertEquals(
        401,
        http.get(sim.meEndpoint(), "Authorization", "Bearer " + pair.accessToken()).statusCode());
  }

  @Test
  void revokeEndpoint_revokesRefreshToken_andCountsCalls() throws Exception {
    TokenPair pair = sim.issueTokens();
    HttpResponse<String> revoke =
        http.postForm(
            sim.revokeEndpoint(),
            form("token", pair.refreshToken()),
            "Authorization",
            basic(CLIENT_ID, CLIENT_SECRET));
    assertEquals(200, revoke.statusCode());
    assertEquals("{}", revoke.body());
    assertEquals(1, sim.revokeCalls().get());
    assertEquals("invalid_grant", json(refreshWithBasic(pair.refreshToken())).get("error"));
  }

  @Test
  void revokeEndpoint_withoutClientAuthentication_answers401AndKeepsToken() throws Exception {
    TokenPair pair = sim.issueTokens();
    HttpResponse<String> revoke =
        http.postForm(sim.revokeEndpoint(), form("token", pair.accessToken()));
    assertEquals(401, revoke.statusCode());
    assertEquals(
        200,
        http.get(sim.meEndpoint(), "Authorization", "Bearer " + pair.accessToken()).statusCode());
  }

  @Test
  void resetCounters_setsAllCountersToZero() throws Exception {
    exchangeWithBasic(obtainCode());
    http.get(sim.meEndpoint());
    assertEquals(1, sim.tokenCalls().get());
    sim.resetCounters();
    assertEquals(0, sim.tokenCalls().get());
    assertEquals(0, sim.authorizationCodeCalls().get());
    assertEquals(0, sim.meCalls().get());
  }

  @Test
  void authorize_withRedirectUriOtherThanSettings_showsErrorWithoutRedirecting() throws Exception {
    String url =
        Exchanges.withQuery(
            sim.authorizeEndpoint(),
            form(
                "client_id", CLIENT_ID,
                "redirect_uri", "https://evil.example/cb",
                "response_type", "code",
                "state", "s"));
    HttpResponse<String> response = http.get(url);
    assertEquals(400, response.statusCode());
    assertTrue(response.headers().firstValue("Location").isEmpty());
    assertTrue(response.body().contains("invalid_redirect_uri"));
  }

  @Test
  void authorize_withUnknownClientId_showsErrorWithoutRedirecting() throws Exception {
    String url =
        Exchanges.withQuery(
            sim.authorizeEndpoint(),
            form("client_id", "other", "redirect_uri", REDIRECT, "response_type", "code"));
    HttpResponse<String> response = http.get(url);
    assertEquals(401, response.statusCode());
    assertTrue(response.headers().firstValue("Location").isEmpty());
  }

  @Test
  void consentPage_asksToAllowTheAppAndCarriesEscapedParameters() throws Exception {
    try (PcoSimulator consent =
        PcoSimulator.start(settings().withApplicationName("Acme <Tools>"))) {
      String url =
          Exchanges.withQuery(
              consent.authorizeEndpoint(),
              form(
                  "client_id", CLIENT_ID,
                  "redirect_uri", REDIRECT,
                  "response_type", "code",
                  "scope", "people",
                  "state", "\"><script>alert(1)</script>"));
      HttpResponse<String> page = http.get(url);
      assertEquals(200, page.statusCode());
      assertTrue(
          page.body().contains("Allow Acme &lt;Tools&gt; to access your Planning Center account?"));
      assertFalse(page.body().contains("<script>alert(1)"));
      assertTrue(page.body().contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""));
      assertTrue(page.body().contains("<form method=\"post\" action=\"/oauth/authorize\">"));
      assertTrue(page.body().contains("value=\"allow\""));
      assertTrue(page.body().contains("value=\"deny\""));
    }
  }

  @Test
  void consentAllow_redirectsWithCodeAndState_andDenyWithAccessDenied() throws Exception {
    try (PcoSimulator consent = PcoSimulator.start(settings())) {
      Map<String, String> params =
          form(
              "client_id", CLIENT_ID,
              "redirect_uri", REDIRECT,
              "response_type", "code",
              "scope", "people",
              "state", "st ate");
      Map<String, String> allow = new LinkedHashMap<>(params);
      allow.put("decision", "allow");
      HttpResponse<String> allowed = http.postForm(consent.authorizeEndpoint(), allow);
      assertEquals(302, allowed.statusCode());
      assertEquals(REDIRECT, locationWithoutQuery(allowed));
      assertEquals("st ate", locationQuery(allowed).get("state"));
      String code = locationQuery(allowed).get("code");
      HttpResponse<String> token =
          http.postForm(
              consent.tokenEndpoint(),
              form("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT),
              "Authorization",
              basic(CLIENT_ID, CLIENT_SECRET));
      assertEquals(200, token.statusCode());

      Map<String, String> deny = new LinkedHashMap<>(params);
      deny.put("decision", "deny");
      HttpResponse<String> denied = http.postForm(consent.authorizeEndpoint(), deny);
      assertEquals(302, denied.statusCode());
      Map<String, String> query = locationQuery(denied);
      assertEquals("access_denied", query.get("error"));
      assertTrue(query.containsKey("error_description"));
      assertEquals("st ate", query.get("state"));
      assertNull(query.get("code"));
    }
  }

  @Test
  void tokenPairAndSettings_toStringHideSecrets() {
    TokenPair pair = sim.issueTokens();
    assertFalse(pair.toString().contains(pair.accessToken()));
    assertFalse(pair.toString().contains(pair.refreshToken()));
    assertFalse(sim.settings().toString().contains(CLIENT_SECRET));
  }
}
