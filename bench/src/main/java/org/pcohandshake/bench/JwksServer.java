package org.pcohandshake.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.pcohandshake.config.Config;

/**
 * The issuer's JWKS over plain HTTP on 127.0.0.1, for the example API's verifier: in AWS it reads
 * {@code jwks_uri} from the stack's discovery function through API Gateway; here the issuer is not
 * a reachable host, so the function's {@code JWKS_URL} points at this server instead. The document
 * is the discovery function's, built once by the shared module's {@code KmsPublicKeys} against the
 * emulator before any function starts, so serving it costs no AWS call during a timed request.
 */
final class JwksServer implements AutoCloseable {

  private final HttpServer server;
  private final byte[] document;
  private final AtomicInteger requests = new AtomicInteger();

  /**
   * @param jwks the JWKS as JSON
   */
  JwksServer(String jwks) throws IOException {
    this.document = jwks.getBytes(StandardCharsets.UTF_8);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.createContext(Config.JWKS_PATH, this::serve);
    server.start();
  }

  /** Where the JWKS is: the value for the example API's {@code JWKS_URL}. */
  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + Config.JWKS_PATH);
  }

  /** How many requests it has answered. */
  int requests() {
    return requests.get();
  }

  private void serve(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())
          || !Config.JWKS_PATH.equals(exchange.getRequestURI().getPath())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      exchange.getResponseHeaders().set("content-type", "application/json;charset=UTF-8");
      exchange.sendResponseHeaders(200, document.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(document);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
