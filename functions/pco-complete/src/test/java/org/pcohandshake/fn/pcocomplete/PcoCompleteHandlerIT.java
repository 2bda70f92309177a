package org.pcohandshake.fn.pcocomplete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.link.PendingLink;
import org.pcohandshake.log.Log;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.lambda.HttpApiEventJson;
import org.pcohandshake.testkit.pco.Fault;
import org.pcohandshake.testkit.pco.PcoSimulator;
import org.pcohandshake.testkit.sam.ProjectRoot;
import org.pcohandshake.testkit.time.MutableClock;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;

/** {@code GET /oauth/pco/complete} against moto and the PCO simulator, handler invoked directly. */
class PcoCompleteHandlerIT {

  @Provisioned(secrets = {"PcoClientSecret", PcoCompleteFixture.PCO_CLIENT_SECRET})
  static ProvisionedStack stack;

  private static PcoCompleteFixture fixture;
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

  @BeforeAll
  static void start() throws Exception {
    fixture = new PcoCompleteFixture(stack);
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @AfterEach
  void reset() {
    fixture.pco.clearFaults();
    fixture.pco.resetCounters();
    Log.to(System.out);
  }

  private void captureLogs() {
    Log.to(new PrintStream(logs, true, StandardCharsets.UTF_8));
  }

  private static APIGatewayV2HTTPResponse invoke(
      String mode, Map<String, String> extraEnv, String rawQuery) {
    PcoCompleteHandler handler =
        new PcoCompleteHandler(fixture.environment(mode, extraEnv), Clock.systemUTC());
    return handler.handleRequest(
        TestEvent.get("/oauth/pco/complete").rawQuery(rawQuery).build(), null);
  }

  private static APIGatewayV2HTTPResponse invoke(String mode, String rawQuery) {
    return invoke(mode, Map.of(), rawQuery);
  }

  private static String linkCookie(APIGatewayV2HTTPResponse response) {
    assertNotNull(response.getCookies(), "Set-Cookie expected");
    assertEquals(1, response.getCookies().size());
    return response.getCookies().getFirst();
  }

  private static void assertAdvanced(APIGatewayV2HTTPResponse response) {
    assertEquals(302, response.getStatusCode());
    assertEquals(fixture.pco.advanceUrl(), response.getHeaders().get("location"));
    assertEquals("no-store", response.getHeaders().get("cache-control"));
  }

  private static List<Map<String, AttributeValue>> itemsWithPrefix(
      List<Map<String, AttributeValue>> items, String prefix) {
    return items.stream().filter(i -> i.get("pk").s().startsWith(prefix + "#")).toList();
  }

  // ---- happy paths ------------------------------------------------------------------------

  @Test
  void identify_setsTheLinkCookie_redirectsToTheExactAdvanceUrl_andStoresNoTokens()
      throws Exception {
    List<Map<String, AttributeValue>> before = fixture.scan();
    String code = fixture.authorizationCode();
    captureLogs();

    APIGatewayV2HTTPResponse response = invoke("identify", "code=" + code + "&state=st");

    assertAdvanced(response);
    String setCookie = linkCookie(response);
    assertTrue(setCookie.startsWith(Cookies.PCO_LINK + "="), setCookie);
    List<String> attributes = List.of(setCookie.split(";\\s*"));
    assertTrue(attributes.contains("HttpOnly"), setCookie);
    assertTrue(attributes.contains("Secure"), setCookie);
    assertTrue(attributes.contains("SameSite=Lax"), setCookie);
    assertTrue(attributes.contains("Path=/"), setCookie);
    assertTrue(attributes.contains("Max-Age=120"), setCookie);

    // the cookie refers to the PCO identity, for step 4
    String cookieValue = attributes.getFirst().substring(Cookies.PCO_LINK.length() + 1);
    Config config = fixture.config("identify");
    LinkStore links =
        new LinkStore(
            new AwsClients(config).dynamoDb(),
            config.tableName(),
            config.pco().linkTtl(),
            Clock.systemUTC());
    PendingLink found = links.claim(cookieValue, Duration.ZERO).orElseThrow();
    assertEquals(new PcoLink("2002", "1001", "Pat Example"), found.link());
    assertEquals("Example Church", found.organizationName(), "read once, for the consent page");

    List<Map<String, AttributeValue>> written = new ArrayList<>(fixture.scan());
    written.removeAll(before);
    assertEquals(1, written.size(), "only the link is written");
    assertEquals(1, itemsWithPrefix(written, "PCOLINK").size());
    assertTrue(itemsWithPrefix(written, "PCOCONN").isEmpty(), "identify mode keeps no tokens");
    assertTrue(
        written.stream().flatMap(i -> i.values().stream()).allMatch(v -> v.b() == null),
        "no ciphertext either");
    assertEquals(1, fixture.pco.authorizationCodeCalls().get());
    assertEquals(1, fixture.pco.meCalls().get());
    assertEquals(1, fixture.pco.organizationCalls().get());

    String logged = logs.toString(StandardCharsets.UTF_8);
    assertTrue(logged.contains("\"event\":\"pco_complete\""), logged);
    assertTrue(logged.contains("\"result\":\"advanced\""), logged);
    assertFalse(logged.contains(code), "the code is never logged");
    assertFalse(logged.contains(cookieValue), "the cookie is never logged");
  }

  @Test
  void store_keepsOnlyCiphertext_boundToTheConnection() throws Exception {
    String code = fixture.authorizationCode();
    captureLogs();

    APIGatewayV2HTTPResponse response = invoke("store", "code=" + code);

    assertAdvanced(response);
    linkCookie(response);
    List<Map<String, AttributeValue>> items = fixture.scan();
    List<Map<String, AttributeValue>> connections = itemsWithPrefix(items, "PCOCONN");
    assertEquals(1, connections.size());
    Map<String, AttributeValue> connection = connections.getFirst();
    assertEquals("PCOCONN#2002#1001", connection.get("pk").s());
    assertEquals("PCOCONN", connection.get("sk").s());
    assertTrue(
        Set.of(
                "pk",
                "sk",
                "tokens",
                "accessExp",
                "version",
                "reauth",
                "exp",
                "ttl",
                // what a listing shows, and the listing indexes' keys: ids, times, scopes
                "organizationId",
                "personId",
                "connectedAt",
                "refreshedAt",
                "scopes",
                "connOrg",
                "connStatus")
            .containsAll(connection.keySet()),
        connection.keySet().toString());
    assertFalse(connection.get("reauth").bool());

    // what the ciphertext holds, decrypted as only the vault's context allows
    Map<String, Object> plaintext;
    try (KmsClient kms = new AwsClients(fixture.config("store")).kms()) {
      SdkBytes decrypted =
          kms.decrypt(
                  r ->
                      r.ciphertextBlob(connection.get("tokens").b())
                          .encryptionContext(
                              Map.of(
                                  "purpose",
                                  "pco-token",
                                  "organization",
                                  "2002",
                                  "person",
                                  "1001")))
              .plaintext();
      plaintext = TestJson.object(decrypted.asUtf8String());
    }
    String accessToken = (String) plaintext.get("access_token");
    String refreshToken = (String) plaintext.get("refresh_token");
    assertEquals(64, accessToken.length());
    assertEquals(64, refreshToken.length());
    // they are PCO's real tokens
    assertEquals("1001", fixture.client(Clock.systemUTC()).me(accessToken).personId());

    for (Map<String, AttributeValue> item : items) {
      for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
        String shown = renderings(attribute.getValue());
        assertFalse(shown.contains(accessToken), "plaintext access token in " + attribute.getKey());
        assertFalse(
            shown.contains(refreshToken), "plaintext refresh token in " + attribute.getKey());
      }
    }
    String written = logs.toString(StandardCharsets.UTF_8);
    assertFalse(written.contains(accessToken));
    assertFalse(written.contains(refreshToken));
    assertFalse(written.contains(code));
  }

