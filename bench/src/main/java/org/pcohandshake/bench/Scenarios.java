package org.pcohandshake.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.pcohandshake.authorize.AuthorizationRequest;
import org.pcohandshake.authorize.Consent;
import org.pcohandshake.authorize.ConsentStore;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.LoginMode;
import org.pcohandshake.crypto.KmsJwsSigner;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.discovery.KmsPublicKeys;
import org.pcohandshake.grant.AuthorizationCode;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.grant.Scope;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.link.PendingLink;
import org.pcohandshake.oidc.LoginRequestStore;
import org.pcohandshake.oidc.OidcLogin;
import org.pcohandshake.oidc.OidcProvider;
import org.pcohandshake.session.LoginBinding;
import org.pcohandshake.session.LoginIdentity;
import org.pcohandshake.session.SessionStore;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.oidc.TestProvider;
import org.pcohandshake.testkit.pco.PcoSimulator;
import org.pcohandshake.token.AccessTokens;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The request each benchmarked function serves: its real success path with valid data, seeded in
 * the emulator through the shared module's own stores before the function's JVM starts (so seeding
 * is never timed). Every answer is checked, so an error path is never measured by mistake.
 */
final class Scenarios {

  /** One function's request. */
  interface Scenario {
    /** Seeds what {@code invocations} requests need (into an empty table, see {@link #wipe}). */
    default void prepare(int invocations) {}

    /** The event of request {@code i} (0 is the cold one) of the last {@link #prepare}. */
    APIGatewayV2HTTPEvent event(int i);

    /** Fails unless the answer is the success path's. */
    void check(APIGatewayV2HTTPResponse response);
  }

  // RFC 7636 appendix B
  static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

  /** The integrator's OAuth application at the simulated Planning Center (step 2). */
  static final String PCO_CLIENT_ID = "bench-pco-client";

  static final String PCO_CLIENT_SECRET = "bench-pco-secret-7d2e41";
  static final String PCO_APPLICATION_ID = "4242";

  /** Provision with these secret values: the PCO client secret the simulator expects. */
  static final Map<String, String> SECRETS = Map.of("PcoClientSecret", PCO_CLIENT_SECRET);

  /** Where {@code authenticatedIntegratorFetch} runs: the Origin of an example API call. */
  static final String PCO_ORIGIN = "https://services.planningcenteronline.com";

  private final ProvisionedStack stack;
  private final String issuer;
  private final DynamoDbClient dynamo;
  private final KmsClient kms;
  private final PcoSimulator pco;
  private final URI jwksUrl;
  private final Optional<TestProvider> oidc;
  private final String table;
  private final Clock clock = Clock.systemUTC();
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  /**
   * @param pco the simulated Planning Center that step 2 exchanges its codes with (see {@link
   *     #startPco})
   * @param jwksUrl where the example API reads the JWKS (see {@link JwksServer})
   * @param oidc the OpenID Provider the login callback's scenario signs in at (none: the callback
   *     has no scenario)
   */
  Scenarios(
      ProvisionedStack stack,
      DynamoDbClient dynamo,
      KmsClient kms,
      String issuer,
      PcoSimulator pco,
      URI jwksUrl,
      Optional<TestProvider> oidc) {
    this.stack = stack;
    this.oidc = oidc;
    this.dynamo = dynamo;
    this.kms = kms;
    this.issuer = issuer;
    this.pco = pco;
    this.jwksUrl = jwksUrl;
    this.table = stack.physicalId("Table");
  }

  /**
   * The simulated Planning Center on 127.0.0.1 (real HTTP), approving at once and accepting {@code
   * issuer}'s step-2 URL as its one redirect URI.
   */
  static PcoSimulator startPco(String issuer) throws IOException {
    return PcoSimulator.start(
        PcoSimulator.Settings.defaults()
            .withPcoClient(PCO_CLIENT_ID, PCO_CLIENT_SECRET)
            .withOauthApplicationId(PCO_APPLICATION_ID)
            .withRedirectUrl(issuer + "/oauth/pco/complete")
            .withAutoApprove(true));
  }

