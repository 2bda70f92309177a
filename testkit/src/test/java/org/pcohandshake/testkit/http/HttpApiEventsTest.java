package org.pcohandshake.testkit.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpApiEventsTest {

  private static final Instant TIME = Instant.parse("2026-03-12T19:03:58.390Z");

  private static HttpApiRequest request(
      String method, String rawQuery, Map<String, List<String>> headers, String body) {
    return new HttpApiRequest(
        method,
        "/oauth/authorize",
        rawQuery,
        headers,
        body.getBytes(StandardCharsets.UTF_8),
        "10.1.2.3",
        TIME);
  }

  private static APIGatewayV2HTTPEvent event(HttpApiRequest request) {
    return HttpApiEvents.toEvent(request, request.method() + " /oauth/authorize", Map.of());
  }

  @Test
  void headerNames_areLowerCased_andRepeatedHeadersJoinedWithCommas() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("X-Custom", List.of("one", "two"));
    headers.put("Accept-Language", List.of("en"));
    headers.put("accept-language", List.of("de"));
    APIGatewayV2HTTPEvent event = event(request("GET", "", headers, ""));
    assertEquals("one,two", event.getHeaders().get("x-custom"));
    assertEquals("en,de", event.getHeaders().get("accept-language"));
    assertFalse(event.getHeaders().containsKey("X-Custom"));
  }

  @Test
  void cookieHeader_isRemovedFromHeaders_andSplitIntoCookies() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Cookie", List.of("session=abc; theme=dark", "late=1"));
    APIGatewayV2HTTPEvent event = event(request("GET", "", headers, ""));
    assertEquals(List.of("session=abc", "theme=dark", "late=1"), event.getCookies());
    assertFalse(event.getHeaders().containsKey("cookie"));
  }

  @Test
  void noCookieHeader_givesNullCookies() {
    assertNull(event(request("GET", "", Map.of(), "")).getCookies());
  }

  @Test
  void formBody_isBase64Encoded() {
    String form = "grant_type=authorization_code&code=a%2Bb";
    APIGatewayV2HTTPEvent event =
        event(
            request(
                "POST",
                "",
                Map.of("Content-Type", List.of("application/x-www-form-urlencoded")),
                form));
    assertTrue(event.getIsBase64Encoded());
    assertEquals(
        form, new String(Base64.getDecoder().decode(event.getBody()), StandardCharsets.UTF_8));
  }

  @Test
  void jsonAndTextBodies_arePassedAsText() {
    for (String type :
        List.of(
            "application/json",
            "application/json; charset=utf-8",
            "text/html",
            "application/xml",
            "application/javascript")) {
      APIGatewayV2HTTPEvent event =
          event(request("POST", "", Map.of("content-type", List.of(type)), "{\"ä\":1}"));
      assertFalse(event.getIsBase64Encoded(), type);
      assertEquals("{\"ä\":1}", event.getBody(), type);
    }
  }

  @Test
  void bodyWithoutContentType_isBase64Encoded() {
    APIGatewayV2HTTPEvent event = event(request("POST", "", Map.of(), "raw"));
    assertTrue(event.getIsBase64Encoded());
    assertArrayEquals(
        "raw".getBytes(StandardCharsets.UTF_8), Base64.getDecoder().decode(event.getBody()));
  }

  @Test
  void emptyBody_isNullAndNotBase64() {
    APIGatewayV2HTTPEvent event = event(request("GET", "", Map.of(), ""));
    assertNull(event.getBody());
    assertFalse(event.getIsBase64Encoded());
  }

  @Test
  void rawQueryString_isKeptUndecoded_andParametersDecoded() {
    String raw = "redirect_uri=https%3A%2F%2Fpco.example%2Fcb&scope=people+services&state=x%20y";
    APIGatewayV2HTTPEvent event = event(request("GET", raw, Map.of(), ""));
    assertEquals(raw, event.getRawQueryString());
    assertEquals("https://pco.example/cb", event.getQueryStringParameters().get("redirect_uri"));
    assertEquals("people services", event.getQueryStringParameters().get("scope"));
    assertEquals("x y", event.getQueryStringParameters().get("state"));
  }

  @Test
  void repeatedQueryParameters_areJoinedWithCommas() {
    APIGatewayV2HTTPEvent event = event(request("GET", "a=1&b=2&a=3&flag", Map.of(), ""));
    assertEquals("1,3", event.getQueryStringParameters().get("a"));
    assertEquals("2", event.getQueryStringParameters().get("b"));
    assertEquals("", event.getQueryStringParameters().get("flag"));
  }

  @Test
  void noQuery_givesEmptyRawQueryAndNullParameters() {
    APIGatewayV2HTTPEvent event = event(request("GET", "", Map.of(), ""));
    assertEquals("", event.getRawQueryString());
    assertNull(event.getQueryStringParameters());
  }

  @Test
  void requestContext_isFilledLikeApiGateway() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Host", List.of("api.example.com:8443"));
    headers.put("User-Agent", List.of("junit"));
    APIGatewayV2HTTPEvent event = event(request("post", "", headers, ""));
    var context = event.getRequestContext();
    assertEquals("2.0", event.getVersion());
    assertEquals("post /oauth/authorize", event.getRouteKey());
    assertEquals("/oauth/authorize", event.getRawPath());
    assertEquals(HttpApiEvents.ACCOUNT_ID, context.getAccountId());
    assertEquals("local", context.getApiId());
    assertEquals("api.example.com:8443", context.getDomainName());
    assertEquals("api", context.getDomainPrefix());
    assertEquals("POST", context.getHttp().getMethod());
    assertEquals("/oauth/authorize", context.getHttp().getPath());
    assertEquals("HTTP/1.1", context.getHttp().getProtocol());
    assertEquals("10.1.2.3", context.getHttp().getSourceIp());
    assertEquals("junit", context.getHttp().getUserAgent());
    assertEquals("$default", context.getStage());
    assertEquals("12/Mar/2026:19:03:58 +0000", context.getTime());
    assertEquals(TIME.toEpochMilli(), context.getTimeEpoch());
    assertEquals(event.getRouteKey(), context.getRouteKey());
    assertFalse(context.getRequestId().isBlank());
  }

  @Test
  void requestIds_areUnique() {
    HttpApiRequest request = request("GET", "", Map.of(), "");
    assertFalse(
        event(request)
            .getRequestContext()
            .getRequestId()
            .equals(event(request).getRequestContext().getRequestId()));
  }

  @Test
  void forwardingHeaders_areAddedLikeApiGateway() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Host", List.of("127.0.0.1:3000"));
    headers.put("X-Forwarded-For", List.of("203.0.113.9"));
    Map<String, String> result = event(request("GET", "", headers, "")).getHeaders();
    assertEquals("203.0.113.9, 10.1.2.3", result.get("x-forwarded-for"));
    assertEquals("http", result.get("x-forwarded-proto"));
    assertEquals("3000", result.get("x-forwarded-port"));
    assertTrue(result.get("x-amzn-trace-id").startsWith("Root=1-"));
  }

  @Test
  void pathParameters_areNullWhenNone_andCopiedWhenPresent() {
    HttpApiRequest request = request("GET", "", Map.of(), "");
    assertNull(HttpApiEvents.toEvent(request, "GET /x", Map.of()).getPathParameters());
    assertEquals(
        Map.of("id", "7"),
        HttpApiEvents.toEvent(request, "GET /x/{id}", Map.of("id", "7")).getPathParameters());
  }

  @Test
  void requestToString_leavesOutBodyAndHeaderValues() {
    HttpApiRequest request =
        request("POST", "", Map.of("Authorization", List.of("Bearer secret-token")), "password=1");
    assertFalse(request.toString().contains("secret-token"));
    assertFalse(request.toString().contains("password"));
  }
}
