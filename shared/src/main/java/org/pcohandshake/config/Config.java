package org.pcohandshake.config;

import static java.util.stream.Collectors.toMap;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.pcohandshake.grant.CustomClaims;
import org.pcohandshake.log.Log;

/**
 * The whole configuration of a function, read once from the environment.
 *
 * <p>Every variable has a name constant here and nowhere else, and only this class reads the
 * environment. The settings are grouped per feature ({@link Client}, {@link Login}, {@link
 * Signing}, {@link Tokens}, {@link Consent}, {@link Pco}, {@link Api}, {@link Aws}); a service
 * takes the records it needs. Values a function does not need may stay empty; a handler names the
 * ones it needs with {@link #require(String...)}, which fails fast at init and names every missing
 * variable. The settings whose requirements depend on another setting are sealed types built at the
 * init of the function that serves them: {@link #pcoTokenMode()} and {@link #loginKeySource()}.
 */
public record Config(
    String issuer,
    String tableName,
    Client client,
    Login login,
    Signing signing,
    Tokens tokens,
    Consent consent,
    Pco pco,
    Api api,
    Aws aws,
    Map<String, String> raw) {

  /** The integrator client PCO authenticates as at the token endpoint, and its redirect URIs. */
  public record Client(
      String id, String secretId, Duration previousSecretOverlap, List<String> extraRedirectUris) {
    public Client {
      extraRedirectUris = List.copyOf(extraRedirectUris);
    }
  }

  /**
   * How the integrator's users sign in ({@code mode}: the login bridge or OpenID Connect, whose
   * settings are {@link Config#loginMode()}), the login bridge's URL and token issuer (the key that
   * verifies its tokens is {@link Config#loginKeySource()}), and the session's lifetime.
   *
   * @param claims the login's claims copied into the grant and its access tokens ({@code
   *     LOGIN_CLAIMS}, checked by {@link CustomClaims#problems}), whichever mode verified them
   */
  public record Login(
      LoginMode.Kind mode,
      String url,
      String issuer,
      String jwksUrl,
      Duration sessionTtl,
      List<String> claims) {
    public Login {
      claims = List.copyOf(claims);
    }
  }

  /** The KMS keys and the one algorithm of this deployment's access tokens. */
  public record Signing(String keyId, List<String> previousKeyIds, AccessTokenAlgorithm algorithm) {
    public Signing {
      previousKeyIds = List.copyOf(previousKeyIds);
    }
  }

  /** The lifetimes of what the token and decision endpoints issue. */
  public record Tokens(
      Duration accessTtl, Duration refreshTtl, Duration refreshGrace, Duration codeTtl) {}

  /** What the consent page offers, and how long its form stays valid. */
  public record Consent(List<String> scopes, String appName, Duration ttl) {
    public Consent {
      scopes = List.copyOf(scopes);
    }
  }

  /**
   * Planning Center: its base URL, the add-on's OAuth application, the token mode (whose
   * credentials are {@link Config#pcoTokenMode()}), the link lifetime and the HTTP timeout.
   */
  public record Pco(
      String baseUrl,
      String oauthApplicationId,
      PcoTokenMode.Kind tokenMode,
      Duration linkTtl,
      Duration httpTimeout) {

    /** Where step 2 must send the browser: PCO's {@code /advance}. */
    public String advanceUrl() {
      return baseUrl + "/addons/authorizations/" + oauthApplicationId + "/advance";
    }
  }

  /** How a resource server verifies access tokens, and which browser origins may call it. */
  public record Api(
      String audience,
      String jwksUrl,
      Duration clockSkew,
      RevocationCheck revocationCheck,
      List<String> allowedOrigins) {
    public Api {
      allowedOrigins = List.copyOf(allowedOrigins);
    }
  }

  /** The AWS region, and the endpoint override of the local stack and the tests. */
  public record Aws(String region, String endpointUrl) {}

  public static final String ISSUER = "ISSUER";
  public static final String API_AUDIENCE = "API_AUDIENCE";
  public static final String TABLE_NAME = "TABLE_NAME";
  public static final String PCO_BASE_URL = "PCO_BASE_URL";
  public static final String PCO_OAUTH_APPLICATION_ID = "PCO_OAUTH_APPLICATION_ID";
  public static final String CLIENT_ID = "CLIENT_ID";
  public static final String CLIENT_SECRET_ID = "CLIENT_SECRET_ID";
  public static final String PREVIOUS_SECRET_OVERLAP_SECONDS = "PREVIOUS_SECRET_OVERLAP_SECONDS";
  public static final String LOGIN_URL = "LOGIN_URL";
  public static final String LOGIN_ISSUER = "LOGIN_ISSUER";
  public static final String LOGIN_JWKS_URL = "LOGIN_JWKS_URL";
  public static final String LOGIN_BRIDGE_KEY_SECRET_ID = "LOGIN_BRIDGE_KEY_SECRET_ID";
  public static final String LOGIN_CLAIMS = "LOGIN_CLAIMS";
  public static final String LOGIN_MODE = "LOGIN_MODE";
  public static final String OIDC_ISSUER = "OIDC_ISSUER";
  public static final String OIDC_CLIENT_ID = "OIDC_CLIENT_ID";
  public static final String OIDC_CLIENT_SECRET_ID = "OIDC_CLIENT_SECRET_ID";
  public static final String OIDC_SCOPES = "OIDC_SCOPES";
  public static final String OIDC_USER_CLAIM = "OIDC_USER_CLAIM";
  public static final String SIGNING_KEY_ID = "SIGNING_KEY_ID";
  public static final String ACCESS_TOKEN_ALGORITHM = "ACCESS_TOKEN_ALGORITHM";
  public static final String PCO_CLIENT_ID = "PCO_CLIENT_ID";
  public static final String PCO_CLIENT_SECRET_ID = "PCO_CLIENT_SECRET_ID";
  public static final String PCO_TOKEN_MODE = "PCO_TOKEN_MODE";
  public static final String PCO_TOKEN_KEY_ID = "PCO_TOKEN_KEY_ID";
  public static final String EXTRA_REDIRECT_URIS = "EXTRA_REDIRECT_URIS";
  public static final String SCOPES = "SCOPES";
  public static final String APP_NAME = "APP_NAME";
  public static final String ACCESS_TOKEN_TTL_SECONDS = "ACCESS_TOKEN_TTL_SECONDS";
  public static final String REFRESH_TOKEN_TTL_SECONDS = "REFRESH_TOKEN_TTL_SECONDS";
  public static final String REFRESH_GRACE_SECONDS = "REFRESH_GRACE_SECONDS";
  public static final String CODE_TTL_SECONDS = "CODE_TTL_SECONDS";
  public static final String SESSION_TTL_SECONDS = "SESSION_TTL_SECONDS";
  public static final String CONSENT_TTL_SECONDS = "CONSENT_TTL_SECONDS";
  public static final String PCO_LINK_TTL_SECONDS = "PCO_LINK_TTL_SECONDS";
  public static final String PCO_HTTP_TIMEOUT_MS = "PCO_HTTP_TIMEOUT_MS";
  public static final String PREVIOUS_SIGNING_KEY_IDS = "PREVIOUS_SIGNING_KEY_IDS";
  public static final String JWKS_URL = "JWKS_URL";
  public static final String CLOCK_SKEW_SECONDS = "CLOCK_SKEW_SECONDS";
  public static final String REVOCATION_CHECK = "REVOCATION_CHECK";
  public static final String ALLOWED_ORIGINS = "ALLOWED_ORIGINS";
  public static final String EVENT_BUS_NAME = "EVENT_BUS_NAME";
  public static final String PCO_KEEPALIVE_DAYS = "PCO_KEEPALIVE_DAYS";
  public static final String AWS_REGION = "AWS_REGION";
  public static final String AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL";

  public static final String DEFAULT_PCO_BASE_URL = "https://api.planningcenteronline.com";

  /** The scopes asked of the identity provider when {@code OIDC_SCOPES} is not set. */
  public static final String DEFAULT_OIDC_SCOPES = "openid profile email";

  /** Where the identity provider sends the browser back, relative to the issuer. */
  public static final String LOGIN_CALLBACK_PATH = "/oauth/login/callback";

  /** Where the JWKS is served, relative to the issuer. */
  public static final String JWKS_PATH = "/.well-known/jwks.json";

  /**
   * Planning Center's product origins, where {@code authenticatedIntegratorFetch} runs: every
   * single-label subdomain of planningcenteronline.com over HTTPS, and the bare domain.
   */
  public static final String DEFAULT_ALLOWED_ORIGINS =
      "https://*.planningcenteronline.com https://planningcenteronline.com";

  /**
   * The one JWS algorithm of this deployment's access tokens: the token function signs with it,
   * discovery advertises it, and every verifier accepts it and nothing else. The KMS signing key
   * must be of the matching kind ({@link #kmsKeySpec()}).
   */
  public enum AccessTokenAlgorithm {
    /** ECDSA P-256 with SHA-256 (the default): small, fast signatures. */
    ES256("ECC_NIST_P256"),
    /**
     * RSASSA-PKCS1-v1_5 with SHA-256: what API Gateway HTTP API JWT authorizers verify (they accept
     * only RSA signatures).
     */
    RS256("RSA_2048");

    private final String kmsKeySpec;

    AccessTokenAlgorithm(String kmsKeySpec) {
      this.kmsKeySpec = kmsKeySpec;
    }

    /** The {@code alg} of the JWS header, as JOSE names it. */
    public JWSAlgorithm jwsAlgorithm() {
      return JWSAlgorithm.parse(name());
    }

    /** The KMS key spec to create the signing key with. */
    public String kmsKeySpec() {
      return kmsKeySpec;
    }
  }

  /** How a resource server treats access tokens of a revoked grant. */
  public enum RevocationCheck {
    /** One read of the grant per request: a revoked grant's tokens stop at once (the default). */
    GRANT,
    /** Signature and claims only: a revoked grant's tokens work until they expire. */
    NONE
  }

  public Config {
    raw = Map.copyOf(raw);
  }

  /** Reads the configuration from an environment map; rejects malformed values by name. */
  public static Config fromEnvironment(Map<String, String> env) {
    String issuer = stripSlash(get(env, ISSUER, ""));
    List<String> problems = new ArrayList<>();
    Config config =
        new Config(
            issuer,
            get(env, TABLE_NAME, ""),
            new Client(
                get(env, CLIENT_ID, ""),
                get(env, CLIENT_SECRET_ID, ""),
                seconds(env, PREVIOUS_SECRET_OVERLAP_SECONDS, 86_400, 0, 7 * 86_400, problems),
                words(get(env, EXTRA_REDIRECT_URIS, ""))),
            new Login(
                loginMode(get(env, LOGIN_MODE, "bridge"), problems),
                get(env, LOGIN_URL, ""),
                get(env, LOGIN_ISSUER, ""),
                get(env, LOGIN_JWKS_URL, ""),
                seconds(env, SESSION_TTL_SECONDS, 3_600, 300, 86_400, problems),
                words(get(env, LOGIN_CLAIMS, ""))),
            new Signing(
                get(env, SIGNING_KEY_ID, ""),
                words(get(env, PREVIOUS_SIGNING_KEY_IDS, "")),
                accessTokenAlgorithm(get(env, ACCESS_TOKEN_ALGORITHM, "ES256"), problems)),
            new Tokens(
                seconds(env, ACCESS_TOKEN_TTL_SECONDS, 3_600, 60, 86_400, problems),
                seconds(
                    env, REFRESH_TOKEN_TTL_SECONDS, 90L * 86_400, 3_600, 400L * 86_400, problems),
                seconds(env, REFRESH_GRACE_SECONDS, 60, 0, 120, problems),
                seconds(env, CODE_TTL_SECONDS, 300, 60, 600, problems)),
            new Consent(
                words(get(env, SCOPES, "")),
                get(env, APP_NAME, "your account"),
                seconds(env, CONSENT_TTL_SECONDS, 900, 60, 3_600, problems)),
            new Pco(
                stripSlash(get(env, PCO_BASE_URL, DEFAULT_PCO_BASE_URL)),
                get(env, PCO_OAUTH_APPLICATION_ID, ""),
                mode(get(env, PCO_TOKEN_MODE, "identify"), problems),
                // from step 2 to the click on Allow: PCO's popup takes seconds, a sign-in a minute
                seconds(env, PCO_LINK_TTL_SECONDS, 120, 30, 600, problems),
                Duration.ofMillis(number(env, PCO_HTTP_TIMEOUT_MS, 4_000, 100, 10_000, problems))),
            new Api(
                get(env, API_AUDIENCE, issuer.isEmpty() ? "" : issuer + "/api"),
                get(env, JWKS_URL, issuer.isEmpty() ? "" : issuer + JWKS_PATH),
                seconds(env, CLOCK_SKEW_SECONDS, 60, 0, 300, problems),
                revocationCheck(get(env, REVOCATION_CHECK, "grant"), problems),
                words(get(env, ALLOWED_ORIGINS, DEFAULT_ALLOWED_ORIGINS))),
            new Aws(get(env, AWS_REGION, "us-east-1"), get(env, AWS_ENDPOINT_URL, "")),
            env);
    List<String> keyIds = new ArrayList<>(config.signing.previousKeyIds());
    keyIds.add(config.signing.keyId());
    if (keyIds.stream().anyMatch(id -> id.startsWith("alias/") || id.contains(":alias/"))) {
      // an alias can be repointed to another key while the kid stays the same, which verifiers
      // would see as a bad signature rather than as a new key
      problems.add(
          SIGNING_KEY_ID + " and " + PREVIOUS_SIGNING_KEY_IDS + " must name keys, not aliases");
    }
    for (String origin : config.api.allowedOrigins()) {
      if (!origin.matches("https?://(\\*\\.)?[a-z0-9.-]+(:[0-9]{1,5})?")) {
        problems.add(
            ALLOWED_ORIGINS
                + " holds a value that is not an origin such as https://app.example.com"
                + " or https://*.example.com");
      }
    }
    CustomClaims.problems(config.login.claims()).forEach(p -> problems.add(LOGIN_CLAIMS + " " + p));
    problems.addAll(ConfigUrls.problems(config));
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("; ", problems));
    }
    return config;
  }

  /**
   * Fails fast unless every named variable is set. Name only variables without a default here
   * ({@code PCO_BASE_URL}, {@code AWS_REGION} and the lifetimes have production defaults).
   *
   * @return this, for chaining at init
   */
  public Config require(String... names) {
    requireSet(Arrays.stream(names).collect(toMap(n -> n, n -> get(raw, n, ""), (a, b) -> a)));
    return this;
  }

  /**
   * What {@code PCO_TOKEN_MODE} makes of Planning Center's code, with the settings that mode needs.
   * Call at the init of the function that serves the mode: fails fast, naming every variable the
   * mode needs that is not set.
   */
  public PcoTokenMode pcoTokenMode() {
    return switch (pco.tokenMode()) {
      case SKIP -> new PcoTokenMode.Skip();
      case IDENTIFY ->
          new PcoTokenMode.Identify(
              get(raw, PCO_CLIENT_ID, ""), get(raw, PCO_CLIENT_SECRET_ID, ""));
      case STORE ->
          new PcoTokenMode.Store(
              get(raw, PCO_CLIENT_ID, ""),
              get(raw, PCO_CLIENT_SECRET_ID, ""),
              get(raw, PCO_TOKEN_KEY_ID, ""));
    };
  }

  /**
   * How users sign in ({@code LOGIN_MODE}), with the settings that mode needs: the login bridge
   * ({@code LOGIN_URL}, {@code LOGIN_ISSUER}) or OpenID Connect ({@code OIDC_ISSUER}, {@code
   * OIDC_CLIENT_ID}, {@code OIDC_CLIENT_SECRET_ID}, {@code OIDC_SCOPES}, {@code OIDC_USER_CLAIM}).
   * Call at the init of the function that serves the mode: fails fast, naming every variable the
   * mode needs that is not set.
   */
  public LoginMode loginMode() {
    return switch (login.mode()) {
      case BRIDGE -> new LoginMode.Bridge(login.url(), login.issuer());
      case OIDC ->
          new LoginMode.Oidc(
              // exactly as configured: an issuer is compared byte for byte (Auth0's ends in /)
              env(OIDC_ISSUER),
              env(OIDC_CLIENT_ID),
              env(OIDC_CLIENT_SECRET_ID),
              words(get(raw, OIDC_SCOPES, DEFAULT_OIDC_SCOPES)),
              get(raw, OIDC_USER_CLAIM, "sub"));
    };
  }

  /** The OpenID Connect redirect URI: where the identity provider returns the browser. */
  public String loginCallbackUrl() {
    return issuer + LOGIN_CALLBACK_PATH;
  }

  private String env(String name) {
    return get(raw, name, "");
  }

  /**
   * Where the key that verifies login tokens comes from: the integrator's JWKS when {@code
   * LOGIN_JWKS_URL} is set, else the shared HS256 key in Secrets Manager, which {@code
   * LOGIN_BRIDGE_KEY_SECRET_ID} must then name. Call at the init of the function that verifies
   * login tokens.
   */
  public LoginKeySource loginKeySource() {
    return login.jwksUrl().isEmpty()
        ? new LoginKeySource.HmacSecret(get(raw, LOGIN_BRIDGE_KEY_SECRET_ID, ""))
        : new LoginKeySource.Jwks(login.jwksUrl());
  }

  /**
   * Fails fast unless every named variable has a value: the one message of a missing setting.
   *
   * @param values each variable's name and its value, empty when not set
   */
  static void requireSet(Map<String, String> values) {
    List<String> missing =
        values.entrySet().stream()
            .filter(e -> e.getValue().isEmpty())
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    if (!missing.isEmpty()) {
      throw new ConfigException(
          "missing environment variable(s): "
              + String.join(", ", missing)
              + " (see the configuration table in README.md)");
    }
  }

  /**
   * Says, at WARN, that an empty {@code SCOPES} lets PCO ask for any well-formed scope, which is
   * then granted and signed into access tokens. Call once, at the init of a function that enforces
   * {@code SCOPES}: once per function instance (with SnapStart, once per published version).
   *
   * @return this, for chaining at init
   */
  public Config warnIfAnyScopeAllowed() {
    if (consent.scopes().isEmpty()) {
      Log.warn(
          "init", // no request yet: the line belongs to the function's init
          "config_any_scope_allowed",
          Map.of(
              "setting",
              SCOPES,
              "meaning",
              "SCOPES is empty: any well-formed scope PCO asks for is granted; list the scopes"
                  + " your API knows to allow only those"));
    }
    return this;
  }

  /**
   * The EventBridge bus the stack's events go to ({@code EVENT_BUS_NAME}): the account's default
   * bus unless it names another (by name or ARN).
   */
  public String eventBusName() {
    return get(raw, EVENT_BUS_NAME, "default");
  }

  /**
   * How long a stored PCO connection may go without a refresh before keep-alive refreshes it
   * ({@code PCO_KEEPALIVE_DAYS}, 30 by default, 1 to 80: well inside PCO's ~90-day idle limit).
   * Read at the init of the keep-alive function.
   */
  public Duration pcoKeepAliveIdle() {
    List<String> problems = new ArrayList<>();
    long days = number(raw, PCO_KEEPALIVE_DAYS, 30, 1, 80, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("; ", problems));
    }
    return Duration.ofDays(days);
  }

  /** The exact redirect URIs PCO may send at {@code /oauth/authorize}. */
  public List<String> allowedRedirectUris() {
    List<String> uris = new ArrayList<>();
    if (!pco.oauthApplicationId().isEmpty()) {
      uris.add(pco.baseUrl() + "/addons/authorizations/" + pco.oauthApplicationId());
    }
    uris.addAll(client.extraRedirectUris());
    return List.copyOf(uris);
  }

  /** Where step 2 must send the browser: PCO's {@code /advance}. */
  public String pcoAdvanceUrl() {
    return pco.advanceUrl();
  }

  private static String get(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static List<String> words(String value) {
    return value.isBlank() ? List.of() : List.of(value.trim().split("[\\s,]+"));
  }

  private static LoginMode.Kind loginMode(String value, List<String> problems) {
    try {
      return LoginMode.Kind.valueOf(value.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(LOGIN_MODE + " must be one of bridge, oidc");
      return LoginMode.Kind.BRIDGE;
    }
  }

  private static PcoTokenMode.Kind mode(String value, List<String> problems) {
    try {
      return PcoTokenMode.Kind.valueOf(value.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(PCO_TOKEN_MODE + " must be one of store, identify, skip");
      return PcoTokenMode.Kind.IDENTIFY;
    }
  }

  /** Exactly {@code ES256} or {@code RS256}, as JOSE spells them (algorithm names are exact). */
  private static AccessTokenAlgorithm accessTokenAlgorithm(String value, List<String> problems) {
    for (AccessTokenAlgorithm algorithm : AccessTokenAlgorithm.values()) {
      if (algorithm.name().equals(value)) {
        return algorithm;
      }
    }
    problems.add(ACCESS_TOKEN_ALGORITHM + " must be ES256 or RS256");
    return AccessTokenAlgorithm.ES256;
  }

  private static RevocationCheck revocationCheck(String value, List<String> problems) {
    try {
      return RevocationCheck.valueOf(value.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(REVOCATION_CHECK + " must be one of grant, none");
      return RevocationCheck.GRANT;
    }
  }

  private static Duration seconds(
      Map<String, String> env, String name, long def, long min, long max, List<String> problems) {
    return Duration.ofSeconds(number(env, name, def, min, max, problems));
  }

  private static long number(
      Map<String, String> env, String name, long def, long min, long max, List<String> problems) {
    String value = get(env, name, "");
    if (value.isEmpty()) {
      return def;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < min || parsed > max) {
        problems.add(name + " must be between " + min + " and " + max);
        return def;
      }
      return parsed;
    } catch (NumberFormatException e) {
      problems.add(name + " must be a whole number");
      return def;
    }
  }
}
