package org.pcohandshake.testkit.oidc;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.pcohandshake.testkit.json.TestJson;

/**
 * A real OpenID Provider over HTTP: NAV's {@code mock-oauth2-server} (discovery, authorization
 * endpoint with PKCE, token endpoint, JWKS, RS256 ID tokens with {@code nonce}), behind a small
 * forwarding proxy on its own loopback port. The proxy is the provider's address (its {@code
 * X-Forwarded-Port} makes the provider name the proxy in its issuer, endpoints and tokens), and it
 * can substitute the {@code id_token} of the token endpoint's next answers with a forged one, for
 * the attacks a real provider will not produce ({@code alg: none}, an HMAC keyed with the public
 * key, an unknown {@code kid}, a wrong {@code iss} or {@code aud}, no {@code nonce}, expired).
 */
public final class TestProvider implements AutoCloseable {

  /** The issuer id (path) at the provider. */
  public static final String ISSUER_ID = "default";

  private final MockOAuth2Server server;
  private final HttpServer proxy;
  private final HttpClient client =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final AtomicReference<Function<SignedJWT, String>> forge = new AtomicReference<>();
  private final AtomicInteger tokenCalls = new AtomicInteger();
  private final java.util.concurrent.ConcurrentLinkedQueue<Planned> faults =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** The provider's endpoints a fault can be put on. */
  public enum Endpoint {
    DISCOVERY("/" + ISSUER_ID + "/.well-known/openid-configuration"),
    TOKEN("/" + ISSUER_ID + "/token"),
    JWKS("/" + ISSUER_ID + "/jwks");

    final String path;

    Endpoint(String path) {
      this.path = path;
    }
  }

  /** What the provider does instead of answering well. */
  public sealed interface Fault {
    /** Answers this status with a short text body (503: down). */
    record Status(int status) implements Fault {}

    /** Answers 200 with a body that is not the JSON asked for. */
    record Garbage() implements Fault {}

    /** Answers 200 with a JSON object of about this many bytes (an oversized answer). */
    record Huge(int bytes) implements Fault {}

    /** Holds the request this long before answering it normally. */
    record Slow(Duration delay) implements Fault {}

    /** Answers normally, but one byte every {@code interval} (a slow-loris answer). */
    record Trickle(Duration interval) implements Fault {}

    static Fault status(int status) {
      return new Status(status);
    }

    static Fault garbage() {
      return new Garbage();
    }

    static Fault huge(int bytes) {
      return new Huge(bytes);
    }

    static Fault slow(Duration delay) {
      return new Slow(delay);
    }

    static Fault trickle(Duration interval) {
      return new Trickle(interval);
    }
  }

  private record Planned(Endpoint endpoint, Fault fault, AtomicInteger left) {}

  /** The next {@code times} requests to {@code endpoint} get {@code fault}. */
  public void failNext(Endpoint endpoint, int times, Fault fault) {
    faults.add(new Planned(endpoint, fault, new AtomicInteger(times)));
  }

  /** Forgets every planned fault. */
  public void clearFaults() {
    faults.clear();
  }

  private java.util.Optional<Fault> takeFault(String path) {
    for (Planned planned : faults) {
      if (planned.endpoint().path.equals(path) && planned.left().getAndDecrement() > 0) {
        return java.util.Optional.of(planned.fault());
      }
    }
    return java.util.Optional.empty();
  }

  private TestProvider(MockOAuth2Server server, HttpServer proxy) {
    this.server = server;
    this.proxy = proxy;
  }

  /** A provider that signs in whoever is next enqueued ({@link #nextUser}), without a form. */
  public static TestProvider start() {
    return start(0, false);
  }

  /**
   * @param port the proxy's port (0: a free one)
   * @param interactiveLogin whether the authorization endpoint shows a form asking for a user name
   *     (for a person clicking through the local stack)
   */
  public static TestProvider start(int port, boolean interactiveLogin) {
    OAuth2Config config = new OAuth2Config(interactiveLogin);
    MockOAuth2Server server = new MockOAuth2Server(config);
    server.start(InetAddress.getLoopbackAddress(), 0);
    HttpServer proxy;
    try {
      proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      server.shutdown();
      throw new java.io.UncheckedIOException(e);
    }
    TestProvider provider = new TestProvider(server, proxy);
    proxy.createContext("/", provider::forward);
    proxy.setExecutor(Executors.newCachedThreadPool());
    proxy.start();
    return provider;
  }

  /** The issuer, exactly as the provider writes it in {@code iss} and its discovery document. */
  public String issuer() {
    return "http://localhost:" + proxy.getAddress().getPort() + "/" + ISSUER_ID;
  }

