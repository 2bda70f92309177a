package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.fn.authorizeprompt.AuthorizePromptHandler;
import org.pcohandshake.fn.logincallback.LoginCallbackHandler;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.oidc.TestProvider;
import org.pcohandshake.testkit.oidc.TestProvider.Endpoint;
import org.pcohandshake.testkit.oidc.TestProvider.Fault;

/**
 * The oidc login mode with the identity provider failing at each of its endpoints the sign-in uses
 * (discovery, token, JWKS): down (503), answering garbage (200 with a body that is not the JSON
 * asked for), slow (longer than our timeout) and trickling (a slow-loris answer, one byte at a
 * time). Every case answers a readable page within the invocation's deadline (well inside API
 * Gateway's 30 s), opens no session and leaves nothing half-written: the prompt stores no login
 * request when it cannot send the browser on; a callback whose sign-in fails has consumed its login
 * request (single use) and stored nothing else, and a new sign-in in the same browser works once
 * the provider is back. Each test uses fresh handlers: a new Lambda instance, with nothing of the
 * provider cached.
 */
class OidcProviderFaultIT {

  static final String ISSUER = "https://auth.example.test";
  static final String CLIENT = "pco-handshake-reliability";
  static final String PCO = "https://api.planningcenteronline.com";

  /** Longer than any timeout of ours towards the provider. */
  static final Duration SLOW = Duration.ofSeconds(9);

  /** The whole answer, however the provider misbehaves: inside the function's 10 s timeout. */
  static final Duration BOUND = Duration.ofSeconds(9);

  @Provisioned(secrets = {"OidcClientSecret", "oidc-client-secret-for-reliability"})
  static ProvisionedStack stack;

  static TestProvider op;
  static Map<String, String> promptEnv;
  static Map<String, String> callbackEnv;
  static final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  AuthorizePromptHandler prompt;
  LoginCallbackHandler callback;

  @BeforeAll
  static void start() {
    op = TestProvider.start();
    Map<String, String> parameters =
        Map.of(
            "LoginMode",
            "oidc",
            "OidcIssuer",
            op.issuer(),
            "OidcClientId",
            CLIENT,
            "PcoTokenMode",
            "skip");
    promptEnv = stack.environmentFor("AuthorizePromptFunction", ISSUER, parameters);
    callbackEnv = stack.environmentFor("LoginCallbackFunction", ISSUER, parameters);
  }

  @AfterAll
  static void stop() {
    op.close();
  }

  @BeforeEach
  void freshInstances() {
    prompt = new AuthorizePromptHandler(promptEnv, Clock.systemUTC());
    callback = new LoginCallbackHandler(callbackEnv, Clock.systemUTC());
  }

  @AfterEach
  void providerWellAgain() {
    op.clearFaults();
  }

  /** A sign-in in flight: the browser's pre-login cookie, the provider's redirect back. */
  record SignIn(String loginCookie, String callbackUrl) {}

  APIGatewayV2HTTPResponse authorize() {
    return prompt.handleRequest(
        TestEvent.get("/oauth/authorize")
            .query("response_type", "code")
            .query("client_id", promptEnv.get("CLIENT_ID"))
            .query(
                "redirect_uri",
                PCO + "/addons/authorizations/" + promptEnv.get("PCO_OAUTH_APPLICATION_ID"))
            .query("state", "pco-state")
            .header("accept", "text/html")
            .build(),
        Handshake.invocation("AuthorizePromptFunction"));
  }

