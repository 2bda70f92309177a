package org.pcohandshake.testkit.pco;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Plays the integrator's token endpoint and example API for the simulator's add-on tests, and
 * records what it received.
 */
final class FakeIntegrator implements AutoCloseable {

  /** One request as received. */
  record Received(String method, String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().getFirst())
          .findFirst()
          .orElse(null);
    }

    Map<String, String> form() {
      return Exchanges.parseForm(body).values().entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getFirst()));
    }
  }

  /** A canned answer. */
  record Answer(int status, String body) {}

  private final HttpServer server;
  final List<Received> tokenRequests = new CopyOnWriteArrayList<>();
  final List<Received> apiRequests = new CopyOnWriteArrayList<>();
  volatile Answer tokenAnswer =
      new Answer(
          200,
          "{\"access_token\":\"int-access-1\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
              + "\"refresh_token\":\"int-refresh-1\"}");
  volatile Answer apiAnswer =
      new Answer(200, "{\"user\":{\"id\":\"u-1\",\"name\":\"<b>Pat</b> & Co\"}}");

  FakeIntegrator() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext("/oauth/token", exchange -> answer(exchange, tokenRequests, tokenAnswer));
    server.createContext("/api/me", exchange -> answer(exchange, apiRequests, apiAnswer));
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  String tokenUrl() {
    return baseUrl() + "/oauth/token";
  }

  String apiUrl() {
    return baseUrl() + "/api/me";
  }

  private static void answer(HttpExchange exchange, List<Received> log, Answer answer)
      throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    log.add(
        new Received(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(),
            Map.copyOf(exchange.getRequestHeaders()),
            body));
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (origin != null) {
      exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
