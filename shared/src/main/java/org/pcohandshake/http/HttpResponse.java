package org.pcohandshake.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcohandshake.json.Json;

/**
 * A response before it becomes an API Gateway v2 response.
 *
 * @param status HTTP status
 * @param headers header name to value
 * @param cookies full {@code Set-Cookie} values
 * @param body the text body
 */
public record HttpResponse(
    int status, Map<String, String> headers, List<String> cookies, String body) {

  public HttpResponse {
    headers = Map.copyOf(headers);
    cookies = List.copyOf(cookies);
  }

  /** A JSON response that is never cached (RFC 6749 section 5.1). */
  public static HttpResponse json(int status, String json) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json;charset=UTF-8");
    headers.put("cache-control", "no-store");
    headers.put("pragma", "no-cache");
    return new HttpResponse(status, headers, List.of(), json);
  }

  /** An HTML page with the security headers every page of ours carries. */
  public static HttpResponse html(int status, String html, String formActionSources) {
    Map<String, String> headers = new LinkedHashMap<>(SecurityHeaders.forPage(formActionSources));
    headers.put("content-type", "text/html;charset=UTF-8");
    return new HttpResponse(status, headers, List.of(), html);
  }

  /** A redirect that is never cached and leaks no referrer. */
  public static HttpResponse redirect(int status, String location) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("location", location);
    headers.put("cache-control", "no-store");
    headers.put("referrer-policy", "no-referrer");
    return new HttpResponse(status, headers, List.of(), "");
  }

  public HttpResponse withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new HttpResponse(status, copy, cookies, body);
  }

  public HttpResponse withCookie(String setCookie) {
    List<String> copy = new ArrayList<>(cookies);
    copy.add(setCookie);
    return new HttpResponse(status, headers, copy, body);
  }

  /**
   * The response as the JSON Lambda hands back to API Gateway (payload 2.0), written by hand: the
   * stream handlers' counterpart of {@link #toEvent()}.
   */
  public String toEventJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("statusCode", status);
    json.put("headers", headers);
    if (!cookies.isEmpty()) {
      json.put("cookies", cookies);
    }
    json.put("body", body);
    json.put("isBase64Encoded", false);
    return Json.write(json);
  }

  public APIGatewayV2HTTPResponse toEvent() {
    APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
    response.setStatusCode(status);
    response.setHeaders(headers);
    if (!cookies.isEmpty()) {
      response.setCookies(cookies);
    }
    response.setBody(body);
    response.setIsBase64Encoded(false);
    return response;
  }
}
