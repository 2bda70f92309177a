package org.pcohandshake.testkit.pco;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.pco.AddonResult.Outcome;
import org.pcohandshake.testkit.pco.Exchanges.Params;

/**
 * PCO as the add-on host: the person's start page, {@code /addons/start} (step 0 into step 1),
 * {@code /addons/authorizations/{id}/advance} (step 3), and the callback {@code
 * /addons/authorizations/{id}} (step 5) with PCO's server-to-server token call (step 6).
 */
final class SimulatedAddon {
  static final String STATE_COOKIE = "pco_sim_state";
  static final String START_STATE_COOKIE = "pco_sim_start_state";
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final PcoSimulator.Settings settings;
  private final Supplier<String> baseUrl;
  private final Counters counters;
  private final HttpClient client;

  private volatile AddonResult lastResult;
  private volatile TokenPair integratorTokens;

  SimulatedAddon(
      PcoSimulator.Settings settings,
      Supplier<String> baseUrl,
      Counters counters,
      HttpClient client) {
    this.settings = settings;
    this.baseUrl = baseUrl;
    this.counters = counters;
    this.client = client;
  }

  AddonResult lastResult() {
    return lastResult;
  }

  TokenPair integratorTokens() {
    return integratorTokens;
  }

  String authorizationsPath() {
    return "/addons/authorizations/" + settings.oauthApplicationId();
  }

  String callbackUrl() {
    return baseUrl.get() + authorizationsPath();
  }

  // ---- GET / and GET /addons/start -----------------------------------------------------

  void home(HttpExchange exchange) throws IOException {
    AddonResult last = lastResult;
    String body =
        "<h1>Example add-on (simulated Planning Center)</h1>\n"
            + "<p>Signed in to Planning Center as <strong>"
            + Html.escape(settings.person().name())
            + "</strong> of <strong>"
            + Html.escape(settings.organization().name())
            + "</strong>.</p>\n"
            + "<p>This add-on needs access to "
            + Html.escape(settings.applicationName())
            + ".</p>\n"
            + "<form method=\"get\" action=\"/addons/start\">"
            + "<button type=\"submit\" id=\"authorize-addon\">Authorize add-on</button>"
            + "</form>\n"
            + (last == null
                ? ""
                : "<p>Last authorization: <span id=\"last-outcome\">"
                    + Html.escape(last.outcome().name())
                    + "</span></p>\n");
    Exchanges.sendHtml(exchange, 200, Html.page("Example add-on", body));
  }

  void start(HttpExchange exchange) throws IOException {
    String state = Exchanges.randomUrlSafe(24);
    Map<String, String> params = new LinkedHashMap<>();
    params.put("client_id", settings.pcoClientId());
    params.put("redirect_uri", settings.redirectUrl());
    params.put("response_type", "code");
    params.put("scope", SimulatedProvider.DEFAULT_SCOPE);
    params.put("state", state);
    Exchanges.redirect(
        exchange,
        Exchanges.withQuery(baseUrl.get() + "/oauth/authorize", params),
        Exchanges.cookie(START_STATE_COOKIE, state, "/", 900));
  }

  // ---- GET /addons/authorizations/{id}/advance (step 3) ----------------------------------

  void advance(HttpExchange exchange) throws IOException {
    counters.advanceCalls.incrementAndGet();
    if (settings.authorizeUrl() == null) {
      Exchanges.sendHtml(exchange, 500, notConfiguredPage("authorizeUrl"));
      return;
    }
    String state = Exchanges.longState();
    Map<String, String> params = new LinkedHashMap<>();
    params.put("response_type", "code");
    params.put("client_id", settings.integratorClientId());
    params.put("redirect_uri", callbackUrl());
    if (!settings.integratorScopes().isEmpty()) {
      params.put("scope", String.join(" ", settings.integratorScopes()));
    }
    params.put("state", state);
    Exchanges.redirect(
        exchange,
        Exchanges.withQuery(settings.authorizeUrl(), params),
        Exchanges.cookie(STATE_COOKIE, state, authorizationsPath(), 900));
  }

  // ---- GET /addons/authorizations/{id} (step 5, then step 6 server to server) -----------