  /** Every way a value could show a token: text, numbers, bytes as UTF-8, base64 and hex. */
  private static String renderings(AttributeValue value) {
    StringBuilder all = new StringBuilder(value.toString());
    if (value.b() != null) {
      byte[] bytes = value.b().asByteArray();
      all.append('\n').append(new String(bytes, StandardCharsets.UTF_8));
      all.append('\n').append(Base64.getEncoder().encodeToString(bytes));
      all.append('\n').append(HexFormat.of().formatHex(bytes));
    }
    if (value.s() != null) {
      all.append('\n').append(value.s());
    }
    return all.toString();
  }

  @Test
  void link_livesAtMost120Seconds_byDefault() throws Exception {
    assertNull(fixture.environment("identify", Map.of()).get(Config.PCO_LINK_TTL_SECONDS));
    APIGatewayV2HTTPResponse response =
        invoke("identify", "code=" + fixture.authorizationCode() + "&state=st");
    assertAdvanced(response);
    String setCookie = linkCookie(response);
    assertTrue(List.of(setCookie.split(";\\s*")).contains("Max-Age=120"), setCookie);
    String cookieValue = setCookie.substring(Cookies.PCO_LINK.length() + 1, setCookie.indexOf(';'));

    Config config = fixture.config("identify");
    MutableClock clock = MutableClock.startingNow();
    LinkStore links =
        new LinkStore(
            new AwsClients(config).dynamoDb(), config.tableName(), config.pco().linkTtl(), clock);
    clock.advance(Duration.ofSeconds(110));
    assertTrue(
        links.claim(cookieValue, Duration.ZERO).isPresent(), "still live a little under 120 s");
    clock.advance(Duration.ofSeconds(11));
    assertTrue(links.claim(cookieValue, Duration.ZERO).isEmpty(), "gone after 120 s");
  }

