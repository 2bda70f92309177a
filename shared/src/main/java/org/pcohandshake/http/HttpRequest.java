package org.pcohandshake.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
    Map<String, String> headers = new HashMap<>();
    if (event.getHeaders() != null) {
      event.getHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    }
    Map<String, String> cookies = new HashMap<>();
    List<String> rawCookies = event.getCookies();
    if (rawCookies != null) {
      for (String pair : rawCookies) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          cookies.putIfAbsent(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
      }
    }
    String method = "GET";
    String requestId = "-";
    var context = event.getRequestContext();
    if (context != null) {
      if (context.getHttp() != null && context.getHttp().getMethod() != null) {
        method = context.getHttp().getMethod().toUpperCase(Locale.ROOT);
      }
      if (context.getRequestId() != null) {
        requestId = context.getRequestId();
      }
    }
    return new HttpRequest(
        method,
        event.getRawPath() == null ? "/" : event.getRawPath(),
        headers,
        event.getRawQueryString() == null ? "" : event.getRawQueryString(),
        Params.parse(event.getRawQueryString()),
        cookies,
        body(event),
        requestId);
  }

  private static String body(APIGatewayV2HTTPEvent event) {
    String body = event.getBody();
    if (body == null || body.isEmpty()) {
      return "";
    }
    if (body.length() > MAX_BODY_BYTES * 4 / 3 + 4) {
      throw new BadRequestException(BadRequestException.Reason.TOO_LARGE);
    }
    if (event.getIsBase64Encoded()) {
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