  void callback(HttpExchange exchange) throws IOException {
    counters.addonCallbackCalls.incrementAndGet();
    Params params = Exchanges.query(exchange);
    String clearCookie = Exchanges.cookie(STATE_COOKIE, "", authorizationsPath(), 0);
    String expectedState = Exchanges.cookies(exchange).get(STATE_COOKIE);
    String state = params.first("state");
    if (expectedState == null
        || expectedState.isEmpty()
        || !Exchanges.constantTimeEquals(expectedState, state)) {
      String description =
          expectedState == null || expectedState.isEmpty()
              ? "No authorization is in progress in this browser (the state cookie is missing)."
              : state == null
                  ? "The integrator redirected back without a state parameter."
                  : "The state parameter does not match the one Planning Center sent.";
      lastResult = AddonResult.before(Outcome.STATE_MISMATCH, "state_mismatch", description);
      Exchanges.sendHtml(exchange, 400, resultPage(lastResult), clearCookie);
      return;
    }
    String error = params.nonEmpty("error");
    if (error != null) {
      Outcome outcome =
          "access_denied".equals(error) ? Outcome.DECLINED : Outcome.AUTHORIZATION_ERROR;
      lastResult = AddonResult.before(outcome, error, params.first("error_description"));
      Exchanges.sendHtml(
          exchange, outcome == Outcome.DECLINED ? 200 : 400, resultPage(lastResult), clearCookie);
      return;
    }
    String code = params.nonEmpty("code");
    if (code == null) {
      lastResult =
          AddonResult.before(
              Outcome.AUTHORIZATION_ERROR,
              "missing_code",
              "The integrator redirected back without a code.");
      Exchanges.sendHtml(exchange, 400, resultPage(lastResult), clearCookie);
      return;
    }
    lastResult = completeAuthorization(code);
    int status =
        switch (lastResult.outcome()) {
          case AUTHORIZED -> 200;
          case TOKEN_FAILED, API_FAILED -> 502;
          default -> 400;
        };
    Exchanges.sendHtml(exchange, status, resultPage(lastResult), clearCookie);
  }

