package org.pcohandshake.testkit.pco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pcohandshake.testkit.pco.SimHttp.cookiePair;
import static org.pcohandshake.testkit.pco.SimHttp.form;
import static org.pcohandshake.testkit.pco.SimHttp.locationQuery;
import static org.pcohandshake.testkit.pco.SimHttp.locationWithoutQuery;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.pco.AddonResult.Outcome;

class PcoSimulatorAddonTest {
  static final String INTEGRATOR_ID = "integrator id";
  static final String INTEGRATOR_SECRET = "p@ss:word";

  private FakeIntegrator integrator;
  private PcoSimulator sim;
  private final SimHttp http = new SimHttp();

  @BeforeEach
  void start() throws Exception {
    integrator = new FakeIntegrator();
    sim = PcoSimulator.start(settings(ClientAuthentication.BASIC));
  }

  @AfterEach
  void stop() {
    sim.close();
    integrator.close();
    http.close();
  }

  private PcoSimulator.Settings settings(ClientAuthentication auth) {
    return PcoSimulatorProviderTest.settings()
        .withAutoApprove(true)
        .withAuthorizeUrl(integrator.baseUrl() + "/oauth/authorize")
        .withTokenUrl(integrator.tokenUrl())
        .withApiUrl(integrator.apiUrl())
        .withIntegratorClient(INTEGRATOR_ID, INTEGRATOR_SECRET)
        .withIntegratorClientAuth(auth);
  }

  /** Step 3 as the browser sees it. */
  private record Advanced(String state, String cookie) {}

  private Advanced advance(PcoSimulator simulator) throws Exception {
    HttpResponse<String> response = http.get(simulator.advanceUrl());
    assertEquals(302, response.statusCode());
    return new Advanced(
        locationQuery(response).get("state"), cookiePair(response, "pco_sim_state"));
  }

  /** Step 5 as the browser sees it: the integrator redirected back with these parameters. */
  private HttpResponse<String> callback(
      PcoSimulator simulator, String cookie, Map<String, String> params) throws Exception {
    String url = Exchanges.withQuery(simulator.addonRedirectUri(), params);
    return cookie == null ? http.get(url) : http.get(url, "Cookie", cookie);
  }

