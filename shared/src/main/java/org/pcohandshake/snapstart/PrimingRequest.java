package org.pcohandshake.snapstart;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcohandshake.json.Json;

/**
 * A request a function answers once before its SnapStart snapshot, through its whole entry (the
 * event's JSON read, the service, the response written), with values that were never issued.
 *
 * @param method the HTTP method
 * @param path the raw path
 * @param rawQuery the raw query string, may be empty
 * @param headers lower-case header names to values
 * @param cookies {@code name=value} pairs
 * @param body the body, may be empty
 */
public record PrimingRequest(
    String method,
    String path,
    String rawQuery,
    Map<String, String> headers,
    List<String> cookies,
    String body) {

  static final String FORM = "application/x-www-form-urlencoded";

  public PrimingRequest {
    headers = Map.copyOf(headers);
    cookies = List.copyOf(cookies);
  }

  /** A request without a query, headers, cookies or body. */
  public static PrimingRequest of(String method, String path) {
    return new PrimingRequest(method, path, "", Map.of(), List.of(), "");
  }

  /** A page's {@code GET} with its raw query. */
  public static PrimingRequest get(String path, String rawQuery) {
    return new PrimingRequest("GET", path, rawQuery, Map.of(), List.of(), "");
  }

  /** A form {@code POST}. */
  public static PrimingRequest postForm(String path, String form) {
    return new PrimingRequest("POST", path, "", Map.of("content-type", FORM), List.of(), form);
  }

  /** Another request of the same kind, with one more header. */
  public PrimingRequest header(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new PrimingRequest(method, path, rawQuery, more, cookies, body);
  }

  /** Another request of the same kind, with one more cookie. */
  public PrimingRequest cookie(String name, String value) {
    List<String> more = new java.util.ArrayList<>(cookies);
    more.add(name + "=" + value);
    return new PrimingRequest(method, path, rawQuery, headers, more, body);
  }

  /** The API Gateway HTTP API (payload 2.0) event's JSON, shaped as API Gateway sends it. */
  public String toEventJson() {
    Map<String, Object> http = new LinkedHashMap<>();
    http.put("method", method);
    http.put("path", path);
    http.put("protocol", "HTTP/1.1");
    http.put("sourceIp", "127.0.0.1");
    http.put("userAgent", "snapstart-priming");
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("requestId", "snapstart-priming");
    context.put("routeKey", method + " " + path);
    context.put("stage", "$default");
    context.put("http", http);
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("version", "2.0");
    event.put("routeKey", method + " " + path);
    event.put("rawPath", path);
    event.put("rawQueryString", rawQuery);
    if (!cookies.isEmpty()) {
      event.put("cookies", cookies);
    }
    event.put("headers", headers);
    event.put("requestContext", context);
    if (!body.isEmpty()) {
      event.put("body", body);
    }
    event.put("isBase64Encoded", false);
    return Json.write(event);
  }
}
