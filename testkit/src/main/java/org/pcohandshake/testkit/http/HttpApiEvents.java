package org.pcohandshake.testkit.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext.Http;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the event an API Gateway HTTP API (payload format 2.0) sends to Lambda for a request:
 * lower-case header names with repeated headers joined by commas, the Cookie header moved into
 * {@code cookies}, the raw query string kept and also decoded into {@code queryStringParameters}
 * (repeated keys joined by commas), and the body as text for {@code text/*}, {@code
 * application/json}, {@code application/xml} and {@code application/javascript}, base64 for
 * anything else (form posts included).
 */
public final class HttpApiEvents {

  /** The account id in {@code requestContext.accountId}. */
  public static final String ACCOUNT_ID = "123456789012";

  /** The API id in {@code requestContext.apiId}. */
  public static final String API_ID = "local";

  /** The stage of an HTTP API's default stage. */
  public static final String STAGE = "$default";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);
  private static final List<String> TEXT_TYPES =
      List.of("application/json", "application/xml", "application/javascript");
  private static final SecureRandom RANDOM = new SecureRandom();

  private HttpApiEvents() {}

  /** The event for a request that matched {@code routeKey}, with a new request id. */
  public static APIGatewayV2HTTPEvent toEvent(
      HttpApiRequest request, String routeKey, Map<String, String> pathParameters) {
    Map<String, String> headers = headers(request);
    List<String> cookies = cookies(request);
    String host = Optional.ofNullable(headers.get("host")).orElse("localhost");

    APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
    event.setVersion("2.0");
    event.setRouteKey(routeKey);
    event.setRawPath(request.rawPath());
    event.setRawQueryString(request.rawQuery());
    event.setCookies(cookies.isEmpty() ? null : cookies);
    event.setHeaders(headers);
    event.setQueryStringParameters(queryParameters(request.rawQuery()));
    event.setPathParameters(pathParameters.isEmpty() ? null : new LinkedHashMap<>(pathParameters));
    byte[] body = request.body();
    if (body.length > 0) {
      Optional<Charset> text = textCharset(headers.get("content-type"));
      event.setIsBase64Encoded(text.isEmpty());
      event.setBody(
          text.isPresent()
              ? new String(body, text.get())
              : Base64.getEncoder().encodeToString(body));
    }

    Http http = new Http();
    http.setMethod(request.method().toUpperCase(Locale.ROOT));
    http.setPath(request.rawPath());
    http.setProtocol("HTTP/1.1");
    http.setSourceIp(request.sourceIp());
    http.setUserAgent(headers.getOrDefault("user-agent", ""));

    RequestContext context = new RequestContext();
    context.setAccountId(ACCOUNT_ID);
    context.setApiId(API_ID);
    context.setDomainName(host);
    context.setDomainPrefix(domainPrefix(host));
    context.setHttp(http);
    context.setRequestId(newRequestId());
    context.setRouteKey(routeKey);
    context.setStage(STAGE);
    context.setTime(TIME.format(request.time()));
    context.setTimeEpoch(request.time().toEpochMilli());
    event.setRequestContext(context);
    return event;
  }

  /**
   * The headers as API Gateway passes them: names lower-cased, repeated ones joined with commas,
   * Cookie removed, and the x-forwarded-* and trace headers it adds.
   */
  static Map<String, String> headers(HttpApiRequest request) {
    Map<String, String> headers = new LinkedHashMap<>();
    request
        .headers()
        .forEach(
            (name, values) -> {
              String key = name.toLowerCase(Locale.ROOT);
              if (key.equals("cookie") || values.isEmpty()) {
                return;
              }
              String joined = String.join(",", values);
              headers.merge(key, joined, (a, b) -> a + "," + b);
            });
    String forwardedFor = headers.get("x-forwarded-for");
    headers.put(
        "x-forwarded-for",
        forwardedFor == null ? request.sourceIp() : forwardedFor + ", " + request.sourceIp());
    headers.putIfAbsent("x-forwarded-proto", "http");
    headers.putIfAbsent("x-forwarded-port", port(headers.get("host")));
    headers.putIfAbsent("x-amzn-trace-id", traceId(request.time()));
    return headers;
  }

  /** Every Cookie header split on "; " into {@code name=value} entries. */
  static List<String> cookies(HttpApiRequest request) {
    List<String> cookies = new ArrayList<>();
    for (String header : request.header("cookie")) {
      for (String cookie : header.split("; ")) {
        String trimmed = cookie.trim();
        if (!trimmed.isEmpty()) {
          cookies.add(trimmed);
        }
      }
    }
    return cookies;
  }

  /** The decoded query parameters, repeated keys joined with commas; null when there are none. */
  static Map<String, String> queryParameters(String rawQuery) {
    if (rawQuery.isEmpty()) {
      return null;
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
      parameters.merge(name, value, (a, b) -> a + "," + b);
    }
    return parameters.isEmpty() ? null : parameters;
  }

  /** The charset to read the body as text with, or empty when API Gateway would base64 it. */
  static Optional<Charset> textCharset(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    String[] parts = contentType.split(";");
    String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.startsWith("text/") && !TEXT_TYPES.contains(mediaType)) {
      return Optional.empty();
    }
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim();
      if (parameter.toLowerCase(Locale.ROOT).startsWith("charset=")) {
        String name = parameter.substring("charset=".length()).replace("\"", "").trim();
        try {
          return Optional.of(Charset.forName(name));
        } catch (IllegalArgumentException e) {
          return Optional.of(StandardCharsets.UTF_8);
        }
      }
    }
    return Optional.of(StandardCharsets.UTF_8);
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  private static String domainPrefix(String host) {
    String name = hostName(host);
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  private static String hostName(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(0, end + 1);
    }
    int colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  private static String port(String host) {
    if (host == null) {
      return "80";
    }
    int colon = host.lastIndexOf(':');
    int bracket = host.lastIndexOf(']');
    return colon > bracket ? host.substring(colon + 1) : "80";
  }

  private static String traceId(Instant time) {
    byte[] random = new byte[12];
    RANDOM.nextBytes(random);
    return "Root=1-"
        + Long.toHexString(time.getEpochSecond())
        + "-"
        + HexFormat.of().formatHex(random);
  }

  private static String newRequestId() {
    byte[] random = new byte[12];
    RANDOM.nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }
}