  @Test
  void homePage_offersAuthorizeButtonThatStartsTheHandshake() throws Exception {
    HttpResponse<String> page = http.get(sim.baseUrl() + "/");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("Example add-on (simulated Planning Center)"));
    assertTrue(page.body().contains("action=\"/addons/start\""));
    assertTrue(page.body().contains("Authorize add-on"));
  }

  @Test
  void start_redirectsToOwnAuthorizeWithPcoClient_andAutoApproveReachesIntegratorStep2()
      throws Exception {
    HttpResponse<String> start = http.get(sim.baseUrl() + "/addons/start");
    assertEquals(302, start.statusCode());
    assertEquals(sim.authorizeEndpoint(), locationWithoutQuery(start));
    Map<String, String> query = locationQuery(start);
    assertEquals(PcoSimulatorProviderTest.CLIENT_ID, query.get("client_id"));
    assertEquals(PcoSimulatorProviderTest.REDIRECT, query.get("redirect_uri"));
    assertEquals("code", query.get("response_type"));
    assertEquals("people", query.get("scope"));
    assertEquals(
        "pco_sim_start_state=" + query.get("state"), cookiePair(start, "pco_sim_start_state"));

    HttpResponse<String> authorize = http.get(SimHttp.location(start));
    assertEquals(302, authorize.statusCode());
    assertEquals(PcoSimulatorProviderTest.REDIRECT, locationWithoutQuery(authorize));
    assertEquals(query.get("state"), locationQuery(authorize).get("state"));
    assertNotNull(locationQuery(authorize).get("code"));
  }

  @Test
  void advance_redirectsToIntegratorAuthorizeWithClientRedirectUriAndLongState() throws Exception {
    HttpResponse<String> response = http.get(sim.advanceUrl());
    assertEquals(302, response.statusCode());
    assertEquals(integrator.baseUrl() + "/oauth/authorize", locationWithoutQuery(response));
    Map<String, String> query = locationQuery(response);
    assertEquals("code", query.get("response_type"));
    assertEquals(INTEGRATOR_ID, query.get("client_id"));
    assertEquals(sim.baseUrl() + "/addons/authorizations/4242", query.get("redirect_uri"));
    assertNull(query.get("scope"), "no scope when config.yaml lists none");
    String state = query.get("state");
    assertTrue(state.length() >= 200, "state length " + state.length());
    assertTrue(state.contains("+") && state.contains("/") && state.contains("="));
    assertEquals("pco_sim_state=" + state, cookiePair(response, "pco_sim_state"));
    assertTrue(
        response.headers().allValues("Set-Cookie").stream()
            .anyMatch(c -> c.contains("HttpOnly") && c.contains("SameSite=Lax")));
    assertEquals(1, sim.advanceCalls().get());
  }

  @Test
  void advance_withConfiguredScopes_sendsThemSpaceSeparated() throws Exception {
    try (PcoSimulator scoped =
        PcoSimulator.start(
            settings(ClientAuthentication.BASIC).withIntegratorScopes(List.of("read", "write")))) {
      HttpResponse<String> response = http.get(scoped.advanceUrl());
      assertEquals("read write", locationQuery(response).get("scope"));
    }
  }

  @Test
  void advance_withOtherApplicationId_answers404() throws Exception {
    HttpResponse<String> response = http.get(sim.baseUrl() + "/addons/authorizations/9999/advance");
    assertEquals(404, response.statusCode());
    assertEquals(0, sim.advanceCalls().get());
  }

  @Test
  void callback_exchangesCodeWithBasicAuth_thenCallsApiWithBearerAndOrigin() throws Exception {
    Advanced advanced = advance(sim);
    HttpResponse<String> page =
        callback(sim, advanced.cookie(), form("code", "code-123", "state", advanced.state()));

    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("Add-on authorized"));
    assertTrue(
        page.body()
            .contains(
                "<pre id=\"api-result\">{&quot;user&quot;:{&quot;id&quot;:&quot;u-1&quot;,"
                    + "&quot;name&quot;:&quot;&lt;b&gt;Pat&lt;/b&gt; &amp; Co&quot;}}</pre>"));
    assertTrue(
        page.headers().allValues("Set-Cookie").stream()
            .anyMatch(c -> c.startsWith("pco_sim_state=;") && c.contains("Max-Age=0")));

    assertEquals(1, integrator.tokenRequests.size());
    FakeIntegrator.Received token = integrator.tokenRequests.getFirst();
    assertEquals("POST", token.method());
    assertTrue(token.header("Content-Type").startsWith("application/x-www-form-urlencoded"));
    String expectedBasic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("integrator+id:p%40ss%3Aword".getBytes(StandardCharsets.UTF_8));
    assertEquals(expectedBasic, token.header("Authorization"));
    Map<String, String> tokenForm = token.form();
    assertEquals("authorization_code", tokenForm.get("grant_type"));
    assertEquals("code-123", tokenForm.get("code"));
    assertEquals(sim.addonRedirectUri(), tokenForm.get("redirect_uri"));
    assertFalse(tokenForm.containsKey("client_secret"));

    assertEquals(1, integrator.apiRequests.size());
    FakeIntegrator.Received api = integrator.apiRequests.getFirst();
    assertEquals("GET", api.method());
    assertEquals("Bearer int-access-1", api.header("Authorization"));
    assertEquals(sim.baseUrl(), api.header("Origin"));

    AddonResult result = sim.lastAddonResult();
    assertEquals(Outcome.AUTHORIZED, result.outcome());
    assertTrue(result.success());
    assertEquals(200, result.tokenStatus());
    assertTrue(result.accessTokenPresent());
    assertTrue(result.refreshTokenPresent());
    assertTrue(result.expiresInPresent());
    assertEquals(3600L, result.expiresIn());
    assertEquals(200, result.apiStatus());
    assertEquals(sim.baseUrl(), result.apiAllowOrigin());
    assertTrue(result.apiBody().contains("u-1"));
    assertFalse(result.toString().contains("int-access-1"));
    assertFalse(result.toString().contains("int-refresh-1"));
    assertEquals(1, sim.addonCallbackCalls().get());
  }

  @Test
  void callback_withPostClientAuth_sendsCredentialsInBodyWithoutAuthorizationHeader()
      throws Exception {
    try (PcoSimulator post = PcoSimulator.start(settings(ClientAuthentication.POST))) {
      Advanced advanced = advance(post);
      HttpResponse<String> page =
          callback(post, advanced.cookie(), form("code", "c", "state", advanced.state()));
      assertEquals(200, page.statusCode());
      FakeIntegrator.Received token = integrator.tokenRequests.getFirst();
      assertNull(token.header("Authorization"));
      assertEquals(INTEGRATOR_ID, token.form().get("client_id"));
      assertEquals(INTEGRATOR_SECRET, token.form().get("client_secret"));
      assertEquals(post.addonRedirectUri(), token.form().get("redirect_uri"));
    }
  }

  @Test
  void callback_withStateOtherThanCookie_answers400AndCallsNothing() throws Exception {
    Advanced advanced = advance(sim);
    HttpResponse<String> page =
        callback(sim, advanced.cookie(), form("code", "c", "state", advanced.state() + "x"));
    assertEquals(400, page.statusCode());
    assertTrue(page.body().contains("Authorization failed"));
    assertTrue(page.body().contains("state_mismatch"));
    assertEquals(Outcome.STATE_MISMATCH, sim.lastAddonResult().outcome());
    assertTrue(integrator.tokenRequests.isEmpty());
  }

  @Test
  void callback_withoutStateCookie_answers400() throws Exception {
    Advanced advanced = advance(sim);
    HttpResponse<String> page = callback(sim, null, form("code", "c", "state", advanced.state()));
    assertEquals(400, page.statusCode());
    assertEquals("state_mismatch", sim.lastAddonResult().error());
    assertTrue(integrator.tokenRequests.isEmpty());
  }

  @Test
  void callback_withAccessDenied_showsDeclinedPage() throws Exception {
    Advanced advanced = advance(sim);
    HttpResponse<String> page =
        callback(
            sim,
            advanced.cookie(),
            form("error", "access_denied", "error_description", "no", "state", advanced.state()));
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("You declined"));
    assertEquals(Outcome.DECLINED, sim.lastAddonResult().outcome());
    assertTrue(integrator.tokenRequests.isEmpty());
  }

  @Test
  void callback_whenTokenEndpointAnswersInvalidClient_showsFailureWithStatusAndError()
      throws Exception {
    integrator.tokenAnswer =
        new FakeIntegrator.Answer(
            401, "{\"error\":\"invalid_client\",\"error_description\":\"bad <secret>\"}");
    Advanced advanced = advance(sim);
    HttpResponse<String> page =
        callback(sim, advanced.cookie(), form("code", "c", "state", advanced.state()));
    assertEquals(502, page.statusCode());
    assertTrue(page.body().contains("Authorization failed"));
    assertTrue(page.body().contains("<span id=\"status\">401</span>"));
    assertTrue(page.body().contains("<code id=\"error-code\">invalid_client</code>"));
    assertTrue(page.body().contains("bad &lt;secret&gt;"));
    AddonResult result = sim.lastAddonResult();
    assertEquals(Outcome.TOKEN_FAILED, result.outcome());
    assertEquals(401, result.tokenStatus());
    assertEquals("invalid_client", result.error());
    assertTrue(integrator.apiRequests.isEmpty());
    assertNull(sim.integratorTokens());
  }

  @Test
  void callback_whenTokenResponseLacksExpiresIn_succeedsButRecordsIt() throws Exception {
    integrator.tokenAnswer =
        new FakeIntegrator.Answer(200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\"}");
    Advanced advanced = advance(sim);
    callback(sim, advanced.cookie(), form("code", "c", "state", advanced.state()));
    AddonResult result = sim.lastAddonResult();
    assertTrue(result.success());
    assertFalse(result.expiresInPresent());
    assertFalse(result.refreshTokenPresent());
  }

  @Test
  void callback_whenApiAnswers401_reportsApiFailed() throws Exception {
    integrator.apiAnswer = new FakeIntegrator.Answer(401, "{\"error\":\"invalid_token\"}");
    Advanced advanced = advance(sim);
    HttpResponse<String> page =
        callback(sim, advanced.cookie(), form("code", "c", "state", advanced.state()));
    assertEquals(502, page.statusCode());
    assertTrue(page.body().contains("Authorization failed"));
    assertEquals(Outcome.API_FAILED, sim.lastAddonResult().outcome());
    assertEquals(401, sim.lastAddonResult().apiStatus());
  }

  @Test
  void callback_whenTokenEndpointIsDown_reportsConnectionFailed() throws Exception {
    integrator.close();
    Advanced advanced = advance(sim);
    HttpResponse<String> page =
        callback(sim, advanced.cookie(), form("code", "c", "state", advanced.state()));
    assertEquals(502, page.statusCode());
    assertEquals("connection_failed", sim.lastAddonResult().error());
  }

  @Test
  void refreshIntegratorToken_sendsLastRefreshToken_andKeepsTheRotatedOne() throws Exception {
    Advanced advanced = advance(sim);
    callback(sim, advanced.cookie(), form("code", "c", "state", advanced.state()));

    integrator.tokenAnswer =
        new FakeIntegrator.Answer(
            200,
            "{\"access_token\":\"int-access-2\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                + "\"refresh_token\":\"int-refresh-2\"}");
    IntegratorResponse first = sim.refreshIntegratorToken();
    assertEquals(200, first.status());
    assertFalse(first.toString().contains("int-access-2"));
    FakeIntegrator.Received request = integrator.tokenRequests.get(1);
    assertEquals("refresh_token", request.form().get("grant_type"));
    assertEquals("int-refresh-1", request.form().get("refresh_token"));
    assertTrue(request.header("Authorization").startsWith("Basic "));

    integrator.tokenAnswer = new FakeIntegrator.Answer(400, "{\"error\":\"invalid_grant\"}");
    IntegratorResponse second = sim.refreshIntegratorToken();
    assertEquals(400, second.status());
    assertEquals("invalid_grant", second.error().orElseThrow());
    assertEquals("int-refresh-2", integrator.tokenRequests.get(2).form().get("refresh_token"));
    // a failed refresh keeps the tokens PCO already had
    assertEquals("int-access-2", sim.integratorTokens().accessToken());
  }

  @Test
  void callIntegratorApi_usesCurrentAccessTokenAndOrigin() throws Exception {
    try (PcoSimulator origin =
        PcoSimulator.start(
            settings(ClientAuthentication.BASIC)
                .withApiOrigin("https://services.planningcenteronline.com"))) {
      Advanced advanced = advance(origin);
      callback(origin, advanced.cookie(), form("code", "c", "state", advanced.state()));
      IntegratorResponse response = origin.callIntegratorApi();
      assertEquals(200, response.status());
      assertEquals(2, integrator.apiRequests.size());
      FakeIntegrator.Received api = integrator.apiRequests.get(1);
      assertEquals("Bearer int-access-1", api.header("Authorization"));
      assertEquals("https://services.planningcenteronline.com", api.header("Origin"));
    }
  }

  @Test
  void refreshIntegratorToken_beforeAnyAuthorization_throws() {
    assertThrows(IllegalStateException.class, sim::refreshIntegratorToken);
  }
}
