package org.pcohandshake.testkit.pco;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A Planning Center simulator over real HTTP on 127.0.0.1, for tests and the local stack. It plays
 * both of PCO's roles in the add-on handshake:
 *
 * <ul>
 *   <li>PCO as OAuth provider to the integrator: {@code GET|POST /oauth/authorize}, {@code POST
 *       /oauth/token} (code and rotating refresh grants), {@code POST /oauth/revoke}, {@code GET
 *       /people/v2/me}, {@code GET /people/v2} (the organization, with its name);
 *   <li>PCO as add-on host and OAuth client of the integrator: {@code GET /} (a page with an
 *       "Authorize add-on" button), {@code GET /addons/start}, {@code GET
 *       /addons/authorizations/{id}/advance} (step 3) and {@code GET /addons/authorizations/{id}}
 *       (step 5, which calls the integrator's token endpoint and example API server to server).
 * </ul>
 *
 * <p>Tokens, codes and secrets are never logged and never appear in {@code toString()} of the
 * values this class returns.
 */
public final class PcoSimulator implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PcoSimulator.class.getName());

  /**
   * How the simulator is set up. Start from {@link #defaults()} and change it with the {@code
   * withX} methods (the one way to configure the simulator). The integrator URLs may be null; an
   * endpoint that needs a missing one answers with an error page that names it.
   *
   * @param port TCP port on 127.0.0.1; 0 picks a free one
   * @param pcoClientId client id of the integrator's OAuth application at PCO
   * @param pcoClientSecret client secret of that application
   * @param oauthApplicationId that application's integer id (the number in PCO's edit page URL)
   * @param applicationName that application's name, shown on the consent page
   * @param redirectUrl the integrator's step-2 URL ({@code GET /oauth/pco/complete}); the only
   *     {@code redirect_uri} the simulated PCO accepts
   * @param authorizeUrl the integrator's {@code GET /oauth/authorize} (config.yaml {@code
   *     authorize_url})
   * @param tokenUrl the integrator's {@code POST /oauth/token} (config.yaml {@code token_url})
   * @param apiUrl the integrator's example API (e.g. {@code /api/me}) that the add-on calls after
   *     the handshake, or null to skip that call
   * @param integratorClientId config.yaml {@code identifier}
   * @param integratorClientSecret config.yaml {@code secret}
   * @param integratorClientAuth how the simulated PCO authenticates at the integrator's token
   *     endpoint
   * @param integratorScopes config.yaml {@code integrator_oauth.scopes}; empty sends no {@code
   *     scope}
   * @param apiOrigin the {@code Origin} header sent to the integrator's API; null means {@link
   *     #baseUrl()}
   * @param person the signed-in PCO person
   * @param organization that person's organization
   * @param accessTokenLifetime lifetime of PCO access tokens ({@code expires_in})
   * @param autoApprove {@code GET /oauth/authorize} redirects at once with a code, without a
   *     consent page
   */
  public record Settings(
      int port,
      String pcoClientId,
      String pcoClientSecret,
      String oauthApplicationId,
      String applicationName,
      String redirectUrl,
      String authorizeUrl,
      String tokenUrl,
      String apiUrl,
      String integratorClientId,
      String integratorClientSecret,
      ClientAuthentication integratorClientAuth,
      List<String> integratorScopes,
      String apiOrigin,
      SimulatedPerson person,
      SimulatedOrganization organization,
      Duration accessTokenLifetime,
      boolean autoApprove) {

    public Settings {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      Objects.requireNonNull(pcoClientId, "pcoClientId");
      Objects.requireNonNull(pcoClientSecret, "pcoClientSecret");
      Objects.requireNonNull(oauthApplicationId, "oauthApplicationId");
      if (!oauthApplicationId.matches("[0-9]{1,18}")) {
        throw new IllegalArgumentException("oauthApplicationId must be an integer string");
      }
      Objects.requireNonNull(applicationName, "applicationName");
      requireAbsoluteUrl("redirectUrl", redirectUrl);
      requireAbsoluteUrl("authorizeUrl", authorizeUrl);
      requireAbsoluteUrl("tokenUrl", tokenUrl);
      requireAbsoluteUrl("apiUrl", apiUrl);
      requireAbsoluteUrl("apiOrigin", apiOrigin);
      Objects.requireNonNull(integratorClientId, "integratorClientId");
      Objects.requireNonNull(integratorClientSecret, "integratorClientSecret");
      Objects.requireNonNull(integratorClientAuth, "integratorClientAuth");
      integratorScopes = List.copyOf(integratorScopes);
      Objects.requireNonNull(person, "person");
      Objects.requireNonNull(organization, "organization");
      if (accessTokenLifetime.toSeconds() < 1) {
        throw new IllegalArgumentException("accessTokenLifetime must be at least one second");
      }
    }

    /** Placeholder credentials, application 4242, no integrator URLs, a 7200 s token lifetime. */
    public static Settings defaults() {
      return new Settings(
          0,
          "pco-sim-client-id",
          "pco-sim-client-secret",
          "4242",
          "Example Integrator",
          null,
          null,
          null,
          null,
          "integrator-client-id",
          "integrator-client-secret",
          ClientAuthentication.BASIC,
          List.of(),
          null,
          new SimulatedPerson("1001", "Pat", "Example"),
          new SimulatedOrganization("2002", "Example Church"),
          Duration.ofSeconds(7200),
          false);
    }

    /**
     * Sets all four integrator URLs from its base URL with the project's paths: {@code
     * /oauth/pco/complete}, {@code /oauth/authorize}, {@code /oauth/token} and {@code /api/me}.
     */
    public Settings withIntegratorBaseUrl(String integratorBaseUrl) {
      String base =
          integratorBaseUrl.endsWith("/")
              ? integratorBaseUrl.substring(0, integratorBaseUrl.length() - 1)
              : integratorBaseUrl;
      return withRedirectUrl(base + "/oauth/pco/complete")
          .withAuthorizeUrl(base + "/oauth/authorize")
          .withTokenUrl(base + "/oauth/token")
          .withApiUrl(base + "/api/me");
    }

    /** Sets the PCO client id and secret (the integrator's OAuth application at PCO). */
    public Settings withPcoClient(String clientId, String clientSecret) {
      return with(
          b -> {
            b.pcoClientId = clientId;
            b.pcoClientSecret = clientSecret;
          });
    }

    /** Sets config.yaml's {@code identifier} and {@code secret}. */
    public Settings withIntegratorClient(String clientId, String clientSecret) {
      return with(
          b -> {
            b.integratorClientId = clientId;
            b.integratorClientSecret = clientSecret;
          });
    }

    /** Sets the simulated person. */
    public Settings withPerson(String id, String firstName, String lastName) {
      return with(b -> b.person = new SimulatedPerson(id, firstName, lastName));
    }

    /** Sets the simulated organization. */
    public Settings withOrganization(String id, String name) {
      return with(b -> b.organization = new SimulatedOrganization(id, name));
    }

    public Settings withPort(int value) {
      return with(b -> b.port = value);
    }

    public Settings withOauthApplicationId(String value) {
      return with(b -> b.oauthApplicationId = value);
    }

    public Settings withApplicationName(String value) {
      return with(b -> b.applicationName = value);
    }

    public Settings withRedirectUrl(String value) {
      return with(b -> b.redirectUrl = value);
    }

    public Settings withAuthorizeUrl(String value) {
      return with(b -> b.authorizeUrl = value);
    }

    public Settings withTokenUrl(String value) {
      return with(b -> b.tokenUrl = value);
    }

    public Settings withApiUrl(String value) {
      return with(b -> b.apiUrl = value);
    }

    public Settings withIntegratorClientAuth(ClientAuthentication value) {
      return with(b -> b.integratorClientAuth = value);
    }

    public Settings withIntegratorScopes(List<String> value) {
      return with(b -> b.integratorScopes = value);
    }

    public Settings withApiOrigin(String value) {
      return with(b -> b.apiOrigin = value);
    }

    public Settings withAccessTokenLifetime(Duration value) {
      return with(b -> b.accessTokenLifetime = value);
    }

    public Settings withAutoApprove(boolean value) {
      return with(b -> b.autoApprove = value);
    }

    /** These settings with one field changed; the constructor validates the result. */
    private Settings with(Consumer<Copy> change) {
      Copy copy = new Copy(this);
      change.accept(copy);
      return copy.settings();
    }

    /** The fields of a {@link Settings}, mutable, for the {@code withX} methods. */
    private static final class Copy {
      int port;
      String pcoClientId;
      String pcoClientSecret;
      String oauthApplicationId;
      String applicationName;
      String redirectUrl;
      String authorizeUrl;
      String tokenUrl;
      String apiUrl;
      String integratorClientId;
      String integratorClientSecret;
      ClientAuthentication integratorClientAuth;
      List<String> integratorScopes;
      String apiOrigin;
      SimulatedPerson person;
      SimulatedOrganization organization;
      Duration accessTokenLifetime;
      boolean autoApprove;

      Copy(Settings from) {
        port = from.port;
        pcoClientId = from.pcoClientId;
        pcoClientSecret = from.pcoClientSecret;
        oauthApplicationId = from.oauthApplicationId;
        applicationName = from.applicationName;
        redirectUrl = from.redirectUrl;
        authorizeUrl = from.authorizeUrl;
        tokenUrl = from.tokenUrl;
        apiUrl = from.apiUrl;
        integratorClientId = from.integratorClientId;
        integratorClientSecret = from.integratorClientSecret;
        integratorClientAuth = from.integratorClientAuth;
        integratorScopes = from.integratorScopes;
        apiOrigin = from.apiOrigin;
        person = from.person;
        organization = from.organization;
        accessTokenLifetime = from.accessTokenLifetime;
        autoApprove = from.autoApprove;
      }

      Settings settings() {
        return new Settings(
            port,
            pcoClientId,
            pcoClientSecret,
            oauthApplicationId,
            applicationName,
            redirectUrl,
            authorizeUrl,
            tokenUrl,
            apiUrl,
            integratorClientId,
            integratorClientSecret,
            integratorClientAuth,
            integratorScopes,
            apiOrigin,
            person,
            organization,
            accessTokenLifetime,
            autoApprove);
      }
    }

    /** Shows everything but the two client secrets. */
    @Override
    public String toString() {
      return "Settings[port="
          + port
          + ", pcoClientId="
          + pcoClientId
          + ", pcoClientSecret=<redacted>"
          + ", oauthApplicationId="
          + oauthApplicationId
          + ", applicationName="
          + applicationName
          + ", redirectUrl="
          + redirectUrl
          + ", authorizeUrl="
          + authorizeUrl
          + ", tokenUrl="
          + tokenUrl
          + ", apiUrl="
          + apiUrl
          + ", integratorClientId="
          + integratorClientId
          + ", integratorClientSecret=<redacted>"
          + ", integratorClientAuth="
          + integratorClientAuth
          + ", integratorScopes="
          + integratorScopes
          + ", apiOrigin="
          + apiOrigin
          + ", person="
          + person
          + ", organization="
          + organization
          + ", accessTokenLifetime="
          + accessTokenLifetime
          + ", autoApprove="
          + autoApprove
          + "]";
    }

    private static void requireAbsoluteUrl(String name, String url) {
      if (url == null) {
        return;
      }
      try {
        URI uri = new URI(url);
        String scheme = uri.getScheme();
        if (uri.getHost() == null
            || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
          throw new IllegalArgumentException(name + " must be an absolute http(s) URL");
        }
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(name + " is not a valid URL", e);
      }
    }
  }

  private final Settings settings;
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient client;
  private final String baseUrl;
  private final Counters counters = new Counters();
  private final FaultQueue tokenFaults = new FaultQueue();
  private final FaultQueue meFaults = new FaultQueue();
  private final SimulatedProvider provider;
  private final SimulatedAddon addon;

  /** Binds 127.0.0.1 on {@code settings.port()} and starts serving. */
  public PcoSimulator(Settings settings) throws IOException {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getByName("127.0.0.1"), settings.port()), 0);
    this.baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(executor)
            .build();
    this.provider = new SimulatedProvider(settings, this::baseUrl, counters, tokenFaults, meFaults);
    this.addon = new SimulatedAddon(settings, this::baseUrl, counters, client);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Same as {@code new PcoSimulator(settings)}. */
  public static PcoSimulator start(Settings settings) throws IOException {
    return new PcoSimulator(settings);
  }

  /** {@code http://127.0.0.1:PORT}, no trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public Settings settings() {
    return settings;
  }

  /** The step-3 URL the integrator must redirect to at the end of step 2. */
  public String advanceUrl() {
    return baseUrl + "/addons/authorizations/" + settings.oauthApplicationId() + "/advance";
  }

  /** The step-5 URL: the {@code redirect_uri} the simulated PCO sends to the integrator. */
  public String addonRedirectUri() {
    return addon.callbackUrl();
  }

  /** PCO's authorize endpoint on this simulator. */
  public String authorizeEndpoint() {
    return baseUrl + "/oauth/authorize";
  }

  /** PCO's token endpoint on this simulator. */
  public String tokenEndpoint() {
    return baseUrl + "/oauth/token";
  }

  /** PCO's revocation endpoint on this simulator. */
  public String revokeEndpoint() {
    return baseUrl + "/oauth/revoke";
  }

  /** {@code /people/v2/me} on this simulator. */
  public String meEndpoint() {
    return baseUrl + "/people/v2/me";
  }

  // ---- fault injection -------------------------------------------------------------------

  /** The next {@code calls} calls of {@code POST /oauth/token} suffer {@code fault}. */
  public void failNextTokenCalls(int calls, Fault fault) {
    tokenFaults.add(calls, fault);
  }

  /** The next {@code calls} calls of {@code GET /people/v2/me} suffer {@code fault}. */
  public void failNextMeCalls(int calls, Fault fault) {
    meFaults.add(calls, fault);
  }

  /** Drops faults not yet applied. */
  public void clearFaults() {
    tokenFaults.clear();
    meFaults.clear();
  }

  // ---- tokens ------------------------------------------------------------------------------

  /** Mints a PCO token pair (scope {@code people}) as if the code exchange had happened. */
  public TokenPair issueTokens() {
    return provider.issueTokens(SimulatedProvider.DEFAULT_SCOPE);
  }

  /** Makes every access token issued so far expired: {@code /people/v2/me} answers 401. */
  public void expireAccessTokens() {
    provider.expireAccessTokens();
  }

  /** Revokes every token issued so far: refreshes answer {@code invalid_grant}, API calls 401. */
  public void revokeAllTokens() {
    provider.revokeAllTokens();
  }

  /** Revokes one access or refresh token (and its pair); false when unknown. */
  public boolean revokeToken(String token) {
    return provider.revokeToken(token);
  }

  // ---- counters ----------------------------------------------------------------------------

  /** Calls of {@code POST /oauth/token}, faulted ones included. */
  public AtomicInteger tokenCalls() {
    return counters.tokenCalls;
  }

  /** Token calls with {@code grant_type=refresh_token}. */
  public AtomicInteger refreshCalls() {
    return counters.refreshCalls;
  }

  /** Token calls with {@code grant_type=authorization_code}. */
  public AtomicInteger authorizationCodeCalls() {
    return counters.authorizationCodeCalls;
  }

  /** Calls of {@code GET /people/v2/me}, faulted ones included. */
  public AtomicInteger meCalls() {
    return counters.meCalls;
  }

  /** Calls of {@code GET /people/v2}, the organization. */
  public AtomicInteger organizationCalls() {
    return counters.organizationCalls;
  }

  /** Calls of {@code POST /oauth/revoke}. */
  public AtomicInteger revokeCalls() {
    return counters.revokeCalls;
  }

  /** Calls of {@code GET /addons/authorizations/{id}/advance} with the right id. */
  public AtomicInteger advanceCalls() {
    return counters.advanceCalls;
  }

  /** Calls of {@code GET /addons/authorizations/{id}} with the right id. */
  public AtomicInteger addonCallbackCalls() {
    return counters.addonCallbackCalls;
  }

  public void resetCounters() {
    counters.reset();
  }

  // ---- the add-on's side ----------------------------------------------------------------

  /** The outcome of the last add-on callback (step 5), or null before the first. */
  public AddonResult lastAddonResult() {
    return addon.lastResult();
  }

  /**
   * The integrator tokens PCO holds after the last successful callback or refresh, or null. Test
   * support: never log them.
   */
  public TokenPair integratorTokens() {
    return addon.integratorTokens();
  }

  /**
   * Refreshes the integrator token as PCO's refresher does: {@code grant_type=refresh_token} with
   * the last refresh token, client authentication per settings. On a 200 with an access token the
   * simulator keeps the new pair (the new refresh token when one came back).
   *
   * @throws IllegalStateException when no integrator refresh token is held yet
   */
  public IntegratorResponse refreshIntegratorToken() throws IOException, InterruptedException {
    return addon.refreshIntegratorToken();
  }

  /** Calls the integrator's API as {@code authenticatedIntegratorFetch} would (bearer, Origin). */
  public IntegratorResponse callIntegratorApi() throws IOException, InterruptedException {
    return addon.callIntegratorApi();
  }

  @Override
  public void close() {
    server.stop(0);
    client.close();
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "PcoSimulator[" + baseUrl + "]";
  }

  // ---- routing ---------------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    try {
      route(exchange, method, path);
    } catch (IOException | RuntimeException e) {
      // the path only: queries carry codes and states
      LOG.log(
          System.Logger.Level.WARNING,
          "PCO simulator: {0} {1} failed: {2}",
          method,
          path,
          e.getClass().getName());
      try {
        Exchanges.sendJson(
            exchange, 500, SimulatedProvider.oauthError("server_error", "The simulator failed."));
      } catch (IOException | RuntimeException alreadyAnswered) {
        exchange.close();
      }
    }
  }

  private void route(HttpExchange exchange, String method, String path) throws IOException {
    String authorizations = "/addons/authorizations/";
    switch (path) {
      case "/" -> {
        if (allow(exchange, method, "GET")) {
          addon.home(exchange);
        }
      }
      case "/addons/start" -> {
        if (allow(exchange, method, "GET")) {
          addon.start(exchange);
        }
      }
      case "/oauth/authorize" -> {
        if (allow(exchange, method, "GET", "POST")) {
          provider.authorize(exchange);
        }
      }
      case "/oauth/token" -> {
        if (allow(exchange, method, "POST")) {
          provider.token(exchange);
        }
      }
      case "/oauth/revoke" -> {
        if (allow(exchange, method, "POST")) {
          provider.revoke(exchange);
        }
      }
      case "/people/v2/me" -> {
        if (allow(exchange, method, "GET")) {
          provider.me(exchange);
        }
      }
      case "/people/v2" -> {
        if (allow(exchange, method, "GET")) {
          provider.organization(exchange);
        }
      }
      default -> {
        if (path.startsWith(authorizations)) {
          String rest = path.substring(authorizations.length());
          String id = settings.oauthApplicationId();
          if (rest.equals(id + "/advance")) {
            if (allow(exchange, method, "GET")) {
              addon.advance(exchange);
            }
            return;
          }
          if (rest.equals(id)) {
            if (allow(exchange, method, "GET")) {
              addon.callback(exchange);
            }
            return;
          }
        }
        notFound(exchange);
      }
    }
  }

  private static boolean allow(HttpExchange exchange, String method, String... allowed)
      throws IOException {
    for (String candidate : allowed) {
      if (candidate.equals(method)) {
        return true;
      }
    }
    exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
    Exchanges.sendHtml(
        exchange, 405, Html.page("Method not allowed", "<h1>Method not allowed</h1>"));
    return false;
  }

  private static void notFound(HttpExchange exchange) throws IOException {
    Exchanges.sendHtml(
        exchange,
        404,
        Html.page(
            "Not found",
            "<h1>Not found</h1>\n<p>The simulated Planning Center has no page here.</p>"));
  }
}