  /**
   * The JWKS the discovery function publishes for this stack, built by the same shared code against
   * the emulator's key.
   */
  static String jwks(ProvisionedStack stack, KmsClient kms, String issuer) {
    Config config = Config.fromEnvironment(stack.environmentFor("DiscoveryFunction", issuer));
    return new KmsPublicKeys(
            kms,
            config.signing().keyId(),
            config.signing().previousKeyIds(),
            config.signing().algorithm())
        .jwkSet()
        .toString();
  }

  /**
   * A function's environment as the template gives it, except where the benchmark must point it at
   * a local stand-in: pco-complete at the simulated Planning Center (with the template's default
   * token mode), the example API at {@link JwksServer} for the keys.
   */
  Map<String, String> environmentFor(String logicalId) {
    return switch (logicalId) {
      case "PcoCompleteFunction" -> pcoCompleteEnvironment(defaultPcoTokenMode());
      // the connections' functions serve stored connections: store mode
      case "PcoBrokerFunction", "PcoKeepAliveFunction" -> pcoEnvironment(logicalId, "store");
      case "ExampleApiFunction" -> {
        Map<String, String> env = new LinkedHashMap<>(env(logicalId));
        env.put(Config.JWKS_URL, jwksUrl.toString());
        yield env;
      }
      case "LoginCallbackFunction" ->
          oidc.map(provider -> oidcEnvironment(logicalId, provider))
              .orElseGet(() -> env(logicalId));
      default -> env(logicalId);
    };
  }

  /** pco-complete's environment with {@code PCO_TOKEN_MODE} = {@code mode}. */
  Map<String, String> pcoCompleteEnvironment(String mode) {
    return pcoEnvironment("PcoCompleteFunction", mode);
  }

  /** A function's environment pointed at the simulated Planning Center, in {@code mode}. */
  Map<String, String> pcoEnvironment(String logicalId, String mode) {
    return stack.environmentFor(
        logicalId,
        issuer,
        Map.of(
            "PcoBaseUrl", pco.baseUrl(),
            "PcoClientId", PCO_CLIENT_ID,
            "PcoOAuthApplicationId", PCO_APPLICATION_ID,
            "PcoTokenMode", mode));
  }

  /** The client id of the stack at the benchmark's OpenID Provider. */
  static final String OIDC_CLIENT_ID = "pco-handshake-bench";

  /** The login callback's environment: the oidc login mode at {@code provider}. */
  private Map<String, String> oidcEnvironment(String logicalId, TestProvider provider) {
    return stack.environmentFor(
        logicalId,
        issuer,
        Map.of(
            "LoginMode", "oidc", "OidcIssuer", provider.issuer(), "OidcClientId", OIDC_CLIENT_ID));
  }

  /** The template's default {@code PcoTokenMode}. */
  String defaultPcoTokenMode() {
    return stack.parameterValues(Map.of()).get("PcoTokenMode");
  }

