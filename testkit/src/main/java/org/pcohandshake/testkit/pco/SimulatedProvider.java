package org.pcohandshake.testkit.pco;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.pcohandshake.testkit.pco.Exchanges.ClientCredentials;
import org.pcohandshake.testkit.pco.Exchanges.Params;

/**
 * PCO as an OAuth provider (Doorkeeper-like): {@code /oauth/authorize}, {@code /oauth/token},
 * {@code /oauth/revoke}, {@code /people/v2/me} and {@code /people/v2} (the organization).
 */
final class SimulatedProvider {
  static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
  static final String DEFAULT_SCOPE = "people";

  // Doorkeeper's error descriptions, which PCO's token endpoint answers with
  static final String INVALID_CLIENT_DESCRIPTION =
      "Client authentication failed due to unknown client, no client authentication included,"
          + " or unsupported authentication method.";
  static final String INVALID_GRANT_DESCRIPTION =
      "The provided authorization grant is invalid, expired, revoked, does not match the"
          + " redirection URI used in the authorization request, or was issued to another client.";
  static final String INVALID_REQUEST_DESCRIPTION =
      "The request is missing a required parameter, includes an unsupported parameter value, or"
          + " is otherwise malformed.";
  static final String UNSUPPORTED_GRANT_DESCRIPTION =
      "The authorization grant type is not supported by the authorization server.";
  static final String ACCESS_DENIED_DESCRIPTION =
      "The resource owner or authorization server denied the request.";
  static final String INVALID_REDIRECT_DESCRIPTION =
      "The requested redirect uri is malformed or doesn't match client redirect URI.";

  private final PcoSimulator.Settings settings;
  private final Supplier<String> baseUrl;
  private final Counters counters;
  private final FaultQueue tokenFaults;
  private final FaultQueue meFaults;

  private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();
  private final Map<String, Grant> byAccessToken = new ConcurrentHashMap<>();
  private final Map<String, Grant> byRefreshToken = new ConcurrentHashMap<>();

  private record PendingCode(
      String clientId, String redirectUri, String scope, Instant expiresAt) {}

  /** One token pair (Doorkeeper keeps access and refresh token in one row). */
  private static final class Grant {
    final String clientId;
    final String accessToken;
    final String refreshToken;
    final String scope;
    final Instant createdAt;
    volatile Instant expiresAt;
    volatile boolean revoked;

    Grant(String clientId, String scope, Duration lifetime) {
      this.clientId = clientId;
      this.scope = scope;
      this.accessToken = Exchanges.randomHex(32);
      this.refreshToken = Exchanges.randomHex(32);
      this.createdAt = Instant.now();
      this.expiresAt = createdAt.plus(lifetime);
    }

    boolean accessTokenUsable() {
      return !revoked && Instant.now().isBefore(expiresAt);
    }
  }

  SimulatedProvider(
      PcoSimulator.Settings settings,
      Supplier<String> baseUrl,
      Counters counters,
      FaultQueue tokenFaults,
      FaultQueue meFaults) {
    this.settings = settings;
    this.baseUrl = baseUrl;
    this.counters = counters;
    this.tokenFaults = tokenFaults;
    this.meFaults = meFaults;
  }

  // ---- test controls ---------------------------------------------------------------------

  TokenPair issueTokens(String scope) {
    Grant grant = newGrant(settings.pcoClientId(), scope);
    return new TokenPair(
        grant.accessToken, grant.refreshToken, settings.accessTokenLifetime().toSeconds());
  }

  void expireAccessTokens() {
    Instant past = Instant.now().minusSeconds(1);
    byAccessToken.values().forEach(grant -> grant.expiresAt = past);
  }

  void revokeAllTokens() {
    byAccessToken.values().forEach(grant -> grant.revoked = true);
    byRefreshToken.values().forEach(grant -> grant.revoked = true);
    byRefreshToken.clear();
  }

  boolean revokeToken(String token) {
    Grant grant = byAccessToken.get(token);
    if (grant == null) {
      grant = byRefreshToken.get(token);
    }
    if (grant == null) {
      return false;
    }
    grant.revoked = true;
    byRefreshToken.remove(grant.refreshToken, grant);
    return true;
  }

  // ---- GET and POST /oauth/authorize ------------------------------------------------------

  private record AuthorizeRequest(
      String clientId, String redirectUri, String scope, String state) {}

