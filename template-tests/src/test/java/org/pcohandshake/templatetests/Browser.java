package org.pcohandshake.templatetests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** A minimal browser over real HTTP: follows nothing by itself, keeps cookies per host:port. */
final class Browser {

  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final Map<String, Map<String, String>> jars = new LinkedHashMap<>();

  HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), url);
  }

  HttpResponse<String> postForm(String url, String form, String origin)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", origin)
            .POST(HttpRequest.BodyPublishers.ofString(form)),
        url);
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String url)
      throws IOException, InterruptedException {
    Map<String, String> jar = jars.computeIfAbsent(authority(url), k -> new LinkedHashMap<>());
    if (!jar.isEmpty()) {
      request.header(
          "cookie",
          jar.entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining("; ")));
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    for (String setCookie : response.headers().allValues("set-cookie")) {
      String pair = setCookie.split(";", 2)[0];
      int eq = pair.indexOf('=');
      jar.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return response;
  }

  /** The value of a cookie held for the URL's host:port. */
  String cookie(String url, String name) {
    return jars.getOrDefault(authority(url), Map.of()).get(name);
  }

  /** Puts a cookie in the jar for the URL's host:port. */
  void cookie(String url, String name, String value) {
    jars.computeIfAbsent(authority(url), k -> new LinkedHashMap<>()).put(name, value);
  }

  static String location(HttpResponse<String> response) {
    return response
        .headers()
        .firstValue("location")
        .orElseThrow(() -> new AssertionError("no redirect: " + response.statusCode()));
  }

  private static String authority(String url) {
    return URI.create(url).getRawAuthority();
  }
}
