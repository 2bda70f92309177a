package org.pcohandshake.testkit.pco;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcohandshake.testkit.json.TestJson;

/** A small HTTP client for the tests: redirects off, answers as text. */
final class SimHttp implements AutoCloseable {
  private final HttpClient client =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> postForm(String url, Map<String, String> form, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(Exchanges.formEncode(form)));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Form parameters in order; tests build them as name, value, name, value. */
  static Map<String, String> form(String... namesAndValues) {
    Map<String, String> form = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      form.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return form;
  }

  static String basic(String id, String secret) {
    return Exchanges.basicAuthorization(id, secret);
  }

  static Map<String, Object> json(HttpResponse<String> response) {
    return TestJson.object(response.body());
  }

  static String location(HttpResponse<String> response) {
    return response.headers().firstValue("Location").orElseThrow();
  }

  /** The decoded query of a redirect's Location, one value per name. */
  static Map<String, String> locationQuery(HttpResponse<String> response) {
    Map<String, String> query = new LinkedHashMap<>();
    Exchanges.parseForm(URI.create(location(response)).getRawQuery())
        .values()
        .forEach((name, values) -> query.put(name, values.getFirst()));
    return query;
  }

  /** The part of a Location before its query. */
  static String locationWithoutQuery(HttpResponse<String> response) {
    String location = location(response);
    int question = location.indexOf('?');
    return question < 0 ? location : location.substring(0, question);
  }

  /** {@code name=value} of a Set-Cookie header with that name, or null. */
  static String cookiePair(HttpResponse<String> response, String name) {
    List<String> cookies = response.headers().allValues("Set-Cookie");
    for (String cookie : cookies) {
      String pair = cookie.split(";", 2)[0];
      if (pair.startsWith(name + "=")) {
        return pair;
      }
    }
    return null;
  }

  @Override
  public void close() {
    client.close();
  }
}