  /** The proxy's port. */
  public int port() {
    return proxy.getAddress().getPort();
  }

  /** The provider's signing keys (public). */
  public JWKSet publicKeys() {
    return server.getConfig().getTokenProvider().publicJwkSet(ISSUER_ID);
  }

  /** A token with exactly these claims, signed by the provider's own key (its {@code kid}). */
  public SignedJWT signWithProviderKey(JWTClaimsSet claims) {
    return server
        .getConfig()
        .getTokenProvider()
        .jwt(claims.toJSONObject(), Duration.ofHours(1), ISSUER_ID);
  }

  /**
   * The next sign-in (in non-interactive mode) is this user, with these extra ID token claims.
   *
   * @param clientId the audience of the ID token (our client id at the provider)
   */
  public void nextUser(String subject, String clientId, Map<String, Object> claims) {
    server.enqueueCallback(
        new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of(clientId), claims, 3600));
  }

  /**
   * From now on, the token endpoint's answers carry {@code forgery} applied to the ID token the
   * provider issued instead of it ({@code null}: the provider's own again).
   */
  public void substituteIdTokens(Function<SignedJWT, String> forgery) {
    forge.set(forgery);
  }

  /** How many token requests the provider has answered. */
  public int tokenCalls() {
    return tokenCalls.get();
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      java.util.Optional<Fault> fault = takeFault(exchange.getRequestURI().getPath());
      if (fault.isPresent() && fault.get() instanceof Fault.Status status) {
        byte[] text = "unavailable".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status.status(), text.length);
        exchange.getResponseBody().write(text);
        return;
      }
      if (fault.isPresent() && fault.get() instanceof Fault.Garbage) {
        byte[] text = "<html><body>Gateway error</body></html>".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, text.length);
        exchange.getResponseBody().write(text);
        return;
      }
      if (fault.isPresent() && fault.get() instanceof Fault.Huge huge) {
        byte[] text =
            ("{\"padding\":\"" + "x".repeat(huge.bytes()) + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, text.length);
        try (OutputStream stream = exchange.getResponseBody()) {
          stream.write(text);
        } catch (IOException closedByTheClient) {
          // the client stopped reading at its limit
        }
        return;
      }
      if (fault.isPresent() && fault.get() instanceof Fault.Slow slow) {
        sleep(slow.delay());
      }
      URI target =
          URI.create(
              server.baseUrl().toString().replaceAll("/$", "")
                  + exchange.getRequestURI().getRawPath()
                  + (exchange.getRequestURI().getRawQuery() == null
                      ? ""
                      : "?" + exchange.getRequestURI().getRawQuery()));
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target)
              .timeout(Duration.ofSeconds(10))
              .header("X-Forwarded-Port", Integer.toString(port()))
              .method(
                  exchange.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      for (String name : List.of("Content-Type", "Authorization", "Accept", "Cookie")) {
        String value = exchange.getRequestHeaders().getFirst(name);
        if (value != null) {
          request.header(name, value);
        }
      }
      HttpResponse<byte[]> answer;
      try {
        answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      byte[] out = answer.body();
      boolean tokenCall =
          exchange.getRequestURI().getPath().equals("/" + ISSUER_ID + "/token")
              && answer.statusCode() == 200;
      if (tokenCall) {
        tokenCalls.incrementAndGet();
        Function<SignedJWT, String> forgery = forge.get();
        if (forgery != null) {
          out = substituted(new String(out, StandardCharsets.UTF_8), forgery);
        }
      }
      for (String name : List.of("Content-Type", "Location", "Set-Cookie", "Cache-Control")) {
        answer
            .headers()
            .allValues(name)
            .forEach(value -> exchange.getResponseHeaders().add(name, value));
      }
      exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream stream = exchange.getResponseBody()) {
          if (fault.isPresent() && fault.get() instanceof Fault.Trickle trickle) {
            for (byte b : out) {
              stream.write(b);
              stream.flush();
              sleep(trickle.interval());
            }
          } else {
            stream.write(out);
          }
        }
      }
    } catch (RuntimeException e) {
      exchange.sendResponseHeaders(500, -1);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] substituted(String json, Function<SignedJWT, String> forgery) {
    Map<String, Object> answer = new java.util.LinkedHashMap<>(TestJson.object(json));
    try {
      SignedJWT issued = SignedJWT.parse(String.valueOf(answer.get("id_token")));
      answer.put("id_token", forgery.apply(issued));
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
    return TestJson.write(answer).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    proxy.stop(0);
    server.shutdown();
  }

  @Override
  public String toString() {
    return "TestProvider[" + issuer() + "]";
  }
}