  /**
   * Deletes every item of the table, so that every run starts from the same state (an empty table)
   * whatever ran before it, and its scenario seeds what it needs.
   */
  void wipe() {
    Map<String, AttributeValue> start = null;
    do {
      ScanRequest.Builder request =
          ScanRequest.builder().tableName(table).projectionExpression("pk, sk");
      if (start != null) {
        request.exclusiveStartKey(start);
      }
      ScanResponse page = dynamo.scan(request.build());
      for (Map<String, AttributeValue> item : page.items()) {
        dynamo.deleteItem(r -> r.tableName(table).key(item));
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
  }

  /** The scenario for a template function, if the benchmark knows its success path. */
  Optional<Scenario> forFunction(String logicalId) {
    return switch (logicalId) {
      case "AuthorizePromptFunction" -> Optional.of(consentPage());
      case "AuthorizeDecisionFunction" -> Optional.of(approve());
      case "TokenFunction" -> Optional.of(codeExchange());
      case "PcoCompleteFunction" -> Optional.of(pcoComplete(defaultPcoTokenMode()));
      case "DiscoveryFunction" -> Optional.of(jwksDocument());
      case "RevokeFunction" -> Optional.of(revokeRefreshToken());
      case "ExampleApiFunction" -> Optional.of(apiMe());
      case "LoginCallbackFunction" -> oidc.map(this::loginCallback);
      default -> Optional.empty();
    };
  }

  /** Any request answered 200: for the baselines. */
  static Scenario ok(String path) {
    return new Scenario() {
      @Override
      public APIGatewayV2HTTPEvent event(int i) {
        return TestEvent.get(path).build();
      }

      @Override
      public void check(APIGatewayV2HTTPResponse response) {
        expect(response, 200);
      }
    };
  }

  private Map<String, String> env(String logicalId) {
    return stack.environmentFor(logicalId, issuer);
  }

  private String redirectUri(Map<String, String> env) {
    return env.get("PCO_BASE_URL")
        + "/addons/authorizations/"
        + env.get("PCO_OAUTH_APPLICATION_ID");
  }

  /** Opens a session as the login bridge step would; returns its cookie value. */
  private String session(Map<String, String> env) {
    SessionStore sessions = new SessionStore(dynamo, table, Duration.ofHours(1), clock);
    LoginIdentity identity =
        new LoginIdentity(
            "bench-user",
            "Bench User",
            UUID.randomUUID().toString(),
            clock.instant().plus(Duration.ofMinutes(2)));
    return sessions.open(identity, env.get("LOGIN_ISSUER")).orElseThrow();
  }

  private static final PcoLink LINK = new PcoLink("org-bench", "person-bench", "Pat Bench");
  private static final String ORGANIZATION_NAME = "Bench Church";

  /** GET /oauth/authorize with a session and the PCO link cookie: the consent page. */
  private Scenario consentPage() {
    Map<String, String> env = env("AuthorizePromptFunction");
    String[] cookies = new String[2];
    return new Scenario() {
      @Override
      public void prepare(int invocations) {
        cookies[0] = session(env);
        cookies[1] =
            new LinkStore(dynamo, table, Duration.ofHours(1), clock).put(LINK, ORGANIZATION_NAME);
      }

      @Override
      public APIGatewayV2HTTPEvent event(int i) {
        return TestEvent.get("/oauth/authorize")
            .query("response_type", "code")
            .query("client_id", env.get("CLIENT_ID"))
            .query("redirect_uri", redirectUri(env))
            .query("state", "bench-state")
            .cookie(Cookies.SESSION, cookies[0])
            .cookie(Cookies.PCO_LINK, cookies[1])
            .build();
      }

      @Override
      public void check(APIGatewayV2HTTPResponse response) {
        expect(response, 200);
        if (!response.getBody().contains("name=\"form_token\"")) {
          throw new IllegalStateException("not the consent page: " + response.getBody());
        }
      }
    };
  }

  /**
   * GET /oauth/login/callback as the OpenID Provider sends the browser back: each request its own
   * sign-in, started before the JVM by the shared module's {@link OidcLogin} (the login request
   * stored, the pre-login cookie drawn) and completed at the real provider over HTTP (its code and
   * the {@code state}). The function consumes the request, fetches the provider's discovery
   * document and JWKS (once per instance), exchanges the code, checks the ID token and opens the
   * session: a 303 back to the authorization request, with the session cookie.
   */
  private Scenario loginCallback(TestProvider provider) {
    Config config = Config.fromEnvironment(oidcEnvironment("AuthorizePromptFunction", provider));
    LoginMode.Oidc settings = (LoginMode.Oidc) config.loginMode();
    OidcLogin login =
        new OidcLogin(
            new OidcProvider(settings, () -> "", clock),
            new LoginRequestStore(dynamo, table, LoginBinding.LIFETIME, clock),
            config.loginCallbackUrl());
    String returnTo =
        issuer
            + "/oauth/authorize?response_type=code&client_id="
            + config.client().id()
            + "&state=bench-state";
    List<String[]> callbacks = new ArrayList<>();
    return new Scenario() {
      @Override
      public void prepare(int invocations) {
        callbacks.clear();
        for (int i = 0; i < invocations; i++) {
          provider.nextUser("bench-user-" + i, OIDC_CLIENT_ID, Map.of("name", "Bench User"));
          org.pcohandshake.http.HttpResponse toProvider = login.begin(returnTo);
          String cookie =
              toProvider.cookies().get(0).replaceAll("^" + Cookies.LOGIN + "=([^;]*);.*$", "$1");
          String back = redirectOf(toProvider.headers().get("location"));
          if (!back.startsWith(config.loginCallbackUrl() + "?")) {
            throw new IllegalStateException("the provider did not send the browser back: " + back);
          }
          callbacks.add(new String[] {URI.create(back).getRawQuery(), cookie});
        }
      }

      @Override
      public APIGatewayV2HTTPEvent event(int i) {
        return TestEvent.get(Config.LOGIN_CALLBACK_PATH)
            .rawQuery(callbacks.get(i)[0])
            .cookie(Cookies.LOGIN, callbacks.get(i)[1])
            .header("accept", "text/html")
            .build();
      }

      @Override
      public void check(APIGatewayV2HTTPResponse response) {
        expect(response, 303);
        if (!returnTo.equals(response.getHeaders().get("location"))) {
          throw new IllegalStateException(
              "not back to the authorization request: " + response.getHeaders().get("location"));
        }
        List<String> cookies = response.getCookies();
        if (cookies == null
            || cookies.stream()
                .noneMatch(
                    c ->
                        c.startsWith(Cookies.SESSION + "=")
                            && !c.startsWith(Cookies.SESSION + "=;"))) {
          throw new IllegalStateException("no session cookie");
        }
      }
    };
  }

  /** The {@code Location} a GET of {@code url} answers with (a redirect expected). */
  private String redirectOf(String url) {
    HttpResponse<Void> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return response
        .headers()
        .firstValue("location")
        .orElseThrow(() -> new IllegalStateException("no redirect: " + response.statusCode()));
  }

  /** POST /oauth/authorize approving a real consent: a code redirect. */
  private Scenario approve() {
    Map<String, String> env = env("AuthorizeDecisionFunction");
    String[] session = new String[1];
    ConsentStore consents = new ConsentStore(dynamo, table, Duration.ofHours(1), clock);
    LinkStore links = new LinkStore(dynamo, table, Duration.ofHours(1), clock);
    AuthorizationRequest request =
        new AuthorizationRequest(
            env.get("CLIENT_ID"), redirectUri(env), "bench-state", Scope.EMPTY, CHALLENGE);
    List<String> formTokens = new ArrayList<>();
    String origin = issuer;
    return new Scenario() {
      @Override
      public void prepare(int invocations) {
        session[0] = session(env);
        formTokens.clear();
        for (int i = 0; i < invocations; i++) {
          // each consent its own link: the decision consumes it with the code
          String link = links.put(LINK, ORGANIZATION_NAME);
          formTokens.add(
              consents.put(
                  new Consent(
                      Tokens.hash(session[0]),
                      "bench-user",
                      request,
                      new PendingLink(Optional.of(Tokens.hash(link)), LINK, ORGANIZATION_NAME))));
        }
      }

      @Override
      public APIGatewayV2HTTPEvent event(int i) {
        return TestEvent.post("/oauth/authorize")
            .header("origin", origin)
            .cookie(Cookies.SESSION, session[0])
            .form("form_token", formTokens.get(i), "decision", "approve")
            .build();
      }

      @Override
      public void check(APIGatewayV2HTTPResponse response) {
        expect(response, 303);
        String location = response.getHeaders().get("location");
        if (location == null || !location.contains("code=")) {
          throw new IllegalStateException("no code in " + location);
        }
      }
    };
  }

  /** POST /oauth/token exchanging a real code (client_secret_basic, PKCE). */
  private Scenario codeExchange() {
    Map<String, String> env = env("TokenFunction");
    String clientId = env.get("CLIENT_ID");
    String secret = stack.secretValue("IntegratorClientSecret");
    String redirect =
        redirectUri(stack.environmentFor("AuthorizeDecisionFunction", issuer)); // PCO's callback
    GrantStore grants = new GrantStore(dynamo, table, clock);
    List<String> codes = new ArrayList<>();
    return new Scenario() {
      @Override
      public void prepare(int invocations) {
        codes.clear();
        Instant now = clock.instant();
        for (int i = 0; i < invocations; i++) {
          String code = Tokens.random();
          Grant grant =
              new Grant(
                  Tokens.id(),
                  clientId,
                  "bench-user",
                  Scope.EMPTY,
                  LINK,
                  now.plus(Duration.ofDays(90)));
          AuthorizationCode record =
              new AuthorizationCode(
                  grant, redirect, CHALLENGE, now.plus(Duration.ofMinutes(10)), false);
          dynamo.transactWriteItems(
              r -> r.transactItems(grants.putCode(Tokens.hash(code), record)));
          codes.add(code);
        }
      }

      @Override
      public APIGatewayV2HTTPEvent event(int i) {
        return TestEvent.post("/oauth/token")
            .basic(clientId, secret)
            .form(
                "grant_type",
                "authorization_code",
                "code",
                codes.get(i),
                "redirect_uri",
                redirect,
                "code_verifier",
                VERIFIER)
            .build();
      }

      @Override
      public void check(APIGatewayV2HTTPResponse response) {
        expect(response, 200);
        if (!response.getBody().contains("\"access_token\"")) {
          throw new IllegalStateException("no access token: " + response.getBody());
        }
      }
    };
  }

  /**
   * POST /oauth/token refreshing (PCO's other wait on the token function): a live grant's refresh
   * token, one grant per request (each refresh rotates its token), {@code client_secret_basic}.
   */
  Scenario tokenRefresh() {
    Map<String, String> env = env("TokenFunction");
    String clientId = env.get("CLIENT_ID");
    String secret = stack.secretValue("IntegratorClientSecret");
    List<String> refreshTokens = new ArrayList<>();
    return new Scenario() {
      @Override
      public void prepare(int invocations) {
        refreshTokens.clear();
        for (int i = 0; i < invocations; i++) {
          refreshTokens.add(seedGrant(newGrant(clientId)));
        }
      }

      @Override
      public APIGatewayV2HTTPEvent event(int i) {
        return TestEvent.post("/oauth/token")
            .basic(clientId, secret)
            .form("grant_type", "refresh_token", "refresh_token", refreshTokens.get(i))
            .build();
      }

      @Override
      public void check(APIGatewayV2HTTPResponse response) {
        expect(response, 200);
        Map<String, Object> body = json(response);
        if (!(body.get("access_token") instanceof String)
            || !(body.get("refresh_token") instanceof String)) {
          throw new IllegalStateException("no rotated token pair: " + response.getBody());
        }
      }
    };
  }

  /**
   * GET /oauth/pco/complete with a fresh code from the simulated Planning Center (one per request,
   * fetched before the JVM starts): the code exchange and {@code /people/v2/me} over HTTP, the link
   * stored (and in store mode the tokens, encrypted), a redirect to PCO's {@code /advance}.
   */
  Scenario pcoComplete(String mode) {
    List<String> codes = new ArrayList<>();
    return new Scenario() {
      @Override
      public void prepare(int invocations) {
        codes.clear();
        for (int i = 0; i < invocations; i++) {
          codes.add(pcoCode());
        }
      }

      @Override
      public APIGatewayV2HTTPEvent event(int i) {
        return TestEvent.get("/oauth/pco/complete")
            .query("code", codes.get(i))
            .query("state", "bench-state")
            .build();
      }

      @Override
      public void check(APIGatewayV2HTTPResponse response) {
        expect(response, 302);
        String location = response.getHeaders().get("location");
        if (!pco.advanceUrl().equals(location)) {
          throw new IllegalStateException("not PCO's /advance (" + mode + "): " + location);
        }
        List<String> cookies = response.getCookies();
        if (cookies == null
            || cookies.stream().noneMatch(c -> c.startsWith(Cookies.PCO_LINK + "="))) {
          throw new IllegalStateException("no link cookie (" + mode + ")");
        }
      }
    };
  }

  /** Step 1 at the simulated Planning Center (auto-approved): the code it sends to step 2. */
  String pcoCode() {
    String query =
        "client_id="
            + PCO_CLIENT_ID
            + "&redirect_uri="
            + URLEncoder.encode(issuer + "/oauth/pco/complete", StandardCharsets.UTF_8)
            + "&response_type=code&scope=people&state=bench-state";
    HttpResponse<Void> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(URI.create(pco.authorizeEndpoint() + "?" + query)).build(),
              HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    String location = response.headers().firstValue("location").orElse("");
    String rawQuery = location.isEmpty() ? null : URI.create(location).getRawQuery();
    if (response.statusCode() == 302 && rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        if (pair.startsWith("code=")) {
          return URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
        }
      }
    }
    throw new IllegalStateException("the simulated PCO gave no code: " + response.statusCode());
  }

  /**
   * GET /.well-known/jwks.json, the route verifiers (the example API, API Gateway's JWT authorizer,
   * integrators' own APIs) read: the signing key's public half from KMS.
   */
  private Scenario jwksDocument() {
    String kid = env("DiscoveryFunction").get("SIGNING_KEY_ID");
    return new Scenario() {
      @Override
      public APIGatewayV2HTTPEvent event(int i) {
        return TestEvent.get(Config.JWKS_PATH).build();
      }

      @Override
      public void check(APIGatewayV2HTTPResponse response) {
        expect(response, 200);
        List<Object> keys;
        try {
          keys = TestJson.array(TestJson.object(response.getBody()), "keys");
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException("not a JWKS: " + response.getBody(), e);
        }
        if (keys == null
            || keys.isEmpty()
            || !(keys.get(0) instanceof Map<?, ?> key)
            || !kid.equals(key.get("kid"))) {
          throw new IllegalStateException("not the signing key's JWKS: " + response.getBody());
        }
      }
    };
  }

  /**
   * A grant with its first refresh token, stored as the token endpoint's code exchange stores them
   * (the code's put, then the redemption transaction); returns the refresh token.
   */
  private String seedGrant(Grant grant) {
    GrantStore grants = new GrantStore(dynamo, table, clock);
    String code = Tokens.random();
    String redirect = redirectUri(env("AuthorizeDecisionFunction"));
    dynamo.transactWriteItems(
        r ->
            r.transactItems(
                grants.putCode(
                    Tokens.hash(code),
                    new AuthorizationCode(
                        grant,
                        redirect,
                        CHALLENGE,
                        clock.instant().plus(Duration.ofMinutes(10)),
                        false))));
    String refresh = Tokens.random();
    if (!(grants.redeem(Tokens.hash(code), grant, Tokens.hash(refresh))
        instanceof GrantStore.Redemption.Redeemed)) {
      throw new IllegalStateException("could not seed a grant");
    }
    return refresh;
  }

  private Grant newGrant(String clientId) {
    return new Grant(
        Tokens.id(),
        clientId,
        "bench-user",
        Scope.parse("people").orElseThrow(),
        LINK,
        clock.instant().plus(Duration.ofDays(90)));
  }

  /**
   * POST /oauth/revoke (RFC 7009), {@code client_secret_basic}, revoking a live refresh token (one
   * grant per request). Every answer to a well-formed request is 200, an unknown token's too, so
   * the check also reads the grant back: it must be revoked.
   */
  private Scenario revokeRefreshToken() {
    Map<String, String> env = env("RevokeFunction");
    String clientId = env.get("CLIENT_ID");
    String secret = stack.secretValue("IntegratorClientSecret");
    GrantStore grants = new GrantStore(dynamo, table, clock);
    List<String> refreshTokens = new ArrayList<>();
    List<String> grantIds = new ArrayList<>();
    int[] answered = new int[1];
    return new Scenario() {
      @Override
      public void prepare(int invocations) {
        refreshTokens.clear();
        grantIds.clear();
        answered[0] = 0;
        for (int i = 0; i < invocations; i++) {
          Grant grant = newGrant(clientId);
          refreshTokens.add(seedGrant(grant));
          grantIds.add(grant.id());
        }
      }

      @Override
      public APIGatewayV2HTTPEvent event(int i) {
        return TestEvent.post("/oauth/revoke")
            .basic(clientId, secret)
            .form("token", refreshTokens.get(i), "token_type_hint", "refresh_token")
            .build();
      }

      @Override
      public void check(APIGatewayV2HTTPResponse response) {
        // answers come in request order
        String grantId = grantIds.get(answered[0]++);
        expect(response, 200);
        if (grants.grantAlive(grantId)) {
          throw new IllegalStateException("answered 200 but the grant is still alive");
        }
      }
    };
  }

  /**
   * GET /api/me as {@code authenticatedIntegratorFetch} calls it: a bearer access token (signed as
   * the token endpoint signs them, by the stack's KMS key) for a live grant, from PCO's origin. One
   * token for all requests, as an add-on reuses its token until it expires; the JWKS is read once
   * per JVM from {@link JwksServer}, the grant on every call (the template's revocation check).
   */
  private Scenario apiMe() {
    Map<String, String> tokenEnv = env("TokenFunction");
    Config config = Config.fromEnvironment(tokenEnv);
    AccessTokens accessTokens =
        new AccessTokens(
            new KmsJwsSigner(
                kms,
                config.signing().keyId(),
                config.signing().keyId(),
                config.signing().algorithm()),
            config.issuer(),
            config.api().audience(),
            config.tokens().accessTtl(),
            clock);
    String[] token = new String[1];
    return new Scenario() {
      @Override
      public void prepare(int invocations) {
        Grant grant = newGrant(config.client().id());
        seedGrant(grant);
        token[0] = accessTokens.issue(grant).token();
      }

      @Override
      public APIGatewayV2HTTPEvent event(int i) {
        return TestEvent.get("/api/me")
            .header("authorization", "Bearer " + token[0])
            .header("origin", PCO_ORIGIN)
            .build();
      }

      @Override
      public void check(APIGatewayV2HTTPResponse response) {
        expect(response, 200);
        Map<String, Object> body = json(response);
        if (!"bench-user".equals(body.get("sub"))
            || !LINK.organizationId().equals(body.get("pco_organization_id"))
            || !PCO_ORIGIN.equals(response.getHeaders().get("access-control-allow-origin"))) {
          throw new IllegalStateException("not the caller's answer: " + response.getBody());
        }
      }
    };
  }

  /** The answer's JSON object; fails if it is not one. */
  static Map<String, Object> json(APIGatewayV2HTTPResponse response) {
    try {
      return TestJson.object(response.getBody());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("not JSON: " + response.getBody(), e);
    }
  }

  static void expect(APIGatewayV2HTTPResponse response, int status) {
    if (response.getStatusCode() != status) {
      throw new IllegalStateException(
          "expected " + status + ", got " + response.getStatusCode() + ": " + response.getBody());
    }
  }
}
