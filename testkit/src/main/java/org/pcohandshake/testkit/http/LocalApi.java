package org.pcohandshake.testkit.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.lambda.LocalContext;
import org.pcohandshake.testkit.lambda.LocalFunction;
import org.pcohandshake.testkit.sam.SamRoute;
import org.pcohandshake.testkit.sam.SamTemplate;

/**
 * The template's HTTP API on a loopback port: every {@code HttpApi} route of the template and
 * nothing else, each invoking its function's handler in this JVM with the event API Gateway
 * (payload 2.0) would send. Handlers are instantiated once, on their first request, with the
 * environment from {@link EnvironmentSource}. Every request in flight has a thread of its own, as
 * Lambda runs every concurrent request in an instance of its own: a fixed pool would make a
 * function that calls the API itself (the example API fetching the JWKS from the issuer) wait for a
 * thread held by requests that wait for it. One handler instance serves them all (unlike Lambda,
 * which never shares an instance between concurrent requests).
 */
public final class LocalApi implements AutoCloseable {

  /** The largest request body an HTTP API accepts. */
  public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

  private static final String NOT_FOUND = "{\"message\":\"Not Found\"}";
  private static final String TOO_LARGE = "{\"message\":\"Request Entity Too Large\"}";
  private static final String INTERNAL_ERROR = "{\"message\":\"Internal Server Error\"}";

  /** The environment of a function's handler, given the URL the local API listens on. */
  @FunctionalInterface
  public interface EnvironmentSource {
    /** The environment variables for the function's handler constructor. */
    Map<String, String> environmentFor(String functionLogicalId, String baseUrl);
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final RouteTable routes;
  private final Map<String, LocalFunction> functions;

  /**
   * The functions no route reaches: invoked through the Lambda Invoke API ({@link #INVOKE_PATH}).
   */
  private final Map<String, LocalFunction> invokable;

  /** The Lambda Invoke API's path: {@code POST /2015-03-31/functions/{name}/invocations}. */
  public static final java.util.regex.Pattern INVOKE_PATH =
      java.util.regex.Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");

  private final String baseUrl;

  private LocalApi(
      SamTemplate template, int port, EnvironmentSource environment, ClassLoader classLoader) {
    Objects.requireNonNull(environment, "environment");
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot listen on 127.0.0.1:"
              + port
              + " ("
              + e.getMessage()
              + "); stop whatever uses that port or choose another (0 picks a free one).",
          e);
    }
    baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    routes = new RouteTable(template.routes());
    Map<String, LocalFunction> byId = new LinkedHashMap<>();
    for (SamRoute route : template.routes()) {
      String id = route.functionLogicalId();
      byId.computeIfAbsent(
          id,
          key ->
              new LocalFunction(
                  template, key, () -> environment.environmentFor(key, baseUrl), classLoader));
    }
    functions = Map.copyOf(byId);
    Map<String, LocalFunction> unrouted = new LinkedHashMap<>();
    for (String id : template.functions().keySet()) {
      if (!byId.containsKey(id)) {
        unrouted.put(
            id,
            new LocalFunction(
                template, id, () -> environment.environmentFor(id, baseUrl), classLoader));
      }
    }
    invokable = Map.copyOf(unrouted);
    AtomicInteger threadNumber = new AtomicInteger();
    executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "local-api-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts serving the template's routes.
   *
   * @param port the loopback port, 0 for a free one
   * @param environment the environment each function's handler is constructed with
   * @throws UncheckedIOException when the port is taken
   */
  public static LocalApi start(SamTemplate template, int port, EnvironmentSource environment) {
    return new LocalApi(template, port, environment, defaultClassLoader());
  }

  /** Like {@link #start(SamTemplate, int, EnvironmentSource)}, loading handlers from a loader. */
  public static LocalApi start(
      SamTemplate template, int port, EnvironmentSource environment, ClassLoader classLoader) {
    return new LocalApi(template, port, environment, classLoader);
  }

  /**
   * Serves a provisioned stack: each function gets {@link ProvisionedStack#environmentFor} with
   * this API's base URL and the parameter overrides.
   */
  public static LocalApi start(
      ProvisionedStack stack, int port, Map<String, String> parameterOverrides) {
    Map<String, String> overrides = Map.copyOf(parameterOverrides);
    stack.parameterValues(overrides); // fail now, not on the first request
    return start(
        stack.template(), port, (id, baseUrl) -> stack.environmentFor(id, baseUrl, overrides));
  }

  /**
   * The Lambda Invoke API's endpoint for the SDKs ({@code endpoint} / {@code --endpoint-url}): the
   * same loopback origin as the HTTP API.
   */
  public String lambdaEndpoint() {
    return baseUrl;
  }

