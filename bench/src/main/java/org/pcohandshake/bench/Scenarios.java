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
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.pcohandshake.authorize.AuthorizationRequest;
import org.pcohandshake.authorize.Consent;
import org.pcohandshake.authorize.ConsentStore;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.LoginMode;
import org.pcohandshake.config.PcoTokenMode;
import org.pcohandshake.crypto.KmsJwsSigner;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.discovery.KmsPublicKeys;
import org.pcohandshake.grant.AuthorizationCode;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.grant.Scope;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.json.Json;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.link.PendingLink;
import org.pcohandshake.oidc.LoginRequestStore;
import org.pcohandshake.oidc.OidcLogin;
import org.pcohandshake.oidc.OidcProvider;
import org.pcohandshake.pco.PcoClient;
import org.pcohandshake.pco.PcoIdentity;
import org.pcohandshake.pco.PcoTokenVault;
import org.pcohandshake.pco.PcoTokens;
import org.pcohandshake.session.LoginBinding;
import org.pcohandshake.session.LoginIdentity;
import org.pcohandshake.session.SessionStore;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.lambda.HttpApiEventJson;
import org.pcohandshake.testkit.oidc.TestProvider;
import org.pcohandshake.testkit.pco.PcoSimulator;
import org.pcohandshake.testkit.pco.TokenPair;
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

  /**
   * One function's request as the runtime hands it over: a payload in, an answer out. An HTTP
   * function's is an API Gateway event ({@link HttpScenario}), an invoke-style function's a JSON
   * command ({@link InvokeScenario}).
   */
  interface Scenario {
    /** Seeds what {@code invocations} requests need (into an empty table, see {@link #wipe}). */
    default void prepare(int invocations) {}

    /** The payload of request {@code i} (0 is the cold one) of the last {@link #prepare}. */
    String payload(int i);

    /** Fails ({@link IllegalStateException}) unless the answer is the success path's. */
    void checkAnswer(String answer);
  }

  /** An HTTP function's request: an API Gateway v2 event, its response checked. */
  interface HttpScenario extends Scenario {
    /** The event of request {@code i} (0 is the cold one) of the last {@link #prepare}. */
    APIGatewayV2HTTPEvent event(int i);

    /** Fails unless the response is the success path's. */
    void check(APIGatewayV2HTTPResponse response);

    @Override
    default String payload(int i) {
      return HttpApiEventJson.eventToJson(event(i));
    }

    @Override
    default void checkAnswer(String answer) {
      check(HttpApiEventJson.parseResponse(answer));
    }
  }

  /**
   * An invoke-style function's request ({@code InvokeFunction}): a JSON command, its JSON answer
   * checked. Such a function answers a refusal as a successful invocation with an {@code error}
   * member, so a refusal where success is expected fails here before the scenario's own check.
   */
  interface InvokeScenario extends Scenario {
    /** The command of request {@code i} (0 is the cold one) of the last {@link #prepare}. */
    Map<String, Object> command(int i);

    /** Fails unless the answer (not a refusal) is the success path's. */
    void check(Map<String, Object> answer);

    @Override
    default String payload(int i) {
      return Json.write(command(i));
    }

    @Override
    default void checkAnswer(String answer) {
      Map<String, Object> body;
      try {
        body = TestJson.object(answer);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("not a JSON object: " + answer, e);
      }
      if (body.containsKey("error")) {
        throw new IllegalStateException("refused: " + answer);
      }
      check(body);
    }
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

      case "PcoBrokerFunction" -> Optional.of(brokerToken());
      case "PcoKeepAliveFunction" -> Optional.of(keepAliveNothingIdle());
      case "GrantAdminFunction" -> Optional.of(grantStatus());
      default -> Optional.empty();
    };
  }

  /**
   * The function's other benchmarked requests, by the suffix of their target's name ({@code
   * token-refresh}, ...), each served with the function's environment ({@link #environmentFor}).
   */
  Map<String, Scenario> variants(String logicalId) {
    Map<String, Scenario> variants = new LinkedHashMap<>();
    switch (logicalId) {
      case "TokenFunction" -> variants.put("refresh", tokenRefresh());
      case "PcoBrokerFunction" -> {
        variants.put("refresh", brokerTokenRefresh());
        variants.put("connections", brokerConnections());
      }
      case "PcoKeepAliveFunction" -> variants.put("idle", keepAliveOneIdle());
      case "GrantAdminFunction" -> variants.put("list", listGrants());
      default -> {}
    }
    return variants;
  }

  /** Any request answered 200: for the baselines. */
  static HttpScenario ok(String path) {
    return new HttpScenario() {
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
  private HttpScenario consentPage() {
    Map<String, String> env = env("AuthorizePromptFunction");
    String[] cookies = new String[2];
    return new HttpScenario() {
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
  private HttpScenario loginCallback(TestProvider provider) {
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
    return new HttpScenario() {
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
  private HttpScenario approve() {
    Map<String, String> env = env("AuthorizeDecisionFunction");
    String[] session = new String[1];
    ConsentStore consents = new ConsentStore(dynamo, table, Duration.ofHours(1), clock);
    LinkStore links = new LinkStore(dynamo, table, Duration.ofHours(1), clock);
    AuthorizationRequest request =
        new AuthorizationRequest(
            env.get("CLIENT_ID"), redirectUri(env), "bench-state", Scope.EMPTY, CHALLENGE);
    List<String> formTokens = new ArrayList<>();
    String origin = issuer;
    return new HttpScenario() {
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
  private HttpScenario codeExchange() {
    Map<String, String> env = env("TokenFunction");
    String clientId = env.get("CLIENT_ID");
    String secret = stack.secretValue("IntegratorClientSecret");
    String redirect =
        redirectUri(stack.environmentFor("AuthorizeDecisionFunction", issuer)); // PCO's callback
    GrantStore grants = new GrantStore(dynamo, table, clock);
    List<String> codes = new ArrayList<>();
    return new HttpScenario() {
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
  HttpScenario tokenRefresh() {
    Map<String, String> env = env("TokenFunction");
    String clientId = env.get("CLIENT_ID");
    String secret = stack.secretValue("IntegratorClientSecret");
    List<String> refreshTokens = new ArrayList<>();
    return new HttpScenario() {
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
  HttpScenario pcoComplete(String mode) {
    List<String> codes = new ArrayList<>();
    return new HttpScenario() {
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
  private HttpScenario jwksDocument() {
    String kid = env("DiscoveryFunction").get("SIGNING_KEY_ID");
    return new HttpScenario() {
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
  private HttpScenario revokeRefreshToken() {
    Map<String, String> env = env("RevokeFunction");
    String clientId = env.get("CLIENT_ID");
    String secret = stack.secretValue("IntegratorClientSecret");
    GrantStore grants = new GrantStore(dynamo, table, clock);
    List<String> refreshTokens = new ArrayList<>();
    List<String> grantIds = new ArrayList<>();
    int[] answered = new int[1];
    return new HttpScenario() {
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
  private HttpScenario apiMe() {
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
    return new HttpScenario() {
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

  /**
   * An invoke-style request that is the same command every time: {@code seed} stores what it needs
   * (once per {@link Scenario#prepare}), {@code command} gives it, {@code check} judges an answer.
   */
  private static InvokeScenario sameCommand(
      Runnable seed, Supplier<Map<String, Object>> command, Consumer<Map<String, Object>> check) {
    return new InvokeScenario() {
      @Override
      public void prepare(int invocations) {
        seed.run();
      }

      @Override
      public Map<String, Object> command(int i) {
        return command.get();
      }

      @Override
      public void check(Map<String, Object> answer) {
        check.accept(answer);
      }
    };
  }

  /** The organization whose stored PCO connections the broker and keep-alive serve. */
  static final String CONNECTED_ORGANIZATION = "org-bench-connected";

  /**
   * The vault as step 2 stores connections in {@code store} mode, with the broker's key and
   * Planning Center's simulator, its clock {@code at} (a clock in the past stores a connection last
   * refreshed then); it publishes no events (seeding is not a step 2 the integrator hears of).
   */
  private PcoTokenVault vault(Clock at) {
    Config config = Config.fromEnvironment(environmentFor("PcoBrokerFunction"));
    PcoTokenMode.Store store = (PcoTokenMode.Store) config.pcoTokenMode();
    return new PcoTokenVault(
        dynamo,
        kms,
        table,
        store.tokenKeyId(),
        new PcoClient(
            pco.baseUrl(), PCO_CLIENT_ID, () -> PCO_CLIENT_SECRET, Duration.ofSeconds(4), at),
        at);
  }

  /**
   * Stores a connection of {@link #CONNECTED_ORGANIZATION} and {@code person} with tokens the
   * simulated Planning Center issued, its access token good for {@code left} from {@code vault}'s
   * clock; returns that access token.
   */
  private String connect(PcoTokenVault vault, Clock at, String person, Duration left) {
    TokenPair pair = pco.issueTokens();
    vault.store(
        new PcoIdentity(CONNECTED_ORGANIZATION, person, "Pat Bench"),
        new PcoTokens(pair.accessToken(), pair.refreshToken(), at.instant().plus(left), "people"));
    return pair.accessToken();
  }

  /** The broker's command for a person's access token. */
  private static Map<String, Object> accessTokenCommand(String person) {
    return Map.of(
        "operation",
        "access_token",
        "organization_id",
        CONNECTED_ORGANIZATION,
        "person_id",
        person);
  }

  /**
   * The broker's {@code access_token} for a stored connection whose token is fresh (two hours left,
   * PCO's lifetime): the item read and decrypted, no call to Planning Center. One connection for
   * every request, as a backend asks for the same organization's token again and again.
   */
  private InvokeScenario brokerToken() {
    String[] stored = new String[1];
    return sameCommand(
        () -> stored[0] = connect(vault(clock), clock, "person-1", Duration.ofHours(2)),
        () -> accessTokenCommand("person-1"),
        answer -> {
          if (!stored[0].equals(answer.get("access_token"))) {
            throw new IllegalStateException("not the stored, fresh token: " + answer.keySet());
          }
          checkToken(answer, "person-1");
        });
  }

  /**
   * The broker's {@code access_token} for a stored connection whose token expires within the
   * refresh margin (one minute left), one connection per request: the lease, the refresh at the
   * simulated Planning Center, the new pair encrypted and written.
   */
  private InvokeScenario brokerTokenRefresh() {
    List<String> stored = new ArrayList<>();
    int[] answered = new int[1];
    return new InvokeScenario() {
      @Override
      public void prepare(int invocations) {
        stored.clear();
        answered[0] = 0;
        PcoTokenVault vault = vault(clock);
        for (int i = 0; i < invocations; i++) {
          stored.add(connect(vault, clock, "person-" + i, Duration.ofMinutes(1)));
        }
      }

      @Override
      public Map<String, Object> command(int i) {
        return accessTokenCommand("person-" + i);
      }

      @Override
      public void check(Map<String, Object> answer) {
        // answers come in request order
        int i = answered[0]++;
        if (stored.get(i).equals(answer.get("access_token"))) {
          throw new IllegalStateException("the expiring token was not refreshed");
        }
        checkToken(answer, "person-" + i);
      }
    };
  }

  /** An access token answer for the connection of {@code person}, good for the margin at least. */
  private static void checkToken(Map<String, Object> answer, String person) {
    if (!(answer.get("access_token") instanceof String)
        || !CONNECTED_ORGANIZATION.equals(answer.get("organization_id"))
        || !person.equals(answer.get("person_id"))
        || !(answer.get("expires_in") instanceof Number left)
        || left.longValue() < PcoTokenVault.REFRESH_MARGIN.toSeconds()) {
      throw new IllegalStateException("not a usable token for " + person + ": " + answer.keySet());
    }
  }

  private static final int CONNECTED_PEOPLE = 3;

  /** Stores {@link #CONNECTED_PEOPLE} fresh connections of the organization. */
  private void connectPeople() {
    PcoTokenVault vault = vault(clock);
    for (int p = 0; p < CONNECTED_PEOPLE; p++) {
      connect(vault, clock, "person-" + p, Duration.ofHours(2));
    }
  }

  /** The broker's {@code connections} of an organization with three: one index query. */
  private InvokeScenario brokerConnections() {
    return sameCommand(
        this::connectPeople,
        () -> Map.of("operation", "connections", "organization_id", CONNECTED_ORGANIZATION),
        answer ->
            checkListed(
                answer,
                "connections",
                CONNECTED_PEOPLE,
                "organization_id",
                CONNECTED_ORGANIZATION));
  }

  /**
   * Fails unless {@code answer}'s list {@code name} holds {@code size} objects whose {@code member}
   * is {@code value}.
   */
  private static void checkListed(
      Map<String, Object> answer, String name, int size, String member, String value) {
    if (!(answer.get(name) instanceof List<?> listed)
        || listed.size() != size
        || listed.stream()
            .anyMatch(
                item -> !(item instanceof Map<?, ?> object) || !value.equals(object.get(member)))) {
      throw new IllegalStateException(
          "expected " + size + " " + name + " of " + member + " " + value + ": " + answer);
    }
  }

  /**
   * Keep-alive as its schedule runs it ({@code {"operation": "keep_alive"}}) with three recently
   * refreshed connections and none idle: one index query.
   */
  private InvokeScenario keepAliveNothingIdle() {
    return sameCommand(
        this::connectPeople,
        () -> Map.of("operation", "keep_alive"),
        answer -> checkKeepAlive(answer, 0));
  }

  /**
   * Keep-alive finding exactly one idle connection per request and refreshing it at the simulated
   * Planning Center. Connection {@code i} was last refreshed {@code n - i} days and 12 hours ago
   * ({@code n} requests), and request {@code i} asks for {@code idle_days} {@code n - i}: the
   * connections before it were refreshed by the requests before, those after it are not idle yet.
   */
  private InvokeScenario keepAliveOneIdle() {
    int[] invocationCount = new int[1];
    return new InvokeScenario() {
      @Override
      public void prepare(int invocations) {
        if (invocations > 365) {
          throw new IllegalArgumentException(
              "keep-alive's idle_days is at most 365: at most 365 requests, not " + invocations);
        }
        invocationCount[0] = invocations;
        for (int i = 0; i < invocations; i++) {
          Clock then =
              Clock.offset(clock, Duration.ofDays(invocations - i).plusHours(12).negated());
          connect(vault(then), then, "person-" + i, Duration.ofHours(2));
        }
      }

      @Override
      public Map<String, Object> command(int i) {
        return Map.of("operation", "keep_alive", "idle_days", invocationCount[0] - i);
      }

      @Override
      public void check(Map<String, Object> answer) {
        checkKeepAlive(answer, 1);
      }
    };
  }

  /** A complete keep-alive run that found {@code refreshed} idle connections and refreshed them. */
  private static void checkKeepAlive(Map<String, Object> answer, int refreshed) {
    if (!Boolean.TRUE.equals(answer.get("complete"))
        || !(answer.get("examined") instanceof Number examined)
        || examined.intValue() != refreshed
        || !(answer.get("refreshed") instanceof Number done)
        || done.intValue() != refreshed
        || !(answer.get("failed") instanceof Number failed)
        || failed.intValue() != 0) {
      throw new IllegalStateException("expected " + refreshed + " refreshed: " + answer);
    }
  }

  /** The admin function's {@code grant_status} of a live grant: one read by key. */
  private InvokeScenario grantStatus() {
    String clientId = env("TokenFunction").get("CLIENT_ID");
    String[] grantId = new String[1];
    return sameCommand(
        () -> {
          Grant grant = newGrant(clientId);
          seedGrant(grant);
          grantId[0] = grant.id();
        },
        () -> Map.of("operation", "grant_status", "grant_id", grantId[0]),
        answer -> {
          if (!grantId[0].equals(answer.get("grant_id"))
              || !Boolean.TRUE.equals(answer.get("alive"))
              || !Boolean.FALSE.equals(answer.get("revoked"))) {
            throw new IllegalStateException("not the live grant's status: " + answer);
          }
        });
  }

  private static final int USER_GRANTS = 3;

  /**
   * The admin function's {@code list_grants} of a user with three grants: the ids from the index,
   * the grants in one batch.
   */
  private InvokeScenario listGrants() {
    String clientId = env("TokenFunction").get("CLIENT_ID");
    return sameCommand(
        () -> {
          for (int g = 0; g < USER_GRANTS; g++) {
            seedGrant(newGrant(clientId));
          }
        },
        () -> Map.of("operation", "list_grants", "user_id", "bench-user"),
        answer -> checkListed(answer, "grants", USER_GRANTS, "user_id", "bench-user"));
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
