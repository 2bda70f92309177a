package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.amazonaws.services.lambda.runtime.Context;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.PcoTokenMode;
import org.pcohandshake.fn.authorizedecision.AuthorizeDecisionHandler;
import org.pcohandshake.fn.authorizeprompt.AuthorizePromptHandler;
import org.pcohandshake.fn.grantadmin.GrantAdminHandler;
import org.pcohandshake.fn.pcocomplete.PcoCompleteHandler;
import org.pcohandshake.fn.token.TokenHandler;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.pco.PcoClient;
import org.pcohandshake.pco.PcoTokenVault;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.aws.Provisioner;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.fault.FaultProxy;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.lambda.LocalContext;
import org.pcohandshake.testkit.login.LoginTokens;
import org.pcohandshake.testkit.pco.PcoSimulator;
import org.pcohandshake.testkit.sam.SamTemplate;
import org.pcohandshake.testkit.time.MutableClock;

/**
 * One provisioned stack (from template.yaml, in the shared emulator), a PCO simulator that knows
 * it, a fault proxy between every function and the emulator, and every function's handler, with one
 * method per step of the handshake. Handlers are built by {@link #freshHandlers()} (so their secret
 * caches start cold) and see the proxy as {@code AWS_ENDPOINT_URL}.
 */
final class Handshake implements AutoCloseable {

  static final String ISSUER = "https://integrator.test";
  static final String PCO_CLIENT_ID = "pco-reliability-client";
  static final String PCO_CLIENT_SECRET = "pco-reliability-secret-5c1e77";
  static final String APPLICATION_ID = "4242";
  static final String STATE = "st-42";
  // RFC 7636 appendix B
  static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

  /** How long the functions wait for PCO in these tests (the configuration allows 100 ms–10 s). */
  static final Duration PCO_TIMEOUT = Duration.ofMillis(1000);

  final ProvisionedStack stack;
  final PcoSimulator pco;
  final FaultProxy aws;
  final MutableClock clock = MutableClock.startingNow();
  final LoginTokens loginTokens;
  final String clientId;
  final String clientSecret;
  final String redirectUri;
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  PcoCompleteHandler pcoComplete;
  AuthorizePromptHandler prompt;
  AuthorizeDecisionHandler decision;
  TokenHandler token;
  GrantAdminHandler admin;

