package org.pcohandshake.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.json.Json;

/**
 * What a handler needs of an API Gateway HTTP API (payload 2.0) request, parsed once.
 *
 * @param method upper-case HTTP method
 * @param path the raw path
 * @param headers header names lower-cased, as API Gateway delivers them
 * @param rawQuery the query string as received, undecoded (empty when none)
 * @param query the raw query string parsed as form parameters
 * @param cookies cookie name to value (first one wins)
 * @param body the decoded body as text (empty when none)
 * @param requestId API Gateway's request id, for logs
 */
public record HttpRequest(
    String method,
    String path,
    Map<String, String> headers,
    String rawQuery,
    Params query,
    Map<String, String> cookies,
    String body,
    String requestId) {

  /** Bodies above this size are refused before parsing. */
  public static final int MAX_BODY_BYTES = 16 * 1024;

  public HttpRequest {
    headers = Map.copyOf(headers);
    cookies = Map.copyOf(cookies);
  }

  /**
   * Parses an event. Throws {@link BadRequestException} for a body that is too large, not valid
   * base64, or a query string that is not valid percent-encoding.
   */
  public static HttpRequest from(APIGatewayV2HTTPEvent event) {
    var context = event.getRequestContext();
    return of(
        context == null || context.getHttp() == null ? null : context.getHttp().getMethod(),
        event.getRawPath(),
        event.getHeaders(),
        event.getRawQueryString(),
        event.getCookies(),
        event.getBody(),
        event.getIsBase64Encoded(),
        context == null ? null : context.getRequestId());
  }

  /**
   * Parses the JSON of an event as Lambda delivers it to a stream handler, with the same rules as
   * {@link #from(APIGatewayV2HTTPEvent)}: no mapper, only the fields a handler reads.
   *
   * @throws IllegalArgumentException when the text is not an event's JSON
   */
  public static HttpRequest fromEventJson(String json) {
    return fromEvent(Json.parseObject(json));
  }

  /** {@link #fromEventJson(String)} for an event already read into plain JSON values. */
  public static HttpRequest fromEvent(Map<String, Object> event) {
    Map<String, Object> context = object(event, "requestContext");
    Map<String, Object> http = context == null ? null : object(context, "http");
    Map<String, Object> rawHeaders = object(event, "headers");
    Map<String, String> headers = null;
    if (rawHeaders != null) {
      headers = new HashMap<>();
      for (Map.Entry<String, Object> header : rawHeaders.entrySet()) {
        if (header.getValue() instanceof String value) {
          headers.put(header.getKey(), value);
        }
      }
    }
    List<String> cookies = null;
    if (event.get("cookies") instanceof List<?> list) {
      cookies = new ArrayList<>(list.size());
      for (Object cookie : list) {
        if (cookie instanceof String value) {
          cookies.add(value);
        }
      }
    }
    return of(
        http == null ? null : string(http, "method"),
        string(event, "rawPath"),
        headers,
        string(event, "rawQueryString"),
        cookies,
        string(event, "body"),
        Boolean.TRUE.equals(event.get("isBase64Encoded")),
        context == null ? null : string(context, "requestId"));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Map<String, Object> parent, String name) {
    Object value = parent.get(name);
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
  }

  static String string(Map<String, Object> parent, String name) {
    return parent.get(name) instanceof String value ? value : null;
  }

  /** The one place an event's parts become a request; absent parts are null. */
  static HttpRequest of(
      String rawMethod,
      String rawPath,
      Map<String, String> rawHeaders,
      String rawQuery,
      List<String> rawCookies,
      String rawBody,
      boolean base64,
      String rawRequestId) {
    Map<String, String> headers = new HashMap<>();
    if (rawHeaders != null) {
      rawHeaders.forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    }
    Map<String, String> cookies = new HashMap<>();
    if (rawCookies != null) {
      for (String pair : rawCookies) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          cookies.putIfAbsent(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
      }
    }
    return new HttpRequest(
        rawMethod == null ? "GET" : rawMethod.toUpperCase(Locale.ROOT),
        rawPath == null ? "/" : rawPath,
        headers,
        rawQuery == null ? "" : rawQuery,
        Params.parse(rawQuery),
        cookies,
        body(rawBody, base64),
        rawRequestId == null ? "-" : rawRequestId);
  }

  private static String body(String body, boolean base64) {
    if (body == null || body.isEmpty()) {
      return "";
    }
    if (body.length() > MAX_BODY_BYTES * 4 / 3 + 4) {
      throw new BadRequestException(BadRequestException.Reason.TOO_LARGE);
    }
    if (base64) {
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw new BadRequestException(BadRequestException.Reason.MALFORMED);
      }
      body = new String(bytes, StandardCharsets.UTF_8);
    }
    if (body.length() > MAX_BODY_BYTES) {
      throw new BadRequestException(BadRequestException.Reason.TOO_LARGE);
    }
    return body;
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  public Optional<String> cookie(String name) {
    return Optional.ofNullable(cookies.get(name)).filter(v -> !v.isEmpty());
  }

  /** The media type of the body without parameters, lower-cased; empty when absent. */
  public String mediaType() {
    String type = header("content-type").orElse("");
    int semi = type.indexOf(';');
    return (semi >= 0 ? type.substring(0, semi) : type).trim().toLowerCase(Locale.ROOT);
  }
}
