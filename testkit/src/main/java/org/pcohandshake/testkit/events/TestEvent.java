package org.pcohandshake.testkit.events;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A fluent builder of API Gateway HTTP API (payload 2.0) events for invoking handlers directly in
 * tests, shaped as API Gateway delivers them: lower-cased headers, a {@code cookies} list, the raw
 * query string, form bodies base64-encoded.
 */
public final class TestEvent {

  private final String method;
  private final String path;
  private final List<String> query = new ArrayList<>();
  private final Map<String, String> headers = new LinkedHashMap<>();
  private final List<String> cookies = new ArrayList<>();
  private String body;
  private boolean base64;

  private TestEvent(String method, String path) {
    this.method = method;
    this.path = path;
  }

  public static TestEvent get(String path) {
    return new TestEvent("GET", path);
  }

  public static TestEvent post(String path) {
    return new TestEvent("POST", path);
  }

  /** Adds a query parameter, percent-encoded. */
  public TestEvent query(String name, String value) {
    query.add(encode(name) + "=" + encode(value));
    return this;
  }

  /** Appends raw, already encoded query text (for malformed-input tests). */
  public TestEvent rawQuery(String raw) {
    for (String pair : raw.split("&")) {
      if (!pair.isEmpty()) {
        query.add(pair);
      }
    }
    return this;
  }

  public TestEvent header(String name, String value) {
    headers.put(name.toLowerCase(java.util.Locale.ROOT), value);
    return this;
  }

  public TestEvent cookie(String name, String value) {
    cookies.add(name + "=" + value);
    return this;
  }

  /** A form body from name/value pairs, base64-encoded as HTTP APIs deliver it. */
  public TestEvent form(String... pairs) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      parts.add(encode(pairs[i]) + "=" + encode(pairs[i + 1]));
    }
    return rawForm(String.join("&", parts));
  }

  /** A form body given as raw encoded text. */
  public TestEvent rawForm(String encoded) {
    header("content-type", "application/x-www-form-urlencoded");
    body = Base64.getEncoder().encodeToString(encoded.getBytes(StandardCharsets.UTF_8));
    base64 = true;
    return this;
  }

  /** A JSON body, delivered as text. */
  public TestEvent json(String json) {
    header("content-type", "application/json");
    body = json;
    base64 = false;
    return this;
  }

  /** HTTP Basic credentials, each part form-encoded first (RFC 6749 section 2.3.1). */
  public TestEvent basic(String id, String secret) {
    String pair = encode(id) + ":" + encode(secret);
    return header(
        "authorization",
        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }

  public APIGatewayV2HTTPEvent build() {
    Instant now = Instant.now();
    String rawQuery = String.join("&", query);
    Map<String, String> decoded = new LinkedHashMap<>();
    for (String pair : query) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        decoded.merge(
            java.net.URLDecoder.decode(name, StandardCharsets.UTF_8),
            java.net.URLDecoder.decode(value, StandardCharsets.UTF_8),
            (a, b) -> a + "," + b);
      } catch (IllegalArgumentException malformed) {
        decoded.put(name, value);
      }
    }
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey(method + " " + path)
        .withRawPath(path)
        .withRawQueryString(rawQuery)
        .withQueryStringParameters(decoded.isEmpty() ? null : decoded)
        .withHeaders(headers)
        .withCookies(cookies.isEmpty() ? null : List.copyOf(cookies))
        .withBody(body)
        .withIsBase64Encoded(base64)
        .withRequestContext(
            APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRequestId(UUID.randomUUID().toString())
                .withRouteKey(method + " " + path)
                .withStage("$default")
                .withTimeEpoch(now.toEpochMilli())
                .withHttp(
                    APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod(method)
                        .withPath(path)
                        .withProtocol("HTTP/1.1")
                        .withSourceIp("127.0.0.1")
                        .withUserAgent("pco-handshake-tests")
                        .build())
                .build())
        .build();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Parses a redirect's query string into decoded single values (for assertions). */
  public static Map<String, String> queryOf(String location) {
    int q = location.indexOf('?');
    if (q < 0) {
      return Map.of();
    }
    return java.util.Arrays.stream(location.substring(q + 1).split("&"))
        .filter(p -> !p.isEmpty())
        .collect(
            Collectors.toMap(
                p -> java.net.URLDecoder.decode(p.split("=", 2)[0], StandardCharsets.UTF_8),
                p ->
                    java.net.URLDecoder.decode(
                        p.contains("=") ? p.split("=", 2)[1] : "", StandardCharsets.UTF_8),
                (a, b) -> a,
                LinkedHashMap::new));
  }
}