  void authorize(HttpExchange exchange) throws IOException {
    boolean post = "POST".equals(exchange.getRequestMethod());
    Params params = post ? Exchanges.bodyParams(exchange) : Exchanges.query(exchange);
    AuthorizeRequest request = validateAuthorize(exchange, params);
    if (request == null) {
      return;
    }
    if (post) {
      String decision = params.first("decision");
      if ("allow".equals(decision)) {
        redirectWithCode(exchange, request);
      } else {
        redirectWithError(exchange, request, "access_denied", ACCESS_DENIED_DESCRIPTION);
      }
      return;
    }
    if (settings.autoApprove()) {
      redirectWithCode(exchange, request);
      return;
    }
    Exchanges.sendHtml(exchange, 200, consentPage(request));
  }

  /** Validates an authorization request; on failure sends the error and returns null. */
  private AuthorizeRequest validateAuthorize(HttpExchange exchange, Params params)
      throws IOException {
    String clientId = params.first("client_id");
    String redirectUri = params.first("redirect_uri");
    if (!settings.pcoClientId().equals(clientId)) {
      Exchanges.sendHtml(
          exchange, 401, errorPage("invalid_client", INVALID_CLIENT_DESCRIPTION, clientId));
      return null;
    }
    if (redirectUri == null || !redirectUri.equals(settings.redirectUrl())) {
      Exchanges.sendHtml(
          exchange, 400, errorPage("invalid_redirect_uri", INVALID_REDIRECT_DESCRIPTION, null));
      return null;
    }
    String scope = params.nonEmpty("scope");
    AuthorizeRequest request =
        new AuthorizeRequest(
            clientId, redirectUri, scope == null ? DEFAULT_SCOPE : scope, params.first("state"));
    if (params.hasRepeatedNames()) {
      redirectWithError(exchange, request, "invalid_request", INVALID_REQUEST_DESCRIPTION);
      return null;
    }
    if (!"code".equals(params.first("response_type"))) {
      redirectWithError(
          exchange,
          request,
          "unsupported_response_type",
          "The authorization server does not support this response type.");
      return null;
    }
    return request;
  }

  private void redirectWithCode(HttpExchange exchange, AuthorizeRequest request)
      throws IOException {
    String code = Exchanges.randomHex(32);
    codes.put(
        code,
        new PendingCode(
            request.clientId(),
            request.redirectUri(),
            request.scope(),
            Instant.now().plus(CODE_LIFETIME)));
    Map<String, String> params = new LinkedHashMap<>();
    params.put("code", code);
    params.put("state", request.state());
    Exchanges.redirect(exchange, Exchanges.withQuery(request.redirectUri(), params));
  }

  private static void redirectWithError(
      HttpExchange exchange, AuthorizeRequest request, String error, String description)
      throws IOException {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("error", error);
    params.put("error_description", description);
    params.put("state", request.state());
    Exchanges.redirect(exchange, Exchanges.withQuery(request.redirectUri(), params));
  }

  private String consentPage(AuthorizeRequest request) {
    String app = settings.applicationName();
    String body =
        "<h1>Allow "
            + Html.escape(app)
            + " to access your Planning Center account?</h1>\n"
            + "<p>Signed in as <strong id=\"person-name\">"
            + Html.escape(settings.person().name())
            + "</strong> of <strong id=\"organization-name\">"
            + Html.escape(settings.organization().name())
            + "</strong>.</p>\n"
            + "<p>"
            + Html.escape(app)
            + " asks for: <code id=\"scope\">"
            + Html.escape(request.scope())
            + "</code></p>\n"
            + "<form method=\"post\" action=\"/oauth/authorize\">\n"
            + Html.hidden("client_id", request.clientId())
            + "\n"
            + Html.hidden("redirect_uri", request.redirectUri())
            + "\n"
            + Html.hidden("response_type", "code")
            + "\n"
            + Html.hidden("scope", request.scope())
            + "\n"
            + (request.state() == null ? "" : Html.hidden("state", request.state()) + "\n")
            + "<button type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">Allow</button>\n"
            + "<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button>\n"
            + "</form>";
    return Html.page("Authorize " + app, body);
  }

  private static String errorPage(String error, String description, String clientId) {
    String body =
        "<h1>An error has occurred</h1>\n<p class=\"error\"><code id=\"error-code\">"
            + Html.escape(error)
            + "</code>: "
            + Html.escape(description)
            + "</p>"
            + (clientId == null
                ? ""
                : "\n<p>Client id: <code>" + Html.escape(clientId) + "</code></p>");
    return Html.page("Authorization error", body);
  }

  // ---- POST /oauth/token ------------------------------------------------------------------

