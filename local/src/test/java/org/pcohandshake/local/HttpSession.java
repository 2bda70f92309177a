package org.pcohandshake.local;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser without a screen, for HTTP-level end-to-end tests: follows redirects one hop at a time
 * (GET after 302/303, as browsers do), keeps cookies per host as browsers do (ports share cookies;
 * Secure cookies are kept on http://localhost and 127.0.0.1, which browsers treat as secure
 * contexts), and records every hop.
 */
final class HttpSession implements AutoCloseable {

  private static final int MAX_HOPS = 20;

  private final HttpClient client =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final Map<String, Map<String, String>> cookies = new LinkedHashMap<>();
  private final List<String> hops = new ArrayList<>();

  /** One answer at the end of a redirect chain. */
  record Page(URI uri, int status, String body) {
    /** The value of the first HTML attribute match, e.g. a hidden input's value. */
    String find(String regex) {
      Matcher m = Pattern.compile(regex).matcher(body);
      if (!m.find()) {
        throw new AssertionError("no match for " + regex + " in the page at " + uri + ":\n" + body);
      }
      return m.group(1);
    }
  }

  /** GET, then follow redirects until a non-redirect answer. */
  Page get(String url) throws IOException, InterruptedException {
    return follow(HttpRequest.newBuilder(URI.create(url)).GET(), URI.create(url));
  }

  /**
   * GET, then follow redirects until one points at a URL starting with {@code prefix}: that URL,
   * with its query, not requested (a browser stopped just before it, e.g. an attacker keeping the
   * callback URL of their own sign-in unused to send it to a victim).
   */
  URI getUntil(String url, String prefix) throws IOException, InterruptedException {
    stopAt = prefix;
    try {
      get(url);
    } catch (Stopped stopped) {
      return stopped.next;
    } finally {
      stopAt = null;
    }
    throw new AssertionError("no redirect to " + prefix + ": " + hops);
  }

  private String stopAt;

  private static final class Stopped extends RuntimeException {
    final URI next;

    Stopped(URI next) {
      super(null, null, false, false);
      this.next = next;
    }
  }

  /** POST a form (with an Origin header, as browsers send), then follow redirects. */
  Page postForm(String url, String origin, Map<String, String> form)
      throws IOException, InterruptedException {
    StringBuilder body = new StringBuilder();
    form.forEach(
        (name, value) ->
            body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Origin", origin)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    return follow(request, URI.create(url));
  }

  /** The cookies held for a host (name to value). */
  Map<String, String> cookies(String host) {
    return Map.copyOf(cookies.getOrDefault(host, Map.of()));
  }

  /** Puts a cookie in the jar, as a browser that kept an old value would send it. */
  void setCookie(String host, String name, String value) {
    cookies.computeIfAbsent(host, h -> new LinkedHashMap<>()).put(name, value);
  }

  /** Every request made, as "METHOD url -> status" (queries cut: they carry codes). */
  List<String> hops() {
    return List.copyOf(hops);
  }

  private Page follow(HttpRequest.Builder first, URI firstUri)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = first;
    URI uri = firstUri;
    for (int hop = 0; hop < MAX_HOPS; hop++) {
      String cookieHeader = cookieHeader(uri.getHost());
      if (!cookieHeader.isEmpty()) {
        request.header("Cookie", cookieHeader);
      }
      HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
      HttpResponse<String> response = client.send(built, HttpResponse.BodyHandlers.ofString());
      hops.add(
          built.method() + " " + uri.resolve(uri.getRawPath()) + " -> " + response.statusCode());
      store(uri.getHost(), response.headers().allValues("set-cookie"));
      int status = response.statusCode();
      if (status != 301 && status != 302 && status != 303 && status != 307) {
        return new Page(uri, status, response.body());
      }
      String location = response.headers().firstValue("location").orElseThrow();
      uri = uri.resolve(location);
      if (stopAt != null && uri.toString().startsWith(stopAt)) {
        throw new Stopped(uri);
      }
      request = HttpRequest.newBuilder(uri).GET();
    }
    throw new AssertionError("more than " + MAX_HOPS + " redirects: " + hops);
  }

  private String cookieHeader(String host) {
    StringBuilder header = new StringBuilder();
    cookies
        .getOrDefault(host, Map.of())
        .forEach(
            (name, value) ->
                header.append(header.isEmpty() ? "" : "; ").append(name).append('=').append(value));
    return header.toString();
  }

  private void store(String host, List<String> setCookies) {
    for (String setCookie : setCookies) {
      String[] parts = setCookie.split(";");
      int equals = parts[0].indexOf('=');
      String name = parts[0].substring(0, equals).trim();
      String value = parts[0].substring(equals + 1).trim();
      boolean expired = false;
      for (int i = 1; i < parts.length; i++) {
        String attribute = parts[i].trim().toLowerCase(java.util.Locale.ROOT);
        if (attribute.equals("max-age=0")) {
          expired = true;
        }
      }
      Map<String, String> jar = cookies.computeIfAbsent(host, h -> new LinkedHashMap<>());
      if (expired) {
        jar.remove(name);
      } else {
        jar.put(name, value);
      }
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
