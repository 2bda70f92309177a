package org.pcohandshake.testkit.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.fixture.Fixtures;
import org.pcohandshake.testkit.fixture.ResponseHandler;
import org.pcohandshake.testkit.sam.SamTemplate;

/** The local API over real loopback HTTP, with fixture handlers (no AWS involved). */
class LocalApiTest {

  private static final AtomicInteger ENVIRONMENT_CALLS = new AtomicInteger();
  private static LocalApi api;
  private static HttpClient client;

  @BeforeAll
  static void start() {
    api =
        LocalApi.start(
            SamTemplate.parse(Fixtures.TEMPLATE),
            0,
            (function, baseUrl) -> {
              if (function.equals("EchoFunction")) {
                ENVIRONMENT_CALLS.incrementAndGet();
              }
              return Map.of("FUNCTION", function, "BASE_URL", baseUrl);
            });
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
  }

  private static JsonObject echo(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response = send(request);
    assertEquals(200, response.statusCode(), response.body());
    return Fixtures.json(response.body());
  }

  @Test
  void getRequest_reachesHandlerAsHttpApiEvent() throws Exception {
    JsonObject echo =
        echo(
            HttpRequest.newBuilder(api.uri("/echo?b=2&a=1&a=x%20y"))
                .header("X-Custom", "Value")
                .header("Cookie", "session=abc; theme=dark"));
    JsonObject event = echo.getAsJsonObject("event");
    assertEquals("2.0", event.get("version").getAsString());
    assertEquals("GET /echo", event.get("routeKey").getAsString());
    assertEquals("/echo", event.get("rawPath").getAsString());
    assertEquals("b=2&a=1&a=x%20y", event.get("rawQueryString").getAsString());
    assertEquals("1,x y", event.getAsJsonObject("queryStringParameters").get("a").getAsString());
    JsonObject headers = event.getAsJsonObject("headers");
    assertEquals("Value", headers.get("x-custom").getAsString());
    assertFalse(headers.has("cookie"));
    assertEquals(
        List.of("session=abc", "theme=dark"),
        event.getAsJsonArray("cookies").asList().stream().map(e -> e.getAsString()).toList());
    JsonObject context = event.getAsJsonObject("requestContext");
    assertEquals("GET", context.getAsJsonObject("http").get("method").getAsString());
    assertEquals("127.0.0.1", context.getAsJsonObject("http").get("sourceIp").getAsString());
    assertEquals("127.0.0.1:" + api.port(), context.get("domainName").getAsString());
    assertEquals("$default", context.get("stage").getAsString());
    assertEquals("EchoFunction", echo.getAsJsonObject("context").get("functionName").getAsString());
    int remaining = echo.getAsJsonObject("context").get("remainingTimeInMillis").getAsInt();
    assertTrue(
        remaining > 20_000 && remaining <= 25_000, "the fixture's Timeout, 25 s: " + remaining);
  }