  /** The URL the API listens on, e.g. {@code http://127.0.0.1:49152}, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The port the API listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** An absolute URI for a path (and query) on this API, e.g. {@code uri("/oauth/token")}. */
  public URI uri(String pathAndQuery) {
    return URI.create(baseUrl + pathAndQuery);
  }

  /**
   * The function a route invokes.
   *
   * @throws IllegalArgumentException when no route invokes a function of that name
   */
  public LocalFunction function(String logicalId) {
    LocalFunction function = functions.get(logicalId);
    if (function == null) {
      throw new IllegalArgumentException(
          "No route of this API invokes '"
              + logicalId
              + "'; routed functions: "
              + functions.keySet());
    }
    return function;
  }

  /** Stops listening and stops the request threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "LocalApi[" + baseUrl + ", functions=" + functions.keySet() + "]";
  }

  private void handle(HttpExchange exchange) throws IOException {
    long started = System.nanoTime();
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    URI uri = exchange.getRequestURI();
    String rawPath = Optional.ofNullable(uri.getRawPath()).filter(p -> !p.isEmpty()).orElse("/");
    String label = "-";
    int status;
    try {
      Optional<RouteTable.Match> match = routes.match(method, rawPath);
      java.util.regex.Matcher invocation = INVOKE_PATH.matcher(rawPath);
      if (match.isEmpty() && "POST".equals(method) && invocation.matches()) {
        label = "lambda-invoke";
        status = invokeFunction(exchange, invocation.group(1));
      } else if (declaredLength(exchange) > MAX_BODY_BYTES) {
        status = sendJson(exchange, 413, TOO_LARGE);
      } else if (match.isEmpty()) {
        status = sendJson(exchange, 404, NOT_FOUND);
      } else {
        byte[] body = readBody(exchange.getRequestBody());
        if (body == null) {
          status = sendJson(exchange, 413, TOO_LARGE);
        } else {
          label = match.get().route().functionLogicalId();
          status = invoke(exchange, match.get(), method, rawPath, uri.getRawQuery(), body);
        }
      }
    } finally {
      exchange.close();
    }
    System.err.printf(
        "[local-api] %s %s -> %d %s %d ms%n",
        method, rawPath, status, label, (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * The Lambda Invoke API for the functions no route reaches, as the AWS SDKs call it ({@code aws
   * lambda invoke --endpoint-url}, {@code new LambdaClient({endpoint})}): the function named by its
   * logical id, or by an ARN or deployed name that ends in it ({@code ...:function:Id}, {@code
   * stack-Id-ABC123}); {@code RequestResponse} (the default) answers the handler's output; {@code
   * Event} answers 202 and runs it in the background; a handler that throws answers 200 with {@code
   * X-Amz-Function-Error: Unhandled}, as Lambda does. Requests are not signature-checked: this is a
   * loopback development server.
   */
  private int invokeFunction(HttpExchange exchange, String rawName) throws IOException {
    String name = java.net.URLDecoder.decode(rawName, StandardCharsets.UTF_8);
    Optional<LocalFunction> found = invokableFunction(name);
    if (found.isEmpty()) {
      exchange.getResponseHeaders().set("x-amzn-ErrorType", "ResourceNotFoundException");
      return sendJson(
          exchange,
          404,
          "{\"Type\":\"User\",\"message\":\"Function not found; invokable here: "
              + String.join(", ", invokable.keySet())
              + "\"}");
    }
    byte[] payload = in6Mb(exchange.getRequestBody());
    if (payload == null) {
      exchange.getResponseHeaders().set("x-amzn-ErrorType", "RequestTooLargeException");
      return sendJson(exchange, 413, "{\"Type\":\"User\",\"message\":\"Request too large\"}");
    }
    LocalFunction function = found.get();
    LocalContext context = function.newContext();
    String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
    exchange.getResponseHeaders().set("x-amzn-RequestId", context.getAwsRequestId());
    exchange.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
    if ("DryRun".equals(type)) {
      return send(exchange, 204, new byte[0]);
    }
    if ("Event".equals(type)) {
      executor.execute(
          () -> {
            try {
              function.invokePayload(payload, context);
            } catch (Throwable e) {
              logFailure(context, "failed", e);
            }
          });
      return send(exchange, 202, new byte[0]);
    }
    try {
      byte[] output = function.invokePayload(payload, context);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      return send(exchange, 200, output);
    } catch (Throwable e) {
      logFailure(context, "failed", e);
      exchange.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
      return sendJson(
          exchange,
          200,
          "{\"errorType\":\""
              + e.getClass().getSimpleName()
              + "\",\"errorMessage\":\"the handler failed; see the local stack's log\"}");
    }
  }

  private Optional<LocalFunction> invokableFunction(String name) {
    for (Map.Entry<String, LocalFunction> entry : invokable.entrySet()) {
      String id = entry.getKey();
      if (name.equals(id)
          || name.endsWith(":function:" + id)
          || name.matches(".*-" + java.util.regex.Pattern.quote(id) + "-[A-Za-z0-9]+")) {
        return Optional.of(entry.getValue());
      }
    }
    return Optional.empty();
  }

