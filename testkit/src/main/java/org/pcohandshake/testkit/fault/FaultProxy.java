package org.pcohandshake.testkit.fault;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.pcohandshake.testkit.fault.Operations.Service;
import org.pcohandshake.testkit.json.TestJson;

/**
 * A small HTTP/1.1 proxy on 127.0.0.1 in front of one upstream (the AWS emulator, or the PCO
 * simulator) that forwards every call except those a {@link Rule} picks, which it answers with a
 * {@link Fault}. Calls are named by the AWS JSON protocols' {@code X-Amz-Target} header (e.g.
 * {@code DynamoDB_20120810.TransactWriteItems}, {@code TrentService.Sign}, {@code
 * secretsmanager.GetSecretValue}), or {@code METHOD /path} without it. Every call is recorded, so a
 * test can also count how often the SDK tried.
 *
 * <p>Point a function at it by giving its handler an environment whose {@code AWS_ENDPOINT_URL} is
 * {@link #url()} (see {@link #pointAt(Map)}). Each connection carries one request: the proxy
 * answers with {@code Connection: close}.
 */
public final class FaultProxy implements AutoCloseable {

  /**
   * One call the proxy saw.
   *
   * @param operation the operation name
   * @param outcome {@code forwarded}, or the label of the fault that answered it
   * @param status the HTTP status sent back; 0 when none was (slow, drop)
   */
  public record Call(String operation, String outcome, int status) {
    public boolean faulted() {
      return !outcome.equals("forwarded");
    }
  }

