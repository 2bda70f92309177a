package org.pcohandshake.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A local stand-in for Lambda's Runtime API (version 2018-06-01) serving one function process:
 * {@code GET /runtime/invocation/next} (long poll), {@code POST /runtime/invocation/{id}/response}
 * and {@code /error}, {@code POST /runtime/init/error}, and for a simulated SnapStart init {@code
 * GET /runtime/restore/next} and {@code POST /runtime/restore/error}.
 *
 * <p>It records when things happen on {@link System#nanoTime()}: the first {@code /next} (init
 * done), the {@code /restore/next} (snapshot point), and for each invocation when it was handed out
 * and when its response arrived in full.
 */
final class RuntimeApiServer implements AutoCloseable {

  static final String BASE = "/2018-06-01/runtime";

  /** What a function answered to one invocation. */
  record Outcome(boolean error, String body, long receivedNanos) {}

  /** One invocation: its event, and the function's answer when it comes. */
  static final class Invocation {
    final String id = UUID.randomUUID().toString();
    final byte[] event;
    final long enqueuedNanos;
    final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    volatile long deliveredNanos;

    Invocation(byte[] event) {
      this.event = event;
      this.enqueuedNanos = System.nanoTime();
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final String functionArn;
  private final Duration timeout;
  private final BlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
  private final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();

  /** Completes with the time of the first {@code /next}, or exceptionally on an init error. */
  final CompletableFuture<Long> initDone = new CompletableFuture<>();

  /** Completes with the time of {@code /restore/next} (simulated SnapStart only). */
  final CompletableFuture<Long> restoreNext = new CompletableFuture<>();

  private final CountDownLatch restore;

  RuntimeApiServer(String functionArn, Duration timeout) throws IOException {
    this(functionArn, timeout, false);
  }

  /**
   * @param holdRestore whether {@code /restore/next} waits for {@link #releaseRestore()}: a
   *     snapshot taken at deployment and restored only when a request arrives, as Lambda restores a
   *     SnapStart version; otherwise it answers at once
   */
  RuntimeApiServer(String functionArn, Duration timeout, boolean holdRestore) throws IOException {
    this.functionArn = functionArn;
    this.timeout = timeout;
    this.restore = new CountDownLatch(holdRestore ? 1 : 0);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "runtime-api");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(BASE + "/", this::handle);
    server.start();
  }

  /** The value of {@code AWS_LAMBDA_RUNTIME_API}. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Queues an event; the function's answer completes the invocation's {@code outcome}. */
  Invocation invoke(String eventJson) {
    Invocation invocation = new Invocation(eventJson.getBytes(StandardCharsets.UTF_8));
    inFlight.put(invocation.id, invocation);
    queue.add(invocation);
    return invocation;
  }

  /** Lets a held {@code /restore/next} answer: the restore, once the first request is queued. */
  void releaseRestore() {
    restore.countDown();
  }

  /** Fails whatever is still waiting (the process died). */
  void fail(Throwable cause) {
    initDone.completeExceptionally(cause);
    restoreNext.completeExceptionally(cause);
    inFlight.values().forEach(i -> i.outcome.completeExceptionally(cause));
  }

  @Override
  public void close() {
    restore.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (method.equals("GET") && path.equals(BASE + "/invocation/next")) {
        next(exchange);
      } else if (method.equals("POST") && path.startsWith(BASE + "/invocation/")) {
        String rest = path.substring((BASE + "/invocation/").length());
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        String kind = slash < 0 ? "" : rest.substring(slash + 1);
        byte[] body = readAll(exchange.getRequestBody());
        long received = System.nanoTime();
        Invocation invocation = inFlight.remove(id);
        if (invocation == null || !(kind.equals("response") || kind.equals("error"))) {
          send(exchange, 400, "{\"errorMessage\":\"unknown invocation or path\"}");
          return;
        }
        send(exchange, 202, "{\"status\":\"OK\"}");
        invocation.outcome.complete(
            new Outcome(kind.equals("error"), new String(body, StandardCharsets.UTF_8), received));
      } else if (method.equals("POST") && path.equals(BASE + "/init/error")) {
        String body = new String(readAll(exchange.getRequestBody()), StandardCharsets.UTF_8);
        send(exchange, 202, "{\"status\":\"OK\"}");
        fail(new IllegalStateException("init error: " + body));
      } else if (method.equals("GET") && path.equals(BASE + "/restore/next")) {
        restoreNext.complete(System.nanoTime());
        try {
          restore.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        send(exchange, 200, "");
      } else if (method.equals("POST") && path.equals(BASE + "/restore/error")) {
        String body = new String(readAll(exchange.getRequestBody()), StandardCharsets.UTF_8);
        send(exchange, 202, "{\"status\":\"OK\"}");
        fail(new IllegalStateException("restore error: " + body));
      } else {
        send(exchange, 404, "{\"errorMessage\":\"not found\"}");
      }
    }
  }

  private void next(HttpExchange exchange) throws IOException {
    initDone.complete(System.nanoTime());
    Invocation invocation;
    try {
      invocation = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    invocation.deliveredNanos = System.nanoTime();
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "application/json");
    headers.set("Lambda-Runtime-Aws-Request-Id", invocation.id);
    headers.set(
        "Lambda-Runtime-Deadline-Ms",
        Long.toString(System.currentTimeMillis() + timeout.toMillis()));
    headers.set("Lambda-Runtime-Invoked-Function-Arn", functionArn);
    headers.set(
        "Lambda-Runtime-Trace-Id",
        "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0");
    exchange.sendResponseHeaders(200, invocation.event.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(invocation.event);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
