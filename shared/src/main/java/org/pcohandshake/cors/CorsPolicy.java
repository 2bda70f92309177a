package org.pcohandshake.cors;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;

/**
 * Cross-origin access for an API that browsers call with a bearer token (no cookies, so never
 * {@code Access-Control-Allow-Credentials}). Only configured origins are answered: exact origins
 * ({@code https://planningcenteronline.com}) or one-label wildcards ({@code
 * https://*.planningcenteronline.com} matches {@code https://services.planningcenteronline.com} but
 * not {@code https://a.b.planningcenteronline.com}, {@code http://...}, a port, or {@code
 * https://planningcenteronline.com.evil.example}). Other origins get no CORS headers, so browsers
 * keep the response from their scripts.
 */
public final class CorsPolicy {

  /** How long a browser may reuse a preflight answer. */
  public static final int PREFLIGHT_MAX_AGE_SECONDS = 600;

  private static final String LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";

  private final List<Pattern> origins;
  private final List<String> methods;
  private final List<String> headers;

  /**
   * @param origins allowed origins, exact or with a leading {@code *.} label wildcard
   * @param methods the methods the API answers (besides OPTIONS), e.g. {@code GET}
   * @param headers the request headers scripts may send, e.g. {@code Authorization}
   */
  public CorsPolicy(List<String> origins, List<String> methods, List<String> headers) {
    this.origins = origins.stream().map(CorsPolicy::pattern).toList();
    this.methods = List.copyOf(methods);
    this.headers = List.copyOf(headers);
  }

  static Pattern pattern(String origin) {
    int star = origin.indexOf("://*.");
    if (star < 0) {
      return Pattern.compile(Pattern.quote(origin));
    }
    String scheme = origin.substring(0, star + 3);
    String rest = origin.substring(star + 5);
    return Pattern.compile(Pattern.quote(scheme) + LABEL + "\\." + Pattern.quote(rest));
  }

  /** Whether an {@code Origin} header value is allowed (compared exactly, as browsers send it). */
  public boolean allows(String origin) {
    return origins.stream().anyMatch(p -> p.matcher(origin).matches());
  }

  /**
   * The answer to {@code OPTIONS}: for an allowed origin asking for an allowed method and headers,
   * 204 with the CORS grant; otherwise 403 without CORS headers (the browser then blocks the call).
   * An OPTIONS request that is not a preflight gets 204 with {@code Allow}.
   */
  public HttpResponse preflight(HttpRequest http) {
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    answer.put("cache-control", "no-store");
    Optional<String> origin = http.header("origin");
    Optional<String> method = http.header("access-control-request-method");
    if (origin.isEmpty() || method.isEmpty()) {
      answer.put("allow", String.join(", ", methods) + ", OPTIONS");
      return new HttpResponse(204, answer, List.of(), "");
    }
    if (!allows(origin.get())
        || !methods.contains(method.get())
        || !headersAllowed(http.header("access-control-request-headers").orElse(""))) {
      return new HttpResponse(403, answer, List.of(), "");
    }
    answer.remove("cache-control");
    answer.put("access-control-allow-origin", origin.get());
    answer.put("access-control-allow-methods", String.join(", ", methods));
    answer.put("access-control-allow-headers", String.join(", ", headers));
    answer.put("access-control-max-age", Integer.toString(PREFLIGHT_MAX_AGE_SECONDS));
    return new HttpResponse(204, answer, List.of(), "");
  }

  /**
   * Adds the CORS headers to an actual response when the request's origin is allowed, and {@code
   * Vary: Origin} always (the response differs by origin, so caches must key on it). {@code
   * WWW-Authenticate} is exposed so that a script can read why a 401 happened.
   */
  public HttpResponse apply(HttpRequest http, HttpResponse response) {
    HttpResponse varied = response.withHeader("vary", "Origin");
    Optional<String> origin = http.header("origin");
    if (origin.isEmpty() || !allows(origin.get())) {
      return varied;
    }
    return varied
        .withHeader("access-control-allow-origin", origin.get())
        .withHeader("access-control-expose-headers", "WWW-Authenticate");
  }

  private boolean headersAllowed(String requested) {
    if (requested.isBlank()) {
      return true;
    }
    List<String> allowed = headers.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    return Arrays.stream(requested.split(","))
        .map(h -> h.trim().toLowerCase(Locale.ROOT))
        .filter(h -> !h.isEmpty())
        .allMatch(allowed::contains);
  }
}