  void token(HttpExchange exchange) throws IOException {
    counters.tokenCalls.incrementAndGet();
    Params params = Exchanges.bodyParams(exchange);
    String grantType = params.first("grant_type");
    if ("authorization_code".equals(grantType)) {
      counters.authorizationCodeCalls.incrementAndGet();
    } else if ("refresh_token".equals(grantType)) {
      counters.refreshCalls.incrementAndGet();
    }
    if (tokenFaults.applyNext(
        exchange, FaultQueue.json(400, oauthError("invalid_grant", INVALID_GRANT_DESCRIPTION)))) {
      return;
    }
    ClientCredentials client = authenticate(exchange, params);
    if (client == null) {
      return;
    }
    if (params.hasRepeatedNames()) {
      sendOauthError(exchange, 400, "invalid_request", INVALID_REQUEST_DESCRIPTION);
      return;
    }
    if (grantType == null) {
      sendOauthError(exchange, 400, "invalid_request", INVALID_REQUEST_DESCRIPTION);
    } else if (grantType.equals("authorization_code")) {
      exchangeCode(exchange, client, params);
    } else if (grantType.equals("refresh_token")) {
      refresh(exchange, client, params);
    } else {
      sendOauthError(exchange, 400, "unsupported_grant_type", UNSUPPORTED_GRANT_DESCRIPTION);
    }
  }

  private void exchangeCode(HttpExchange exchange, ClientCredentials client, Params params)
      throws IOException {
    String code = params.first("code");
    String redirectUri = params.first("redirect_uri");
    if (code == null || redirectUri == null) {
      sendOauthError(exchange, 400, "invalid_request", INVALID_REQUEST_DESCRIPTION);
      return;
    }
    // removed on first presentation: a code is single use even when this attempt fails
    PendingCode pending = codes.remove(code);
    if (pending == null
        || Instant.now().isAfter(pending.expiresAt())
        || !pending.clientId().equals(client.clientId())
        || !pending.redirectUri().equals(redirectUri)) {
      sendOauthError(exchange, 400, "invalid_grant", INVALID_GRANT_DESCRIPTION);
      return;
    }
    sendTokens(exchange, newGrant(client.clientId(), pending.scope()));
  }

  private void refresh(HttpExchange exchange, ClientCredentials client, Params params)
      throws IOException {
    String refreshToken = params.first("refresh_token");
    if (refreshToken == null) {
      sendOauthError(exchange, 400, "invalid_request", INVALID_REQUEST_DESCRIPTION);
      return;
    }
    Grant old = byRefreshToken.get(refreshToken);
    if (old == null
        || old.revoked
        || !old.clientId.equals(client.clientId())
        || !byRefreshToken.remove(refreshToken, old)) {
      sendOauthError(exchange, 400, "invalid_grant", INVALID_GRANT_DESCRIPTION);
      return;
    }
    // rotation: the old refresh token is gone; its access token lives until it expires
    sendTokens(exchange, newGrant(client.clientId(), old.scope));
  }

  private Grant newGrant(String clientId, String scope) {
    Grant grant = new Grant(clientId, scope, settings.accessTokenLifetime());
    byAccessToken.put(grant.accessToken, grant);
    byRefreshToken.put(grant.refreshToken, grant);
    return grant;
  }