  /** Codes no OAuth server issues: empty, over 1,024 characters, outside VSCHAR (%x20-7E). */
  static Stream<String> implausibleCodes() {
    return Stream.of(
        "code=",
        "code=" + "a".repeat(1025),
        "code=abc%00def",
        "code=abc%0Adef",
        "code=abc%1Fdef",
        "code=abc%7Fdef",
        "code=caf%C3%A9",
        "code=%E2%80%AEabc");
  }

  @ParameterizedTest
  @MethodSource("implausibleCodes")
  void implausibleCode_isAReadablePage_andNeverReachesPcosTokenEndpoint(String query) {
    for (String mode : List.of("identify", "store")) {
      List<Map<String, AttributeValue>> before = fixture.scan();
      APIGatewayV2HTTPResponse response = invoke(mode, query + "&state=st");

      assertEquals(400, response.getStatusCode(), response.getBody());
      assertTrue(response.getHeaders().get("content-type").startsWith("text/html"));
      assertNull(response.getHeaders().get("location"));
      assertNull(response.getCookies());
      assertEquals(0, fixture.pco.tokenCalls().get(), "no token call with our client credentials");
      assertEquals(0, fixture.pco.meCalls().get());
      assertEquals(before, fixture.scan(), "nothing written");
    }
  }

  @Test
  void plausibleCodeOfEveryVsChar_isExchanged() {
    // the longest plausible code, of every VSCHAR: PCO is asked (and refuses it: no such code)
    StringBuilder every = new StringBuilder();
    for (char c = 0x20; c <= 0x7e; c++) {
      every.append(c);
    }
    String code = (every + "x".repeat(1024)).substring(0, 1024);
    APIGatewayV2HTTPResponse response =
        invoke("identify", "code=" + PcoCompleteFixture.enc(code) + "&state=st");
    assertEquals(ErrorCatalog.Page.PCO_INVALID_GRANT.status(), response.getStatusCode());
    assertEquals(1, fixture.pco.tokenCalls().get());
  }

  @Test
  void skip_advancesWithoutCallingPco_andWritesNothing() {
    List<Map<String, AttributeValue>> before = fixture.scan();

    APIGatewayV2HTTPResponse response = invoke("skip", "code=anything&state=st");

    assertAdvanced(response);
    assertNull(response.getCookies());
    assertEquals(0, fixture.pco.tokenCalls().get());
    assertEquals(0, fixture.pco.meCalls().get());
    assertEquals(before, fixture.scan());
  }

  // ---- the example events that also drive `sam local invoke` ------------------------------

  private static APIGatewayV2HTTPEvent exampleEvent(String name) throws Exception {
    return HttpApiEventJson.parseEvent(
        Files.readString(ProjectRoot.find().resolve("events").resolve(name)));
  }

  @Test
  void exampleEvent_denied_answersTheDeniedPage() throws Exception {
    List<Map<String, AttributeValue>> before = fixture.scan();
    APIGatewayV2HTTPResponse response =
        new PcoCompleteHandler(fixture.environment("store", Map.of()), Clock.systemUTC())
            .handleRequest(exampleEvent("pco-complete-denied.json"), null);
    assertEquals(ErrorCatalog.Page.PCO_DENIED.status(), response.getStatusCode());
    assertEquals(ErrorCatalog.Page.PCO_DENIED.page().body(), response.getBody());
    assertEquals(before, fixture.scan());
  }

  @Test
  void exampleEvent_withARealCode_advances() throws Exception {
    APIGatewayV2HTTPEvent event = exampleEvent("pco-complete.json");
    event.setRawQueryString(
        event
            .getRawQueryString()
            .replace(
                "replace-with-a-pco-code", PcoCompleteFixture.enc(fixture.authorizationCode())));
    APIGatewayV2HTTPResponse response =
        new PcoCompleteHandler(fixture.environment("identify", Map.of()), Clock.systemUTC())
            .handleRequest(event, null);
    assertAdvanced(response);
    linkCookie(response);
  }

  // ---- failures ---------------------------------------------------------------------------

  /**
   * A failing step 2.
   *
   * @param query builds the query (may obtain a real code)
   * @param arrange faults to inject before the call
   */
  record Failure(
      String name,
      Map<String, String> env,
      QuerySource query,
      Consumer<PcoSimulator> arrange,
      ErrorCatalog.Page page) {
    @Override
    public String toString() {
      return name;
    }
  }

  @FunctionalInterface
  interface QuerySource {
    String get() throws Exception;
  }

  private static QuerySource withCode() {
    return () -> "code=" + fixture.authorizationCode() + "&state=st";
  }