  SignIn signIn(String user) throws Exception {
    APIGatewayV2HTTPResponse toProvider = authorize();
    assertEquals(302, toProvider.getStatusCode(), toProvider.getBody());
    op.nextUser(user, CLIENT, Map.of("name", "Rita Reliable"));
    HttpResponse<String> back =
        http.send(
            HttpRequest.newBuilder(URI.create(toProvider.getHeaders().get("location"))).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(302, back.statusCode(), back.body());
    return new SignIn(
        Handshake.cookie(toProvider, Cookies.LOGIN),
        back.headers().firstValue("location").orElseThrow());
  }

  APIGatewayV2HTTPResponse callback(SignIn signIn) {
    return callback.handleRequest(
        TestEvent.get("/oauth/login/callback")
            .rawQuery(URI.create(signIn.callbackUrl()).getRawQuery())
            .cookie(Cookies.LOGIN, signIn.loginCookie())
            .header("accept", "text/html")
            .build(),
        Handshake.invocation("LoginCallbackFunction"));
  }

  List<String> table() {
    return stack.scanTable("Table").stream().map(Object::toString).sorted().toList();
  }

  static boolean opensSession(APIGatewayV2HTTPResponse response) {
    return response.getCookies() != null
        && response.getCookies().stream()
            .anyMatch(c -> c.startsWith(Cookies.SESSION + "=") && !c.contains("Max-Age=0"));
  }

  static void assertProviderUnavailablePage(APIGatewayV2HTTPResponse response) {
    assertEquals(
        ErrorCatalog.Page.OIDC_UNAVAILABLE.status(), response.getStatusCode(), response.getBody());
    assertTrue(
        response.getHeaders().getOrDefault("content-type", "").startsWith("text/html"),
        response.getHeaders().toString());
    assertTrue(response.getBody().contains("not answering"), response.getBody());
    assertFalse(opensSession(response));
  }

  static Stream<Fault> faults() {
    return Stream.of(
        Fault.status(503), Fault.garbage(), Fault.huge(4 * 1024 * 1024), Fault.slow(SLOW));
  }

  /** Times a call; fails when it took longer than {@link #BOUND}. */
  static APIGatewayV2HTTPResponse bounded(
      java.util.function.Supplier<APIGatewayV2HTTPResponse> call) {
    long start = System.nanoTime();
    APIGatewayV2HTTPResponse response = call.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(BOUND) < 0, "answered after " + took.toMillis() + " ms");
    return response;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void discoveryFails_atThePrompt_isAPage_storesNoLoginRequest_theNextInstanceSignsIn(Fault fault)
      throws Exception {
    List<String> before = table();
    op.failNext(Endpoint.DISCOVERY, 1, fault);

    APIGatewayV2HTTPResponse page = bounded(this::authorize);

    assertProviderUnavailablePage(page);
    assertEquals(before, table(), "no login request without a redirect to the provider");
    freshInstances();
    assertEquals(303, callback(signIn("rita-1")).getStatusCode());
  }

  static Stream<Arguments> callbackFaults() {
    return Stream.of(Endpoint.DISCOVERY, Endpoint.TOKEN, Endpoint.JWKS)
        .flatMap(endpoint -> faults().map(fault -> Arguments.of(endpoint, fault)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("callbackFaults")
  void providerFails_atTheCallback_isAPage_noSession_aNewSignInWorks(Endpoint endpoint, Fault fault)
      throws Exception {
    SignIn signIn = signIn("rita-2");
    List<String> before = table();
    op.failNext(endpoint, 1, fault);

    APIGatewayV2HTTPResponse page = bounded(() -> callback(signIn));

    assertProviderUnavailablePage(page);
    List<String> after = table();
    assertEquals(before.size() - 1, after.size(), "only the login request is gone: " + after);
    assertTrue(before.containsAll(after), "nothing written: no session, no spent login id");
    op.clearFaults();
    freshInstances();
    assertEquals(303, callback(signIn("rita-3")).getStatusCode());
  }

  /**
   * A provider that answers, but one byte at a time (each byte inside the read timeout, the whole
   * answer far beyond it): the token endpoint and then the JWKS. The callback still answers a page
   * inside the bound, because each call to the provider is bounded as a whole, not per read.
   */
  @Test
  void providerTrickles_atTheTokenEndpointAndTheJwks_isAPageInsideTheBound() throws Exception {
    for (Endpoint endpoint : List.of(Endpoint.TOKEN, Endpoint.JWKS)) {
      freshInstances();
      SignIn signIn = signIn("rita-4");
      op.failNext(endpoint, 1, Fault.trickle(Duration.ofMillis(500)));

      APIGatewayV2HTTPResponse page = bounded(() -> callback(signIn));

      assertProviderUnavailablePage(page);
      op.clearFaults();
    }
  }
}