  private void sendTokens(HttpExchange exchange, Grant grant) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("access_token", grant.accessToken);
    json.put("token_type", "bearer");
    json.put("expires_in", settings.accessTokenLifetime().toSeconds());
    json.put("refresh_token", grant.refreshToken);
    json.put("scope", grant.scope);
    json.put("created_at", grant.createdAt.getEpochSecond());
    Exchanges.sendJson(exchange, 200, json);
  }

  /** Authenticates the client; on failure sends 401 {@code invalid_client} and returns null. */
  private ClientCredentials authenticate(HttpExchange exchange, Params params) throws IOException {
    ClientCredentials client = Exchanges.clientCredentials(exchange, params).orElse(null);
    if (client == null
        || !settings.pcoClientId().equals(client.clientId())
        || !Exchanges.constantTimeEquals(settings.pcoClientSecret(), client.clientSecret())) {
      Exchanges.sendJson(
          exchange,
          401,
          oauthError("invalid_client", INVALID_CLIENT_DESCRIPTION),
          Map.of("WWW-Authenticate", "Basic realm=\"Doorkeeper\""));
      return null;
    }
    return client;
  }

  static Map<String, Object> oauthError(String error, String description) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("error", error);
    json.put("error_description", description);
    return json;
  }

  private static void sendOauthError(
      HttpExchange exchange, int status, String error, String description) throws IOException {
    Exchanges.sendJson(exchange, status, oauthError(error, description));
  }

  // ---- POST /oauth/revoke -----------------------------------------------------------------

  void revoke(HttpExchange exchange) throws IOException {
    counters.revokeCalls.incrementAndGet();
    Params params = Exchanges.bodyParams(exchange);
    ClientCredentials client = authenticate(exchange, params);
    if (client == null) {
      return;
    }
    String token = params.first("token");
    if (token == null) {
      sendOauthError(exchange, 400, "invalid_request", INVALID_REQUEST_DESCRIPTION);
      return;
    }
    Grant grant = byAccessToken.get(token);
    if (grant == null) {
      grant = byRefreshToken.get(token);
    }
    // RFC 7009: unknown tokens and tokens of other clients answer 200 all the same
    if (grant != null && grant.clientId.equals(client.clientId())) {
      grant.revoked = true;
      byRefreshToken.remove(grant.refreshToken, grant);
    }
    Exchanges.sendJson(exchange, 200, Map.of());
  }

  // ---- GET /people/v2/me ------------------------------------------------------------------

  void me(HttpExchange exchange) throws IOException {
    counters.meCalls.incrementAndGet();
    if (meFaults.applyNext(exchange, FaultQueue.json(401, unauthorized()))) {
      return;
    }
    String token = Exchanges.bearerToken(exchange);
    Grant grant = token == null ? null : byAccessToken.get(token);
    if (grant == null || !grant.accessTokenUsable()) {
      Exchanges.sendJson(exchange, 401, unauthorized());
      return;
    }
    Exchanges.sendJson(exchange, 200, meDocument(grant));
  }

  // ---- GET /people/v2 (the organization) --------------------------------------------------

  void organization(HttpExchange exchange) throws IOException {
    counters.organizationCalls.incrementAndGet();
    String token = Exchanges.bearerToken(exchange);
    Grant grant = token == null ? null : byAccessToken.get(token);
    if (grant == null || !grant.accessTokenUsable()) {
      Exchanges.sendJson(exchange, 401, unauthorized());
      return;
    }
    SimulatedOrganization organization = settings.organization();
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("name", organization.name());
    attributes.put("country_code", "US");
    attributes.put("date_format", "%m/%d/%Y");
    attributes.put("time_zone", "America/Chicago");
    attributes.put("contact_website", null);
    attributes.put("created_at", grant.createdAt.minus(Duration.ofDays(2000)).toString());
    attributes.put("avatar_url", null);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("type", "Organization");
    data.put("id", organization.id());
    data.put("attributes", attributes);
    data.put("links", Map.of("self", baseUrl.get() + "/people/v2"));
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("data", data);
    document.put("included", new ArrayList<>());
    document.put("meta", Map.of());
    Exchanges.sendJson(exchange, 200, document);
  }

  private static Map<String, Object> unauthorized() {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("status", "401");
    error.put("title", "Unauthorized");
    error.put("detail", "The access token is missing, invalid, expired or revoked.");
    return Map.of("errors", List.of(error));
  }

  private Map<String, Object> meDocument(Grant grant) {
    SimulatedPerson person = settings.person();
    SimulatedOrganization organization = settings.organization();
    String created = grant.createdAt.minus(Duration.ofDays(400)).toString();

    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("avatar", baseUrl.get() + "/static/no_photo_thumbnail_gray.svg");
    attributes.put("child", false);
    attributes.put("created_at", created);
    attributes.put("first_name", person.firstName());
    attributes.put("last_name", person.lastName());
    attributes.put("name", person.name());
    attributes.put("passed_background_check", false);
    attributes.put("people_permissions", "Editor");
    attributes.put("site_administrator", true);
    attributes.put("status", "active");
    attributes.put("updated_at", created);

    Map<String, Object> primaryCampus = new LinkedHashMap<>();
    primaryCampus.put("data", null);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("type", "Person");
    data.put("id", person.id());
    data.put("attributes", attributes);
    data.put("relationships", Map.of("primary_campus", primaryCampus));
    data.put("links", Map.of("self", baseUrl.get() + "/people/v2/people/" + person.id()));

    Map<String, Object> parent = new LinkedHashMap<>();
    parent.put("id", organization.id());
    parent.put("type", "Organization");
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("can_include", List.of("addresses", "emails", "phone_numbers", "primary_campus"));
    meta.put("parent", parent);

    Map<String, Object> document = new LinkedHashMap<>();
    document.put("data", data);
    document.put("included", new ArrayList<>());
    document.put("meta", meta);
    return document;
  }
}