  Handshake() {
    stack =
        new Provisioner(TEMPLATE, Emulator.shared())
            .provision(Map.of("PcoClientSecret", PCO_CLIENT_SECRET));
    try {
      pco =
          PcoSimulator.start(
              PcoSimulator.Settings.defaults()
                  .withPcoClient(PCO_CLIENT_ID, PCO_CLIENT_SECRET)
                  .withOauthApplicationId(APPLICATION_ID)
                  .withRedirectUrl(ISSUER + "/oauth/pco/complete")
                  .withAutoApprove(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    aws = FaultProxy.start(Emulator.shared().endpoint());
    Map<String, String> promptEnv = environment("AuthorizePromptFunction");
    loginTokens =
        new LoginTokens(stack.secretValue("LoginBridgeKey"), promptEnv.get("LOGIN_ISSUER"), ISSUER);
    clientId = promptEnv.get("CLIENT_ID");
    clientSecret = stack.secretValue("IntegratorClientSecret");
    redirectUri = pco.baseUrl() + "/addons/authorizations/" + APPLICATION_ID;
    freshHandlers();
  }

  /** A function's environment: as template.yaml declares it, its AWS calls through the proxy. */
  Map<String, String> environment(String function) {
    Map<String, String> env =
        new HashMap<>(
            aws.pointAt(
                stack.environmentFor(
                    function,
                    ISSUER,
                    Map.of(
                        "PcoBaseUrl",
                        pco.baseUrl(),
                        "PcoClientId",
                        PCO_CLIENT_ID,
                        "PcoOAuthApplicationId",
                        APPLICATION_ID,
                        "PcoTokenMode",
                        "store"))));
    env.put("PCO_HTTP_TIMEOUT_MS", Long.toString(PCO_TIMEOUT.toMillis()));
    return env;
  }

  /** New handlers, as new Lambda instances would be: clients built, caches empty. */
  void freshHandlers() {
    pcoComplete = new PcoCompleteHandler(environment("PcoCompleteFunction"), clock);
    prompt = new AuthorizePromptHandler(environment("AuthorizePromptFunction"), clock);
    decision = new AuthorizeDecisionHandler(environment("AuthorizeDecisionFunction"), clock);
    token = new TokenHandler(environment("TokenFunction"), clock);
    admin = new GrantAdminHandler(environment("GrantAdminFunction"), clock);
  }

  /** A client of the simulated PCO, as the integrator's functions build one. */
  PcoClient pcoClient() {
    return new PcoClient(
        pco.baseUrl(), PCO_CLIENT_ID, () -> PCO_CLIENT_SECRET, PCO_TIMEOUT, Clock.systemUTC());
  }

  /**
   * The PCO token vault as the integrator's functions build it, its AWS calls through the proxy.
   */
  PcoTokenVault pcoVault() {
    Config config = Config.fromEnvironment(environment("PcoCompleteFunction"));
    AwsClients aws = new AwsClients(config);
    return new PcoTokenVault(
        aws.dynamoDb(),
        aws.kms(),
        config.tableName(),
        ((PcoTokenMode.Store) config.pcoTokenMode()).tokenKeyId(),
        pcoClient(),
        Clock.systemUTC());
  }

  static final SamTemplate TEMPLATE = SamTemplate.fromProjectRoot();

  /** The Lambda context of one invocation of the template's function: its timeout counts down. */
  static Context invocation(String functionLogicalId) {
    return LocalContext.forFunction(TEMPLATE.function(functionLogicalId));
  }

  /** Every item of the table, rendered and sorted, for before/after comparisons. */
  List<String> table() {
    return stack.scanTable("Table").stream().map(Object::toString).sorted().toList();
  }

  // ---- step 1 and 2: Planning Center ----------------------------------------------------------

  /** Step 1 at the simulated PCO (auto-approved): the code it sends back to step 2. */
  String pcoCode() {
    String query =
        "client_id="
            + enc(PCO_CLIENT_ID)
            + "&redirect_uri="
            + enc(ISSUER + "/oauth/pco/complete")
            + "&response_type=code&scope=people&state=st";
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(pco.authorizeEndpoint() + "?" + query)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(302, response.statusCode(), response.body());
      String location = response.headers().firstValue("location").orElseThrow();
      return queryOf(location).get("code");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Steps 1 and 2: a fresh link cookie (a link yields one code, so a test needs one per code). */
  String freshLink() {
    APIGatewayV2HTTPResponse completed = complete(pcoCode());
    assertEquals(302, completed.getStatusCode(), completed.getBody());
    return cookie(completed, Cookies.PCO_LINK);
  }

  TestEvent completeEvent(String code) {
    return TestEvent.get("/oauth/pco/complete").query("code", code).query("state", "st");
  }

  /** Step 2: {@code GET /oauth/pco/complete?code=…}. */
  APIGatewayV2HTTPResponse complete(String code) {
    return pcoComplete.handleRequest(
        completeEvent(code).build(), invocation("PcoCompleteFunction"));
  }

  // ---- step 4: the authorize prompt -------------------------------------------------------------

  TestEvent authorizeEvent() {
    return TestEvent.get("/oauth/authorize")
        .query("response_type", "code")
        .query("client_id", clientId)
        .query("redirect_uri", redirectUri)
        .query("state", STATE)
        .query("code_challenge", CHALLENGE)
        .query("code_challenge_method", "S256");
  }

  String loginToken() {
    return loginTokens.sign("user-7", "Ada Lovelace", clock.instant(), Duration.ofMinutes(2));
  }

  TestEvent loginEvent(String loginToken) {
    return LoginTokens.bound(authorizeEvent(), loginToken);
  }

  /** The login bridge's return: {@code GET /oauth/authorize?…&login_token=…}. */
  APIGatewayV2HTTPResponse login(String loginToken) {
    return prompt.handleRequest(
        loginEvent(loginToken).build(), invocation("AuthorizePromptFunction"));
  }

  TestEvent promptEvent(String session, String link) {
    TestEvent event = authorizeEvent();
    if (session != null) {
      event.cookie(Cookies.SESSION, session);
    }
    if (link != null) {
      event.cookie(Cookies.PCO_LINK, link);
    }
    return event;
  }

  /** The consent page: {@code GET /oauth/authorize} with the session (and link) cookie. */
  APIGatewayV2HTTPResponse consentPage(String session, String link) {
    return prompt.handleRequest(
        promptEvent(session, link).build(), invocation("AuthorizePromptFunction"));
  }

  // ---- step 4b: the decision --------------------------------------------------------------------

  TestEvent decisionEvent(String session, String formToken, String decision) {
    return TestEvent.post("/oauth/authorize")
        .header("origin", ISSUER)
        .cookie(Cookies.SESSION, session)
        .form("form_token", formToken, "decision", decision);
  }

  APIGatewayV2HTTPResponse decide(String session, String formToken, String choice) {
    return decision.handleRequest(
        decisionEvent(session, formToken, choice).build(), invocation("AuthorizeDecisionFunction"));
  }

  // ---- step 6 and refreshes: the token endpoint
  // ---------------------------------------------------

  TestEvent exchangeEvent(String code) {
    return TestEvent.post("/oauth/token")
        .basic(clientId, clientSecret)
        .form(
            "grant_type",
            "authorization_code",
            "code",
            code,
            "redirect_uri",
            redirectUri,
            "code_verifier",
            VERIFIER);
  }

  APIGatewayV2HTTPResponse exchange(String code) {
    return token.handleRequest(exchangeEvent(code).build(), invocation("TokenFunction"));
  }

  TestEvent refreshEvent(String refreshToken) {
    return TestEvent.post("/oauth/token")
        .basic(clientId, clientSecret)
        .form("grant_type", "refresh_token", "refresh_token", refreshToken);
  }

  APIGatewayV2HTTPResponse refresh(String refreshToken) {
    return token.handleRequest(refreshEvent(refreshToken).build(), invocation("TokenFunction"));
  }

  // ---- the admin function (Lambda Invoke)
  // --------------------------------------------------------

  /** One command through the admin function's stream entry: its JSON answer. */
  Map<String, Object> admin(String command) {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      admin.handleRequest(
          new java.io.ByteArrayInputStream(command.getBytes(StandardCharsets.UTF_8)),
          out,
          invocation("GrantAdminFunction"));
      return TestJson.object(out.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- whole flows ------------------------------------------------------------------------------

  /** Everything secret one handshake produced, for the log scan. */
  record Secrets(
      String pcoCode,
      String linkCookie,
      String loginToken,
      String session,
      String formToken,
      String code,
      String accessToken,
      String refreshToken) {}

  /** Steps 2 to 4: PCO's code through to a session, a link and a consent page's form token. */
  record Consent(
      String pcoCode, String link, String loginToken, String session, String formToken) {}

  Consent toConsent() {
    String pcoCode = pcoCode();
    APIGatewayV2HTTPResponse completed = complete(pcoCode);
    assertEquals(302, completed.getStatusCode(), completed.getBody());
    String link = cookie(completed, Cookies.PCO_LINK);
    String loginToken = loginToken();
    APIGatewayV2HTTPResponse loggedIn = login(loginToken);
    assertEquals(303, loggedIn.getStatusCode(), loggedIn.getBody());
    String session = cookie(loggedIn, Cookies.SESSION);
    APIGatewayV2HTTPResponse page = consentPage(session, link);
    assertEquals(200, page.getStatusCode(), page.getBody());
    return new Consent(pcoCode, link, loginToken, session, formToken(page));
  }

  /** Steps 2 to 4b: a fresh, unredeemed code. */
  String toCode() {
    Consent consent = toConsent();
    APIGatewayV2HTTPResponse approved = decide(consent.session(), consent.formToken(), "approve");
    return code(approved);
  }

  /** The whole handshake, steps 2 to 6: the first token response's refresh token. */
  Secrets handshake() {
    Consent consent = toConsent();
    String code = code(decide(consent.session(), consent.formToken(), "approve"));
    APIGatewayV2HTTPResponse tokens = exchange(code);
    Map<String, Object> body = json(tokens);
    assertEquals(200, tokens.getStatusCode(), tokens.getBody());
    return new Secrets(
        consent.pcoCode(),
        consent.link(),
        consent.loginToken(),
        consent.session(),
        consent.formToken(),
        code,
        (String) body.get("access_token"),
        (String) body.get("refresh_token"));
  }

  // ---- reading responses ------------------------------------------------------------------------

  static String cookie(APIGatewayV2HTTPResponse response, String name) {
    assertNotNull(response.getCookies(), "Set-Cookie expected: " + response.getBody());
    for (String cookie : response.getCookies()) {
      if (cookie.startsWith(name + "=")) {
        return cookie.substring(name.length() + 1, cookie.indexOf(';'));
      }
    }
    throw new AssertionError("no cookie " + name + " in " + response.getCookies());
  }

  private static final Pattern FORM_TOKEN =
      Pattern.compile("name=\"form_token\" value=\"([A-Za-z0-9_-]+)\"");

  static String formToken(APIGatewayV2HTTPResponse page) {
    Matcher matcher = FORM_TOKEN.matcher(page.getBody());
    if (!matcher.find()) {
      throw new AssertionError("no form token on the page");
    }
    return matcher.group(1);
  }

  static String code(APIGatewayV2HTTPResponse approved) {
    assertEquals(303, approved.getStatusCode(), approved.getBody());
    String code = queryOf(approved.getHeaders().get("location")).get("code");
    return Objects.requireNonNull(code, "no code in the redirect");
  }

  static Map<String, Object> json(APIGatewayV2HTTPResponse response) {
    try {
      return TestJson.object(response.getBody());
    } catch (IllegalArgumentException e) {
      throw new AssertionError("not JSON: " + response.getBody(), e);
    }
  }

  static String refreshToken(APIGatewayV2HTTPResponse response) {
    assertEquals(200, response.getStatusCode(), response.getBody());
    return (String) json(response).get("refresh_token");
  }

  static Map<String, String> queryOf(String url) {
    Map<String, String> values = new HashMap<>();
    String raw = URI.create(url).getRawQuery();
    if (raw == null) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      values.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return values;
  }

  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    aws.close();
    pco.close();
    http.close();
  }
}