  private static final Consumer<PcoSimulator> NOTHING = pco -> {};

  static Stream<Failure> failures() {
    return Stream.of(
        new Failure(
            "access_denied",
            Map.of(),
            () -> "error=access_denied&error_description=denied&state=st",
            NOTHING,
            ErrorCatalog.Page.PCO_DENIED),
        new Failure(
            "other error from PCO",
            Map.of(),
            () -> "error=invalid_scope&state=st",
            NOTHING,
            ErrorCatalog.Page.PCO_REJECTED),
        new Failure(
            "missing code",
            Map.of(),
            () -> "state=st",
            NOTHING,
            ErrorCatalog.Page.PCO_MISSING_CODE),
        new Failure(
            "token endpoint 500",
            Map.of(),
            withCode(),
            pco -> pco.failNextTokenCalls(1, Fault.status(500)),
            ErrorCatalog.Page.PCO_UNAVAILABLE),
        new Failure(
            "token endpoint 429",
            Map.of(),
            withCode(),
            pco -> pco.failNextTokenCalls(1, Fault.tooManyRequests(20)),
            ErrorCatalog.Page.PCO_UNAVAILABLE),
        new Failure(
            "token endpoint slower than PCO_HTTP_TIMEOUT_MS",
            Map.of(Config.PCO_HTTP_TIMEOUT_MS, "300"),
            withCode(),
            pco -> pco.failNextTokenCalls(1, Fault.delayMillis(3_000)),
            ErrorCatalog.Page.PCO_UNAVAILABLE),
        new Failure(
            "connection dropped",
            Map.of(),
            withCode(),
            pco -> pco.failNextTokenCalls(1, Fault.dropConnection()),
            ErrorCatalog.Page.PCO_UNAVAILABLE),
        new Failure(
            "code already used (invalid_grant)",
            Map.of(),
            () -> {
              String code = fixture.authorizationCode();
              fixture
                  .client(Clock.systemUTC())
                  .exchangeCode(code, PcoCompleteFixture.BASE_URL + "/oauth/pco/complete");
              return "code=" + code;
            },
            NOTHING,
            ErrorCatalog.Page.PCO_INVALID_GRANT),
        new Failure(
            "invalid_grant injected",
            Map.of(),
            withCode(),
            pco -> pco.failNextTokenCalls(1, Fault.invalidGrant()),
            ErrorCatalog.Page.PCO_INVALID_GRANT),
        new Failure(
            "client refused (invalid_client)",
            Map.of(),
            withCode(),
            pco -> pco.failNextTokenCalls(1, Fault.status(401, "{\"error\":\"invalid_client\"}")),
            ErrorCatalog.Page.PCO_REJECTED),
        new Failure(
            "/me answers 500 after the exchange",
            Map.of(),
            withCode(),
            pco -> pco.failNextMeCalls(1, Fault.status(500)),
            ErrorCatalog.Page.PCO_UNAVAILABLE),
        new Failure(
            "/me answers 401 after the exchange",
            Map.of(),
            withCode(),
            pco -> pco.failNextMeCalls(1, Fault.invalidGrant()),
            ErrorCatalog.Page.PCO_INVALID_GRANT),
        new Failure(
            "/me slower than PCO_HTTP_TIMEOUT_MS",
            Map.of(Config.PCO_HTTP_TIMEOUT_MS, "300"),
            withCode(),
            pco -> pco.failNextMeCalls(1, Fault.delayMillis(3_000)),
            ErrorCatalog.Page.PCO_UNAVAILABLE),
        new Failure(
            "/me without an organization",
            Map.of(),
            withCode(),
            pco ->
                pco.failNextMeCalls(
                    1, Fault.status(200, "{\"data\":{\"type\":\"Person\",\"id\":\"1001\"}}")),
            ErrorCatalog.Page.PCO_UNAVAILABLE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void failure_answersItsPage_andWritesNothing(Failure failure) throws Exception {
    String query = failure.query().get();
    failure.arrange().accept(fixture.pco);
    List<Map<String, AttributeValue>> before = fixture.scan();

    long started = System.nanoTime();
    APIGatewayV2HTTPResponse response = invoke("store", failure.env(), query);
    long millis = (System.nanoTime() - started) / 1_000_000;

    assertEquals(failure.page().status(), response.getStatusCode());
    assertEquals(
        failure.page().page().body(), response.getBody(), "the catalog page, nothing else");
    assertTrue(response.getHeaders().get("content-type").startsWith("text/html"));
    assertNull(response.getHeaders().get("location"));
    assertNull(response.getCookies());
    assertEquals(before, fixture.scan(), "nothing written");
    if (failure.env().containsKey(Config.PCO_HTTP_TIMEOUT_MS)) {
      assertTrue(millis < 2_500, "gave up after the timeout, not after PCO answered: " + millis);
    }
  }
}