  private static final int MAX_HEAD_BYTES = 64 * 1024;
  private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "transfer-encoding",
          "content-length",
          "expect",
          "te",
          "upgrade");

  private final URI upstream;
  private final ServerSocket server;
  private final Thread acceptor;
  private final List<ActiveRule> rules = new CopyOnWriteArrayList<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private static final class ActiveRule {
    final Rule rule;
    final AtomicLong seen = new AtomicLong();

    ActiveRule(Rule rule) {
      this.rule = rule;
    }
  }

  private FaultProxy(URI upstream) throws IOException {
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    if (upstream.getHost() == null || upstream.getPort() < 0) {
      throw new IllegalArgumentException("upstream needs a host and a port: " + upstream);
    }
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.acceptor = Thread.ofPlatform().daemon().name("fault-proxy-" + port()).start(this::accept);
  }

  /** Starts a proxy on a free loopback port in front of {@code upstream}. */
  public static FaultProxy start(URI upstream) {
    try {
      return new FaultProxy(upstream);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the fault proxy", e);
    }
  }

  /** Starts a proxy in front of {@code upstream}, e.g. {@code http://127.0.0.1:5000}. */
  public static FaultProxy start(String upstream) {
    return start(URI.create(upstream));
  }

  public int port() {
    return server.getLocalPort();
  }

  /** The proxy's URL, e.g. {@code http://127.0.0.1:41234}, for {@code AWS_ENDPOINT_URL}. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** The upstream it forwards to. */
  public URI upstream() {
    return upstream;
  }

  /** A copy of a function's environment whose AWS calls go through this proxy. */
  public Map<String, String> pointAt(Map<String, String> environment) {
    Map<String, String> copy = new HashMap<>(environment);
    copy.put("AWS_ENDPOINT_URL", url());
    return copy;
  }

  /** Adds a rule; its call count starts now. Earlier rules win when two fault the same call. */
  public FaultProxy add(Rule rule) {
    rules.add(new ActiveRule(Objects.requireNonNull(rule, "rule")));
    return this;
  }

  /** Removes every rule: from now on every call is forwarded. */
  public void clearRules() {
    rules.clear();
  }

  /** Every call seen since the start or the last {@link #resetCalls()}, in order. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** How many calls of {@code operation} were seen (forwarded or faulted). */
  public long count(String operation) {
    return calls.stream().filter(c -> c.operation().equals(operation)).count();
  }

  /** How many calls of {@code operation} were answered with a fault. */
  public long faulted(String operation) {
    return calls.stream().filter(c -> c.operation().equals(operation) && c.faulted()).count();
  }

  /** Whether any call of one of {@code operations} was seen. */
  public boolean sawAny(Set<String> operations) {
    return calls.stream().anyMatch(c -> operations.contains(c.operation()));
  }

  public void resetCalls() {
    calls.clear();
  }

  /** {@link #clearRules()} and {@link #resetCalls()}. */
  public void reset() {
    clearRules();
    resetCalls();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    acceptor.interrupt();
  }

  @Override
  public String toString() {
    return "FaultProxy[" + url() + " -> " + upstream + "]";
  }

  // ---- connections -------------------------------------------------------------------------

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      open.add(client);
      Thread.ofVirtual().name("fault-proxy-conn").start(() -> serve(client));
    }
  }

  private record Request(
      String method, String target, String version, List<String[]> headers, byte[] body) {
    String header(String name) {
      for (String[] header : headers) {
        if (header[0].equalsIgnoreCase(name)) {
          return header[1];
        }
      }
      return null;
    }

    String operation() {
      String amzTarget = header("X-Amz-Target");
      if (amzTarget != null && !amzTarget.isBlank()) {
        return amzTarget.trim();
      }
      int query = target.indexOf('?');
      return method + " " + (query < 0 ? target : target.substring(0, query));
    }
  }

  private void serve(Socket client) {
    try (client) {
      client.setSoTimeout(60_000);
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      Request request = readRequest(in, out);
      if (request == null) {
        return;
      }
      String operation = request.operation();
      String body = new String(request.body(), StandardCharsets.UTF_8);
      Fault fault = choose(operation, body);
      if (fault == null) {
        forward(request, out, Duration.ZERO, operation, "forwarded");
        return;
      }
      switch (fault) {
        case Fault.Slow slow -> {
          calls.add(new Call(operation, fault.label(), 0));
          sleep(slow.hold());
        }
        case Fault.Drop drop -> {
          calls.add(new Call(operation, fault.label(), 0));
          client.setSoLinger(true, 0);
        }
        case Fault.Late late -> forward(request, out, late.delay(), operation, fault.label());
        default -> {
          Answer answer = answer(fault, operation, body);
          calls.add(new Call(operation, fault.label(), answer.status()));
          writeAnswer(out, answer);
        }
      }
    } catch (IOException | RuntimeException e) {
      // the client went away, or the upstream did: the client sees a dropped connection
    } finally {
      open.remove(client);
    }
  }

  private synchronized Fault choose(String operation, String body) {
    Fault chosen = null;
    for (ActiveRule active : rules) {
      if (active.rule.matches(operation, body)) {
        long n = active.seen.incrementAndGet();
        if (chosen == null && active.rule.faults(n)) {
          chosen = active.rule.fault();
        }
      }
    }
    return chosen;
  }

  // ---- HTTP reading and writing ------------------------------------------------------------

  private static Request readRequest(InputStream in, OutputStream out) throws IOException {
    String head = readHead(in);
    if (head == null) {
      return null;
    }
    String[] lines = head.split("\r\n");
    String[] requestLine = lines[0].split(" ", 3);
    if (requestLine.length != 3) {
      throw new IOException("bad request line");
    }
    List<String[]> headers = parseHeaders(lines);
    Request partial = new Request(requestLine[0], requestLine[1], requestLine[2], headers, null);
    String expect = partial.header("Expect");
    if (expect != null && expect.equalsIgnoreCase("100-continue")) {
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    byte[] body =
        readBody(in, partial.header("Content-Length"), partial.header("Transfer-Encoding"));
    return new Request(requestLine[0], requestLine[1], requestLine[2], headers, body);
  }

  private static List<String[]> parseHeaders(String[] lines) {
    List<String[]> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.add(
            new String[] {
              lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()
            });
      }
    }
    return headers;
  }

  /** The head up to (not including) the blank line; null at a clean end of stream. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(1024);
    int matched = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new EOFException("connection closed inside the head");
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        byte[] bytes = head.toByteArray();
        return new String(bytes, 0, bytes.length - 4, StandardCharsets.ISO_8859_1);
      }
      if (head.size() > MAX_HEAD_BYTES) {
        throw new IOException("head too large");
      }
    }
  }

  private static byte[] readBody(InputStream in, String contentLength, String transferEncoding)
      throws IOException {
    if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine(in);
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          while (!readLine(in).isEmpty()) {
            // trailers are dropped
          }
          return body.toByteArray();
        }
        if (body.size() + size > MAX_BODY_BYTES) {
          throw new IOException("body too large");
        }
        body.write(in.readNBytes(size));
        readLine(in);
      }
    }
    if (contentLength == null) {
      return new byte[0];
    }
    int length = Integer.parseInt(contentLength.trim());
    if (length < 0 || length > MAX_BODY_BYTES) {
      throw new IOException("bad content length");
    }
    byte[] body = in.readNBytes(length);
    if (body.length != length) {
      throw new EOFException("body shorter than its length");
    }
    return body;
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException();
      }
      if (b == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r'
            ? line.substring(0, end - 1)
            : line.toString();
      }
      line.append((char) b);
    }
  }

  /**
   * Sends the request upstream on a fresh connection and relays the answer, recording the call
   * before the client can see the answer (so a test that reads {@link #calls()} right after its
   * call returns finds it).
   */
  private void forward(
      Request request, OutputStream out, Duration delay, String operation, String outcome)
      throws IOException {
    byte[] response;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(upstream.getHost(), upstream.getPort()), 5_000);
      socket.setSoTimeout(60_000);
      StringBuilder head = new StringBuilder();
      head.append(request.method())
          .append(' ')
          .append(request.target())
          .append(' ')
          .append(request.version())
          .append("\r\n");
      for (String[] header : request.headers()) {
        if (!HOP_BY_HOP.contains(header[0].toLowerCase(Locale.ROOT))) {
          head.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
      }
      if (request.body().length > 0 || request.header("Content-Length") != null) {
        head.append("Content-Length: ").append(request.body().length).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      OutputStream upstreamOut = socket.getOutputStream();
      upstreamOut.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      upstreamOut.write(request.body());
      upstreamOut.flush();
      response = socket.getInputStream().readAllBytes();
    }
    int headEnd = indexOf(response, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    if (headEnd < 0) {
      throw new IOException("upstream answered without a head");
    }
    String[] lines = new String(response, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    int status = Integer.parseInt(statusLine[1]);
    StringBuilder head = new StringBuilder(lines[0]).append("\r\n");
    for (String[] header : parseHeaders(lines)) {
      String name = header[0].toLowerCase(Locale.ROOT);
      if (!name.equals("connection") && !name.equals("keep-alive")) {
        head.append(header[0]).append(": ").append(header[1]).append("\r\n");
      }
    }
    head.append("Connection: close\r\n\r\n");
    calls.add(new Call(operation, outcome, status));
    if (!delay.isZero()) {
      sleep(delay);
    }
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(response, headEnd + 4, response.length - headEnd - 4);
    out.flush();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  // ---- fault answers -----------------------------------------------------------------------

  private record Answer(int status, String contentType, Map<String, String> headers, String body) {}

  private static final String DYNAMODB_TYPE_PREFIX = "com.amazonaws.dynamodb.v20120810#";

  static Answer answer(Fault fault, String operation, String requestBody) {
    Service service = Service.of(operation);
    return switch (fault) {
      case Fault.Throttle throttle -> throttle(service, throttle.code());
      case Fault.ServerError error -> serverError(service, error.status());
      case Fault.TransactionCanceled cancelled ->
          transactionCanceled(cancelled, itemCount(requestBody));
      default -> throw new IllegalArgumentException("not an answer: " + fault);
    };
  }

  private static Answer throttle(Service service, String code) {
    return switch (service) {
      case DYNAMODB -> {
        String type = code.isEmpty() ? "ProvisionedThroughputExceededException" : code;
        String message =
            type.equals("ProvisionedThroughputExceededException")
                ? "The level of configured provisioned throughput for the table was exceeded."
                    + " Consider increasing your provisioning level with the UpdateTable API."
                : "Throughput exceeds the current capacity of your table or index.";
        yield awsError(
            400, "application/x-amz-json-1.0", DYNAMODB_TYPE_PREFIX + type, "message", message);
      }
      case KMS, SECRETS_MANAGER ->
          awsError(
              400,
              "application/x-amz-json-1.1",
              code.isEmpty() ? "ThrottlingException" : code,
              "message",
              "Rate exceeded");
      case OTHER ->
          new Answer(
              429,
              "application/json",
              Map.of("Retry-After", "1"),
              "{\"errors\":[{\"code\":\"429\",\"title\":\"Too Many Requests\"}]}");
    };
  }

  private static Answer serverError(Service service, int status) {
    return switch (service) {
      case DYNAMODB ->
          awsError(
              status,
              "application/x-amz-json-1.0",
              DYNAMODB_TYPE_PREFIX + (status == 503 ? "ServiceUnavailable" : "InternalServerError"),
              "message",
              "Internal server error");
      case KMS ->
          awsError(
              status,
              "application/x-amz-json-1.1",
              status == 503 ? "ServiceUnavailableException" : "KMSInternalException",
              "message",
              "Internal failure");
      case SECRETS_MANAGER ->
          awsError(
              status,
              "application/x-amz-json-1.1",
              status == 503 ? "ServiceUnavailable" : "InternalServiceError",
              "message",
              "Internal failure");
      case OTHER ->
          new Answer(
              status,
              "application/json",
              Map.of(),
              "{\"errors\":[{\"status\":\"" + status + "\",\"title\":\"Simulated failure\"}]}");
    };
  }

  private static Answer transactionCanceled(Fault.TransactionCanceled fault, int items) {
    List<Object> reasons = new ArrayList<>();
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < Math.max(items, fault.index() + 1); i++) {
      Map<String, Object> reason = new LinkedHashMap<>();
      String code = i == fault.index() ? fault.reason() : "None";
      reason.put("Code", code);
      if (i == fault.index()) {
        reason.put("Message", "Simulated " + fault.reason());
      }
      reasons.add(reason);
      codes.add(code);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("__type", DYNAMODB_TYPE_PREFIX + "TransactionCanceledException");
    body.put(
        "Message",
        "Transaction cancelled, please refer cancellation reasons for specific reasons " + codes);
    body.put("CancellationReasons", reasons);
    return new Answer(400, "application/x-amz-json-1.0", Map.of(), TestJson.write(body));
  }

  private static int itemCount(String requestBody) {
    try {
      Object items = TestJson.object(requestBody).get("TransactItems");
      return items instanceof List<?> list ? list.size() : 1;
    } catch (IllegalArgumentException e) {
      return 1;
    }
  }

  private static Answer awsError(
      int status, String contentType, String type, String messageField, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("__type", type);
    body.put(messageField, message);
    return new Answer(status, contentType, Map.of(), TestJson.write(body));
  }

  private static void writeAnswer(OutputStream out, Answer answer) throws IOException {
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    StringBuilder head =
        new StringBuilder("HTTP/1.1 ")
            .append(answer.status())
            .append(' ')
            .append(reason(answer.status()))
            .append("\r\n");
    head.append("Content-Type: ").append(answer.contentType()).append("\r\n");
    head.append("Content-Length: ").append(body.length).append("\r\n");
    head.append("x-amzn-RequestId: ").append(UUID.randomUUID()).append("\r\n");
    answer.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    head.append("Connection: close\r\n\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Error";
    };
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
