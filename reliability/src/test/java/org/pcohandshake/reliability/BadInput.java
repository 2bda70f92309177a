package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.pcohandshake.testkit.fault.Operations;

/**
 * Generators of bad input for every handler (parameters, percent-encodings, headers, base64 and
 * JSON bodies, cookies) and the checks every answer must pass: never a 5xx, never a stack trace or
 * an exception's class name in the body, and no write for a request that was refused.
 */
final class BadInput {

  private BadInput() {}

  // ---- text -----------------------------------------------------------------------------------

  /** Percent-encoding gone wrong, separators, control and non-ASCII characters. */
  static Arbitrary<String> junkFragments() {
    return Arbitraries.of(
        "%",
        "%2",
        "%zz",
        "%G0",
        "%C3%28",
        "%FF%FE",
        "%00",
        "%%",
        "%E2%82",
        "%ED%A0%80",
        "+",
        "&",
        "=",
        "&&",
        "==",
        ";",
        "\r\n",
        "\u0000",
        "\uD800",
        "\uFFFF",
        "é",
        "𝄞",
        "<script>",
        "\"",
        "'",
        "\\",
        "../",
        "${jndi:x}",
        "%0d%0aSet-Cookie:x=y");
  }

  /** Any text: printable, unicode (lone surrogates too), junk pieces, long runs. */
  static Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(40),
        Arbitraries.strings().all().ofMaxLength(60),
        Arbitraries.strings().alpha().numeric().withChars("-_.~").ofMinLength(40).ofMaxLength(50),
        junkFragments().list().ofMaxSize(6).map(l -> String.join("", l)),
        Combinators.combine(Arbitraries.strings().ofMaxLength(10), junkFragments())
            .as((a, b) -> a + b),
        Arbitraries.strings().withChars("a%").ofMinLength(1000).ofMaxLength(5000));
  }

  /** A parameter name: one the endpoint knows, or anything. */
  static Arbitrary<String> name(String... known) {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.of(known)), net.jqwik.api.Tuple.of(1, text()));
  }

  /** A value: one of the given good ones, or anything. */
  static Arbitrary<String> value(Arbitrary<String> good) {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, good), net.jqwik.api.Tuple.of(2, text()));
  }

  /** A raw {@code a=b&c=d} string, possibly with repeats, junk and broken pairs. */
  static Arbitrary<String> rawPairs(String... known) {
    return rawPairs(Arbitraries.of(known), Arbitraries.of(known));
  }

  /**
   * A raw {@code a=b&c=d} string of known names and good values mixed with anything, encoded or
   * not, possibly with repeats, junk and broken pairs.
   */
  static Arbitrary<String> rawPairs(Arbitrary<String> names, Arbitrary<String> goodValues) {
    Arbitrary<String> name =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, names), net.jqwik.api.Tuple.of(1, text()));
    Arbitrary<String> pair =
        Arbitraries.oneOf(
            Combinators.combine(name, value(goodValues)).as((n, v) -> enc(n) + "=" + enc(v)),
            Combinators.combine(name, value(goodValues)).as((n, v) -> n + "=" + v),
            name,
            junkFragments());
    return pair.list().ofMaxSize(12).map(l -> String.join("&", l));
  }

  static String enc(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  // ---- headers and cookies --------------------------------------------------------------------

  static Arbitrary<String> contentType() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=UTF-8",
            "APPLICATION/JSON",
            "application/json",
            "text/plain",
            "multipart/form-data; boundary=x",
            ""),
        text());
  }

  /** An Authorization header: good Basic credentials, broken Basic, other schemes, junk. */
  static Arbitrary<String> authorization(String clientId, String secret) {
    String good =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(
        Arbitraries.just(good),
        text().map(t -> "Basic " + t),
        text()
            .map(
                t ->
                    "Basic "
                        + Base64.getEncoder().encodeToString(t.getBytes(StandardCharsets.UTF_8))),
        text().map(t -> "Bearer " + t),
        Arbitraries.of("Basic", "Basic ", "basic Og==", "Basic ====", "Digest x"),
        text());
  }

  static Arbitrary<Map<String, String>> headers(Map<String, Arbitrary<String>> known) {
    List<Arbitrary<Map.Entry<String, String>>> entries = new ArrayList<>();
    known.forEach((k, v) -> entries.add(v.map(value -> Map.entry(k, value))));
    Arbitrary<Map.Entry<String, String>> any =
        Arbitraries.oneOf(
            Arbitraries.oneOf(entries), Combinators.combine(text(), text()).as(Map::entry));
    return any.list()
        .ofMaxSize(6)
        .map(
            list -> {
              Map<String, String> headers = new LinkedHashMap<>();
              list.forEach(e -> headers.put(e.getKey(), e.getValue()));
              return headers;
            });
  }

  /** Cookies: a known name with a good or bad value, junk pairs, pairs without '='. */
  static Arbitrary<List<String>> cookies(Map<String, Arbitrary<String>> known) {
    List<Arbitrary<String>> options = new ArrayList<>();
    known.forEach((name, value) -> options.add(value.map(v -> name + "=" + v)));
    options.add(Combinators.combine(text(), text()).as((n, v) -> n + "=" + v));
    options.add(text());
    return Arbitraries.oneOf(options).list().ofMaxSize(5);
  }

  // ---- bodies -----------------------------------------------------------------------------------

  /** A JSON value of any shape, and JSON-looking text that is not valid. */
  static Arbitrary<String> json(String... known) {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            text().map(BadInput::jsonString),
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.of("true", "false", "null", "1e999", "-0", "[]", "{}"));
    Arbitrary<String> member =
        Combinators.combine(name(known), scalar).as((n, v) -> jsonString(n) + ":" + v);
    Arbitrary<String> object = member.list().ofMaxSize(8).map(l -> "{" + String.join(",", l) + "}");
    return Arbitraries.oneOf(
        object,
        object.map(o -> "[" + o + "]"),
        object.map(o -> o.substring(0, Math.max(1, o.length() / 2))),
        object.map(o -> "{\"nested\":" + o + ",\"deep\":" + "[".repeat(50) + "]".repeat(50) + "}"),
        scalar,
        text());
  }

  static String jsonString(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** A body as API Gateway delivers it: plain, base64 (valid or not), or oversized. */
  record Body(String text, boolean base64) {}

  static Arbitrary<Body> body(Arbitrary<String> content) {
    return Arbitraries.oneOf(
        content.map(c -> new Body(c, false)),
        content.map(
            c ->
                new Body(
                    Base64.getEncoder().encodeToString(c.getBytes(StandardCharsets.UTF_8)), true)),
        text().map(t -> new Body(t, true)),
        Arbitraries.strings()
            .withChars("ab=&")
            .ofMinLength(17_000)
            .ofMaxLength(30_000)
            .map(c -> new Body(c, false)),
        Arbitraries.just(new Body(null, false)));
  }

  // ---- the event --------------------------------------------------------------------------------

  static APIGatewayV2HTTPEvent event(
      String method,
      String path,
      String rawQuery,
      Map<String, String> headers,
      List<String> cookies,
      Body body) {
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey(method + " " + path)
        .withRawPath(path)
        .withRawQueryString(rawQuery)
        .withHeaders(headers)
        .withCookies(cookies.isEmpty() ? null : cookies)
        .withBody(body == null ? null : body.text())
        .withIsBase64Encoded(body != null && body.base64())
        .withRequestContext(
            APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRequestId(UUID.randomUUID().toString())
                .withRouteKey(method + " " + path)
                .withStage("$default")
                .withHttp(
                    APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod(method)
                        .withPath(path)
                        .withProtocol("HTTP/1.1")
                        .withSourceIp("127.0.0.1")
                        .build())
                .build())
        .build();
  }

  // ---- the checks -------------------------------------------------------------------------------

  private static final Pattern CLASS_NAME =
      Pattern.compile(
          "\\b(?:java|javax|jdk|sun|com|org|software|net)\\.[a-z0-9_]+\\.[A-Za-z0-9_.$]+");
  private static final Pattern EXCEPTION = Pattern.compile("[A-Za-z]+(?:Exception|Error)\\b");

  /** Never a 5xx; never a stack trace or a class name in the body. */
  static void assertSafe(APIGatewayV2HTTPResponse response) {
    assertTrue(
        response.getStatusCode() >= 200 && response.getStatusCode() < 500,
        "status " + response.getStatusCode() + ": " + response.getBody());
    assertClean(response);
  }

  /** Never a stack trace or a class name in the body. */
  static void assertClean(APIGatewayV2HTTPResponse response) {
    String body = response.getBody() == null ? "" : response.getBody();
    assertFalse(body.contains("\tat "), body);
    assertFalse(body.contains("Caused by"), body);
    assertFalse(CLASS_NAME.matcher(body).find(), body);
    assertFalse(EXCEPTION.matcher(body).find(), body);
  }

  /** Whether the answer refused the request (an error status, or a redirect carrying an error). */
  static boolean refused(APIGatewayV2HTTPResponse response) {
    if (response.getStatusCode() >= 400) {
      return true;
    }
    String location = response.getHeaders() == null ? null : response.getHeaders().get("location");
    return location != null && location.contains("error=");
  }

  /** A refused request wrote nothing: not even an attempt reached DynamoDB. */
  static void assertNoWriteWhenRefused(APIGatewayV2HTTPResponse response, Handshake hs) {
    if (refused(response)) {
      assertFalse(
          hs.aws.sawAny(Operations.DYNAMODB_WRITES),
          "a refused request (" + response.getStatusCode() + ") wrote: " + hs.aws.calls());
    }
  }
}