  @Test
  void formPost_arrivesBase64Encoded() throws Exception {
    String form = "grant_type=authorization_code&code=abc";
    JsonObject event =
        echo(HttpRequest.newBuilder(api.uri("/echo"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString(form)))
            .getAsJsonObject("event");
    assertEquals("POST /echo", event.get("routeKey").getAsString());
    assertTrue(event.get("isBase64Encoded").getAsBoolean());
    assertEquals(
        form,
        new String(
            Base64.getDecoder().decode(event.get("body").getAsString()), StandardCharsets.UTF_8));
  }

  @Test
  void jsonPost_arrivesAsText() throws Exception {
    JsonObject event =
        echo(HttpRequest.newBuilder(api.uri("/echo"))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"a\":1}")))
            .getAsJsonObject("event");
    assertFalse(event.get("isBase64Encoded").getAsBoolean());
    assertEquals("{\"a\":1}", event.get("body").getAsString());
  }

  @Test
  void pathParameters_andGreedyRoutes_reachTheHandler() throws Exception {
    JsonObject item = echo(HttpRequest.newBuilder(api.uri("/items/42"))).getAsJsonObject("event");
    assertEquals("GET /items/{id}", item.get("routeKey").getAsString());
    assertEquals("42", item.getAsJsonObject("pathParameters").get("id").getAsString());
    JsonObject file =
        echo(HttpRequest.newBuilder(api.uri("/files/a/b.txt")).DELETE()).getAsJsonObject("event");
    assertEquals("ANY /files/{path+}", file.get("routeKey").getAsString());
    assertEquals("a/b.txt", file.getAsJsonObject("pathParameters").get("path").getAsString());
  }

  @Test
  void unknownPath_is404NotFound() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(api.uri("/nope")));
    assertEquals(404, response.statusCode());
    assertEquals("{\"message\":\"Not Found\"}", response.body());
  }

  @Test
  void undeclaredMethodOnKnownPath_is404() throws Exception {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(api.uri("/respond")).POST(BodyPublishers.noBody()));
    assertEquals(404, response.statusCode());
    assertEquals("{\"message\":\"Not Found\"}", response.body());
  }

  @Test
  void response_statusHeadersCookiesAndBase64Body_areWrittenAsHttp() throws Exception {
    HttpResponse<byte[]> response =
        client.send(
            HttpRequest.newBuilder(api.uri("/respond")).build(), BodyHandlers.ofByteArray());
    assertEquals(201, response.statusCode());
    assertEquals("yes", response.headers().firstValue("x-fixture").orElseThrow());
    assertEquals(
        List.of("a=1; Path=/; HttpOnly", "b=2; Path=/; Secure"),
        response.headers().allValues("set-cookie"));
    assertArrayEquals(ResponseHandler.BODY, response.body());
    assertTrue(response.headers().firstValue("apigw-requestid").isPresent());
  }

  @Test
  void throwingHandler_is500InternalServerError() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(api.uri("/throw")));
    assertEquals(500, response.statusCode());
    assertEquals("{\"message\":\"Internal Server Error\"}", response.body());
    assertFalse(response.body().contains("on purpose"));
  }

  @Test
  void handlerWithoutEnvironmentConstructor_is500() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(api.uri("/broken")));
    assertEquals(500, response.statusCode());
    assertEquals("{\"message\":\"Internal Server Error\"}", response.body());
  }

  @Test
  void handler_isInstantiatedOnceWithItsEnvironment() throws Exception {
    JsonObject first = echo(HttpRequest.newBuilder(api.uri("/echo")));
    JsonObject second = echo(HttpRequest.newBuilder(api.uri("/items/1")));
    assertEquals(first.get("instance").getAsInt(), second.get("instance").getAsInt());
    assertEquals(1, ENVIRONMENT_CALLS.get());
    JsonObject env = first.getAsJsonObject("env");
    assertEquals("EchoFunction", env.get("FUNCTION").getAsString());
    assertEquals(api.baseUrl(), env.get("BASE_URL").getAsString());
    assertNotEquals(
        first.getAsJsonObject("context").get("awsRequestId").getAsString(),
        second.getAsJsonObject("context").get("awsRequestId").getAsString());
  }

  @Test
  void handler_isInstantiatedOnItsFirstRequestOnly() throws Exception {
    LocalApi fresh = LocalApi.start(SamTemplate.parse(Fixtures.TEMPLATE), 0, (f, b) -> Map.of());
    try (fresh) {
      assertFalse(fresh.function("EchoFunction").isInitialized());
      assertEquals(200, send(HttpRequest.newBuilder(fresh.uri("/echo"))).statusCode());
      assertTrue(fresh.function("EchoFunction").isInitialized());
      assertFalse(fresh.function("ResponseFunction").isInitialized());
    }
  }

  @Test
  void concurrentRequests_areAllServed() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      responses.add(
          client.sendAsync(
              HttpRequest.newBuilder(api.uri("/items/" + i)).build(), BodyHandlers.ofString()));
    }
    for (int i = 0; i < responses.size(); i++) {
      HttpResponse<String> response = responses.get(i).get();
      assertEquals(200, response.statusCode());
      assertTrue(response.body().contains("\"id\":\"" + i + "\""), response.body());
    }
  }

  @Test
  void chunkedBodyOverTenMegabytes_is413() throws Exception {
    byte[] big = new byte[LocalApi.MAX_BODY_BYTES + 1];
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(api.uri("/echo"))
                .header("Content-Type", "application/octet-stream")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
    assertEquals(413, response.statusCode());
  }

  @Test
  void declaredLengthOverTenMegabytes_is413WithoutReadingTheBody() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", api.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                  + "Content-Length: "
                  + (LocalApi.MAX_BODY_BYTES + 1)
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertEquals("HTTP/1.1 413", statusLine);
    }
  }

  @Test
  void bodyOfExactlyTenMegabytes_isAccepted() throws Exception {
    byte[] body = new byte[LocalApi.MAX_BODY_BYTES];
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(api.uri("/echo"))
                .header("Content-Type", "application/octet-stream")
                .POST(BodyPublishers.ofByteArray(body)));
    assertEquals(200, response.statusCode());
  }

  @Test
  void uri_isUnderTheBaseUrl() {
    assertEquals(URI.create(api.baseUrl() + "/echo?a=1"), api.uri("/echo?a=1"));
    assertTrue(api.baseUrl().matches("http://127\\.0\\.0\\.1:\\d+"));
  }
}
