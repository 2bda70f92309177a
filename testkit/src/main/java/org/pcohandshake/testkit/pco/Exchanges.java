package org.pcohandshake.testkit.pco;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.pcohandshake.testkit.json.TestJson;

/** Request parsing and response writing shared by the simulator's handlers. */
final class Exchanges {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private Exchanges() {}

  /** Query or form parameters, keeping repeated names so callers can reject them. */
  record Params(Map<String, List<String>> values) {
    static final Params EMPTY = new Params(Map.of());

    /** The first value of a parameter, or null. */
    String first(String name) {
      List<String> list = values.get(name);
      return list == null || list.isEmpty() ? null : list.getFirst();
    }

    /** The first value, or null when absent or empty. */
    String nonEmpty(String name) {
      String value = first(name);
      return value == null || value.isEmpty() ? null : value;
    }

    /** Whether any parameter appears more than once (RFC 6749 section 3.1 forbids it). */
    boolean hasRepeatedNames() {
      return values.values().stream().anyMatch(list -> list.size() > 1);
    }
  }

  /** Client credentials presented at a token or revocation endpoint. */
  record ClientCredentials(String clientId, String clientSecret, ClientAuthentication method) {}

  /** Parses {@code a=b&c=d}, decoding {@code +} and percent escapes as UTF-8. */
  static Params parseForm(String encoded) {
    if (encoded == null || encoded.isEmpty()) {
      return Params.EMPTY;
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        values.computeIfAbsent(decode(name), k -> new ArrayList<>()).add(decode(value));
      } catch (IllegalArgumentException malformed) {
        // a malformed escape: keep the raw text so validation fails on it rather than the server
        values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
    }
    return new Params(values);
  }

  static Params query(HttpExchange exchange) {
    return parseForm(exchange.getRequestURI().getRawQuery());
  }