  /** Step 6 as PCO's servers do it, then the first integrator API call. */
  private AddonResult completeAuthorization(String code) {
    if (settings.tokenUrl() == null) {
      return AddonResult.before(
          Outcome.TOKEN_FAILED, "not_configured", "The simulator has no tokenUrl setting.");
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", callbackUrl());
    IntegratorResponse token;
    try {
      token = postToIntegratorToken(form);
    } catch (IOException e) {
      return AddonResult.before(
          Outcome.TOKEN_FAILED,
          "connection_failed",
          "The integrator's token endpoint did not answer (" + e.getClass().getSimpleName() + ").");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return AddonResult.before(Outcome.TOKEN_FAILED, "connection_failed", "Interrupted.");
    }

    String accessToken = token.string("access_token").filter(s -> !s.isEmpty()).orElse(null);
    String refreshToken = token.string("refresh_token").filter(s -> !s.isEmpty()).orElse(null);
    Long expiresIn = token.number("expires_in").orElse(null);
    String tokenType = token.string("token_type").orElse(null);
    String scope = token.string("scope").orElse(null);

    if (token.status() != 200 || accessToken == null) {
      String error =
          token.error().orElse(token.status() == 200 ? "invalid_token_response" : "http_error");
      String description =
          token
              .string("error_description")
              .orElse(
                  token.status() == 200
                      ? "The token response has no access_token."
                      : "The token endpoint answered HTTP " + token.status() + ".");
      return new AddonResult(
          Outcome.TOKEN_FAILED,
          error,
          description,
          token.status(),
          accessToken != null,
          refreshToken != null,
          expiresIn != null,
          expiresIn,
          tokenType,
          scope,
          0,
          null,
          null);
    }
    integratorTokens = new TokenPair(accessToken, refreshToken, expiresIn);

    if (settings.apiUrl() == null) {
      return new AddonResult(
          Outcome.AUTHORIZED,
          null,
          null,
          token.status(),
          true,
          refreshToken != null,
          expiresIn != null,
          expiresIn,
          tokenType,
          scope,
          0,
          null,
          null);
    }
    int apiStatus = 0;
    String apiBody = null;
    String allowOrigin = null;
    String error = null;
    String description = null;
    try {
      HttpResponse<String> api = getIntegratorApi(accessToken);
      apiStatus = api.statusCode();
      apiBody = api.body();
      allowOrigin = api.headers().firstValue("Access-Control-Allow-Origin").orElse(null);
      if (apiStatus / 100 != 2) {
        error = "api_failed";
        description = "The integrator's API answered HTTP " + apiStatus + ".";
      }
    } catch (IOException e) {
      error = "connection_failed";
      description = "The integrator's API did not answer (" + e.getClass().getSimpleName() + ").";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = "connection_failed";
      description = "Interrupted.";
    }
    return new AddonResult(
        error == null ? Outcome.AUTHORIZED : Outcome.API_FAILED,
        error,
        description,
        token.status(),
        true,
        refreshToken != null,
        expiresIn != null,
        expiresIn,
        tokenType,
        scope,
        apiStatus,
        apiBody,
        allowOrigin);
  }

  // ---- calls to the integrator, also used by tests ---------------------------------------

  /** What PCO's refresher does: a refresh grant with the last refresh token, kept if rotated. */
  IntegratorResponse refreshIntegratorToken() throws IOException, InterruptedException {
    TokenPair current = integratorTokens;
    if (current == null || current.refreshToken() == null) {
      throw new IllegalStateException(
          "no integrator refresh token yet: authorize the add-on first");
    }
    if (settings.tokenUrl() == null) {
      throw new IllegalStateException("the simulator has no tokenUrl setting");
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", current.refreshToken());
    IntegratorResponse response = postToIntegratorToken(form);
    String accessToken = response.string("access_token").filter(s -> !s.isEmpty()).orElse(null);
    if (response.status() == 200 && accessToken != null) {
      String refreshToken =
          response.string("refresh_token").filter(s -> !s.isEmpty()).orElse(current.refreshToken());
      integratorTokens =
          new TokenPair(accessToken, refreshToken, response.number("expires_in").orElse(null));
    }
    return response;
  }

  /** Calls the integrator's API with the current integrator access token. */
  IntegratorResponse callIntegratorApi() throws IOException, InterruptedException {
    TokenPair current = integratorTokens;
    if (current == null) {
      throw new IllegalStateException("no integrator access token yet: authorize the add-on first");
    }
    if (settings.apiUrl() == null) {
      throw new IllegalStateException("the simulator has no apiUrl setting");
    }
    HttpResponse<String> response = getIntegratorApi(current.accessToken());
    return new IntegratorResponse(response.statusCode(), response.body(), parse(response.body()));
  }

  private IntegratorResponse postToIntegratorToken(Map<String, String> form)
      throws IOException, InterruptedException {
    Map<String, String> body = new LinkedHashMap<>(form);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(settings.tokenUrl()))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json");
    if (settings.integratorClientAuth() == ClientAuthentication.BASIC) {
      request.header(
          "Authorization",
          Exchanges.basicAuthorization(
              settings.integratorClientId(), settings.integratorClientSecret()));
    } else {
      body.put("client_id", settings.integratorClientId());
      body.put("client_secret", settings.integratorClientSecret());
    }
    request.POST(HttpRequest.BodyPublishers.ofString(Exchanges.formEncode(body)));
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new IntegratorResponse(response.statusCode(), response.body(), parse(response.body()));
  }

  private HttpResponse<String> getIntegratorApi(String accessToken)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(settings.apiUrl()))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + accessToken)
            .header("Origin", apiOrigin())
            .header("Accept", "application/json")
            .GET()
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  String apiOrigin() {
    return settings.apiOrigin() != null ? settings.apiOrigin() : baseUrl.get();
  }

  private static Map<String, Object> parse(String body) {
    try {
      return TestJson.object(body);
    } catch (IllegalArgumentException notAnObject) {
      return Map.of();
    }
  }

  // ---- pages ------------------------------------------------------------------------------

  private String resultPage(AddonResult result) {
    StringBuilder body = new StringBuilder();
    String outcome = Html.escape(result.outcome().name());
    switch (result.outcome()) {
      case AUTHORIZED -> {
        body.append("<h1 id=\"outcome\" data-outcome=\"")
            .append(outcome)
            .append("\">Add-on authorized</h1>\n")
            .append("<p>Planning Center obtained a token from ")
            .append(Html.escape(settings.applicationName()))
            .append(" (token endpoint: HTTP <span id=\"token-status\">")
            .append(result.tokenStatus())
            .append("</span>; expires_in: <span id=\"expires-in\">")
            .append(result.expiresIn() == null ? "absent" : result.expiresIn())
            .append("</span>; refresh token: <span id=\"refresh-token-present\">")
            .append(result.refreshTokenPresent() ? "yes" : "no")
            .append("</span>).</p>\n");
        if (result.apiStatus() != 0) {
          body.append("<p>The add-on called <code>")
              .append(Html.escape(settings.apiUrl()))
              .append("</code>: HTTP <span id=\"api-status\">")
              .append(result.apiStatus())
              .append("</span></p>\n<pre id=\"api-result\">")
              .append(Html.escape(result.apiBody()))
              .append("</pre>\n");
        } else {
          body.append("<p>No integrator API URL is configured.</p>\n");
        }
      }
      case DECLINED ->
          body.append("<h1 id=\"outcome\" data-outcome=\"")
              .append(outcome)
              .append("\">You declined to authorize the add-on</h1>\n")
              .append("<p>")
              .append(Html.escape(settings.applicationName()))
              .append(" answered <code id=\"error-code\">access_denied</code>.")
              .append(" The add-on was not connected.</p>\n");
      default -> {
        int status = result.apiStatus() != 0 ? result.apiStatus() : result.tokenStatus();
        body.append("<h1 id=\"outcome\" data-outcome=\"")
            .append(outcome)
            .append("\">Authorization failed</h1>\n")
            .append("<p class=\"error\">")
            .append(status == 0 ? "" : "HTTP <span id=\"status\">" + status + "</span>, error ")
            .append("<code id=\"error-code\">")
            .append(Html.escape(result.error()))
            .append("</code></p>\n");
        if (result.errorDescription() != null) {
          body.append("<p id=\"error-description\">")
              .append(Html.escape(result.errorDescription()))
              .append("</p>\n");
        }
        if (result.apiBody() != null) {
          body.append("<pre id=\"api-result\">")
              .append(Html.escape(result.apiBody()))
              .append("</pre>\n");
        }
      }
    }
    body.append("<p><a href=\"/\">Back to the add-on</a></p>");
    return Html.page("Add-on authorization", body.toString());
  }

  private static String notConfiguredPage(String setting) {
    return Html.page(
        "Simulator not configured",
        "<h1>Simulator not configured</h1>\n<p class=\"error\">The PCO simulator has no <code>"
            + Html.escape(setting)
            + "</code> setting.</p>");
  }
}