  /** The payload, or null above Lambda's 6 MB synchronous limit. */
  private static byte[] in6Mb(InputStream in) throws IOException {
    byte[] body = in.readNBytes(6 * 1024 * 1024 + 1);
    return body.length > 6 * 1024 * 1024 ? null : body;
  }

  /** The logical ids of the functions no route reaches, which the Lambda Invoke API serves. */
  public java.util.SortedSet<String> invokableIds() {
    return java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(invokable.keySet()));
  }

  /** A function no route reaches, for {@code Lambda Invoke}-style tests and tools. */
  public LocalFunction invokable(String logicalId) {
    LocalFunction function = invokable.get(logicalId);
    if (function == null) {
      throw new IllegalArgumentException(
          "No function '" + logicalId + "' without a route; those are: " + invokable.keySet());
    }
    return function;
  }

  private int invoke(
      HttpExchange exchange,
      RouteTable.Match match,
      String method,
      String rawPath,
      String rawQuery,
      byte[] body)
      throws IOException {
    HttpApiRequest request =
        new HttpApiRequest(
            method,
            rawPath,
            rawQuery == null ? "" : rawQuery,
            exchange.getRequestHeaders(),
            body,
            exchange.getRemoteAddress().getAddress().getHostAddress(),
            Instant.now());
    APIGatewayV2HTTPEvent event =
        HttpApiEvents.toEvent(request, match.route().routeKey(), match.pathParameters());
    String requestId = event.getRequestContext().getRequestId();
    LocalFunction function = functions.get(match.route().functionLogicalId());
    LocalContext context = function.newContext();
    APIGatewayV2HTTPResponse response;
    try {
      response = function.invoke(event, context);
    } catch (Throwable e) {
      logFailure(context, "failed", e);
      exchange.getResponseHeaders().set("Apigw-Requestid", requestId);
      return sendJson(exchange, 500, INTERNAL_ERROR);
    }
    byte[] responseBody;
    try {
      responseBody = responseBody(response);
      Headers headers = exchange.getResponseHeaders();
      if (response.getStatusCode() < 100 || response.getStatusCode() > 599) {
        throw new IllegalStateException(
            "the handler returned statusCode " + response.getStatusCode());
      }
      if (response.getHeaders() != null) {
        response
            .getHeaders()
            .forEach(
                (name, value) -> {
                  if (value != null) {
                    headers.set(name, value);
                  }
                });
      }
      if (response.getCookies() != null) {
        response.getCookies().forEach(cookie -> headers.add("Set-Cookie", cookie));
      }
      if (response.getMultiValueHeaders() != null && !response.getMultiValueHeaders().isEmpty()) {
        context
            .getLogger()
            .log(
                "multiValueHeaders is ignored: HTTP API payload 2.0 has none (use headers and"
                    + " cookies)");
      }
    } catch (RuntimeException e) {
      logFailure(context, "returned a response API Gateway rejects", e);
      exchange.getResponseHeaders().clear();
      exchange.getResponseHeaders().set("Apigw-Requestid", requestId);
      return sendJson(exchange, 500, INTERNAL_ERROR);
    }
    exchange.getResponseHeaders().set("Apigw-Requestid", requestId);
    return send(exchange, response.getStatusCode(), responseBody);
  }

  private static byte[] responseBody(APIGatewayV2HTTPResponse response) {
    String body = response.getBody();
    if (body == null) {
      return new byte[0];
    }
    if (response.getIsBase64Encoded()) {
      try {
        return Base64.getDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            "the body is marked isBase64Encoded but is not valid base64", e);
      }
    }
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private static void logFailure(LocalContext context, String what, Throwable e) {
    StringBuilder message = new StringBuilder("Handler ").append(what).append(": ").append(e);
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t != e) {
        message.append("\nCaused by: ").append(t);
      }
      for (StackTraceElement element : t.getStackTrace()) {
        message.append("\n\tat ").append(element);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    context.getLogger().log(message.toString());
  }

  private static long declaredLength(HttpExchange exchange) {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length == null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The body, or null when it is larger than an HTTP API accepts. */
  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    return body.length > MAX_BODY_BYTES ? null : body;
  }

  private static int sendJson(HttpExchange exchange, int status, String json) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    return send(exchange, status, json.getBytes(StandardCharsets.UTF_8));
  }

  private static int send(HttpExchange exchange, int status, byte[] body) throws IOException {
    boolean noBody =
        body.length == 0
            || status == 204
            || status == 304
            || exchange.getRequestMethod().equalsIgnoreCase("HEAD");
    exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
    if (!noBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    return status;
  }

  private static ClassLoader defaultClassLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : LocalApi.class.getClassLoader();
  }
}