  /** Reads a form-urlencoded (or, leniently, a flat JSON object) request body into parameters. */
  static Params bodyParams(HttpExchange exchange) throws IOException {
    String body = readBody(exchange);
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType != null && contentType.toLowerCase().startsWith("application/json")) {
      try {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : TestJson.object(body).entrySet()) {
          if (e.getValue() != null) {
            values.put(e.getKey(), List.of(String.valueOf(e.getValue())));
          }
        }
        return new Params(values);
      } catch (IllegalArgumentException notJson) {
        return Params.EMPTY;
      }
    }
    return parseForm(body);
  }

  static String readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) > 0) {
        if (out.size() + n > MAX_BODY_BYTES) {
          throw new IOException("request body too large");
        }
        out.write(buffer, 0, n);
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  /** Cookies sent by the browser, by name (the first of a repeated name wins). */
  static Map<String, String> cookies(HttpExchange exchange) {
    Map<String, String> cookies = new LinkedHashMap<>();
    List<String> headers = exchange.getRequestHeaders().get("Cookie");
    if (headers == null) {
      return cookies;
    }
    for (String header : headers) {
      for (String part : header.split(";")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          cookies.putIfAbsent(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
      }
    }
    return cookies;
  }

  /**
   * Reads client credentials from HTTP Basic (id and secret form-urlencoded, RFC 6749 section
   * 2.3.1) or from the body's {@code client_id} and {@code client_secret}. Returns empty when none,
   * or when both methods were used at once (which RFC 6749 section 2.3 forbids), or when the Basic
   * header is malformed.
   */
  static Optional<ClientCredentials> clientCredentials(HttpExchange exchange, Params body) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    String bodyId = body.first("client_id");
    String bodySecret = body.first("client_secret");
    if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      if (bodySecret != null) {
        return Optional.empty();
      }
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).strip()),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException notBase64) {
        return Optional.empty();
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return Optional.empty();
      }
      String id;
      String secret;
      try {
        id = decode(decoded.substring(0, colon));
        secret = decode(decoded.substring(colon + 1));
      } catch (IllegalArgumentException malformed) {
        return Optional.empty();
      }
      if (bodyId != null && !bodyId.equals(id)) {
        return Optional.empty();
      }
      return Optional.of(new ClientCredentials(id, secret, ClientAuthentication.BASIC));
    }
    if (authorization != null) {
      return Optional.empty();
    }
    if (bodyId != null && bodySecret != null) {
      return Optional.of(new ClientCredentials(bodyId, bodySecret, ClientAuthentication.POST));
    }
    return Optional.empty();
  }

  /** The {@code Authorization: Basic} value for a client per RFC 6749 section 2.3.1. */
  static String basicAuthorization(String clientId, String clientSecret) {
    String pair = encode(clientId) + ":" + encode(clientSecret);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  /** The bearer token of an {@code Authorization} header, or null. */
  static String bearerToken(HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).strip();
    return token.isEmpty() ? null : token;
  }

  static boolean constantTimeEquals(String expected, String actual) {
    if (expected == null || actual == null) {
      return false;
    }
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }

  /** {@code a=b&c=d} from ordered parameters; null values are left out. */
  static String formEncode(Map<String, String> params) {
    StringJoiner joiner = new StringJoiner("&");
    params.forEach(
        (name, value) -> {
          if (value != null) {
            joiner.add(encode(name) + "=" + encode(value));
          }
        });
    return joiner.toString();
  }

  /** Adds parameters to a URL's query, keeping any query it has and any fragment at the end. */
  static String withQuery(String url, Map<String, String> params) {
    String fragment = "";
    int hash = url.indexOf('#');
    if (hash >= 0) {
      fragment = url.substring(hash);
      url = url.substring(0, hash);
    }
    String query = formEncode(params);
    if (query.isEmpty()) {
      return url + fragment;
    }
    String separator;
    if (url.indexOf('?') < 0) {
      separator = "?";
    } else {
      separator = url.endsWith("?") || url.endsWith("&") ? "" : "&";
    }
    return url + separator + query + fragment;
  }

  static String randomHex(int bytes) {
    byte[] buffer = new byte[bytes];
    RANDOM.nextBytes(buffer);
    return HexFormat.of().formatHex(buffer);
  }

  static String randomUrlSafe(int bytes) {
    byte[] buffer = new byte[bytes];
    RANDOM.nextBytes(buffer);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
  }

  /**
   * A long state shaped like a Rails signed message ({@code base64--hexdigest}), about 200
   * characters, with {@code +}, {@code /} and {@code =} so an integrator must percent-encode it
   * correctly to echo it byte for byte.
   */
  static String longState() {
    byte[] data = new byte[119];
    RANDOM.nextBytes(data);
    String encoded = Base64.getEncoder().encodeToString(data);
    // make sure each character that needs escaping in a query appears at least once
    encoded = "+/" + encoded.substring(2);
    return encoded + "--" + randomHex(20);
  }

  static void sendJson(HttpExchange exchange, int status, Map<String, ?> json) throws IOException {
    sendJson(exchange, status, json, Map.of());
  }

  static void sendJson(
      HttpExchange exchange, int status, Map<String, ?> json, Map<String, String> headers)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("Pragma", "no-cache");
    headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    send(exchange, status, TestJson.write(json));
  }

  static void sendHtml(HttpExchange exchange, int status, String html, String... setCookies)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    exchange
        .getResponseHeaders()
        .set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    for (String cookie : setCookies) {
      exchange.getResponseHeaders().add("Set-Cookie", cookie);
    }
    send(exchange, status, html);
  }

  static void redirect(HttpExchange exchange, String location, String... setCookies)
      throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    for (String cookie : setCookies) {
      exchange.getResponseHeaders().add("Set-Cookie", cookie);
    }
    send(exchange, 302, "");
  }

  static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    boolean noBody = bytes.length == 0 || "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
    if (!noBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  /** A {@code Set-Cookie} value for a short-lived, HttpOnly, SameSite=Lax cookie. */
  static String cookie(String name, String value, String path, int maxAgeSeconds) {
    return name
        + "="
        + value
        + "; Path="
        + path
        + "; Max-Age="
        + maxAgeSeconds
        + "; HttpOnly; SameSite=Lax";
  }
}
