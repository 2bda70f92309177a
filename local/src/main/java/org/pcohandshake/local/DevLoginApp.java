package org.pcohandshake.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.pcohandshake.testkit.login.LoginTokens;

/**
 * A development login app that speaks the login bridge, so the local stack exercises the production
 * path of {@code GET /oauth/authorize}: {@code GET /login?return_to=...} shows a form where a
 * person types a user id and a name and clicks "Sign in"; {@code POST /login} signs a {@code
 * login_token} (HS256 with the LoginBridgeKey secret, {@code iss} = this app's base URL, {@code
 * aud} = the API's issuer, and {@code return_to}'s {@code login_state} copied into the claim of the
 * same name) and redirects the browser to {@code return_to} with it. There are no passwords: anyone
 * who reaches this loopback port can be anyone. Never deploy it.
 */
public final class DevLoginApp implements AutoCloseable {

  /** The longest user id or name accepted. */
  static final int MAX_FIELD = 200;

  private final HttpServer server;
  private final ExecutorService executor;
  private final String baseUrl;
  private final String apiIssuer;
  private final LoginTokens tokens;

  private DevLoginApp(HttpServer server, String apiIssuer, String key) {
    this.server = server;
    this.baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    this.apiIssuer = stripSlash(Objects.requireNonNull(apiIssuer, "apiIssuer"));
    this.tokens = new LoginTokens(Objects.requireNonNull(key, "key"), baseUrl, this.apiIssuer);
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Listens on 127.0.0.1.
   *
   * @param port the port, 0 for a free one
   * @param apiIssuer the API's ISSUER: the {@code aud} of the tokens, and the only origin {@code
   *     return_to} may point at
   * @param key the HS256 key (the LoginBridgeKey secret)
   * @throws IOException when the port cannot be bound
   */
  public static DevLoginApp start(int port, String apiIssuer, String key) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
    return new DevLoginApp(server, apiIssuer, key);
  }

  /** {@code http://127.0.0.1:PORT}: also the {@code iss} of the tokens this app signs. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The login bridge URL ({@code LOGIN_URL}). */
  public String loginUrl() {
    return baseUrl + "/login";
  }

  /** The {@code iss} of the tokens ({@code LOGIN_ISSUER}). */
  public String issuer() {
    return baseUrl;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "DevLoginApp[" + baseUrl + "]";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (path.equals("/")) {
        sendHtml(exchange, 200, page("Development login", home()));
      } else if (!path.equals("/login")) {
        sendHtml(exchange, 404, page("Not found", "<h1>Not found</h1>"));
      } else if (method.equals("GET")) {
        showForm(exchange, parse(exchange.getRequestURI().getRawQuery()));
      } else if (method.equals("POST")) {
        signIn(
            exchange,
            parse(
                new String(exchange.getRequestBody().readNBytes(16_384), StandardCharsets.UTF_8)));
      } else {
        exchange.getResponseHeaders().set("Allow", "GET, POST");
        sendHtml(exchange, 405, page("Method not allowed", "<h1>Method not allowed</h1>"));
      }
    }
  }

  private void showForm(HttpExchange exchange, Map<String, String> query) throws IOException {
    String returnTo = query.getOrDefault("return_to", "");
    if (!allowedReturnTo(returnTo)) {
      sendHtml(exchange, 400, badReturnTo());
      return;
    }
    String body =
        "<h1>Sign in (development login)</h1>\n"
            + "<p>This stands in for your application's login. There is no password: type any"
            + " user id.</p>\n"
            + "<form method=\"post\" action=\"/login\">\n"
            + "<input type=\"hidden\" name=\"return_to\" value=\""
            + escape(returnTo)
            + "\">\n"
            + "<p><label for=\"user-id\">User id</label><br>"
            + "<input id=\"user-id\" name=\"user_id\" required maxlength=\""
            + MAX_FIELD
            + "\" value=\"dev-user-1\" autocomplete=\"username\"></p>\n"
            + "<p><label for=\"name\">Name</label><br>"
            + "<input id=\"name\" name=\"name\" maxlength=\""
            + MAX_FIELD
            + "\" value=\"Dev User\" autocomplete=\"name\"></p>\n"
            + "<p><button type=\"submit\" id=\"sign-in\">Sign in</button></p>\n"
            + "</form>";
    sendHtml(exchange, 200, page("Sign in", body));
  }

  private void signIn(HttpExchange exchange, Map<String, String> form) throws IOException {
    String returnTo = form.getOrDefault("return_to", "");
    if (!allowedReturnTo(returnTo)) {
      sendHtml(exchange, 400, badReturnTo());
      return;
    }
    String userId = form.getOrDefault("user_id", "").strip();
    String name = form.getOrDefault("name", "").strip();
    if (userId.isEmpty() || userId.length() > MAX_FIELD || name.length() > MAX_FIELD) {
      sendHtml(
          exchange,
          400,
          page(
              "Sign in",
              "<h1>Sign in</h1>\n<p class=\"error\">Type a user id of at most "
                  + MAX_FIELD
                  + " characters (and a name of at most "
                  + MAX_FIELD
                  + ").</p>"));
      return;
    }
    // bound to the round trip, as the README recommends: login_state from return_to as a claim
    String loginState = loginState(returnTo);
    String token =
        loginState.isEmpty()
            ? tokens.sign(userId, name)
            : tokens.signBound(userId, name, loginState);
    exchange.getResponseHeaders().set("Location", LoginTokens.returnUrl(returnTo, token));
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    exchange.sendResponseHeaders(303, -1);
  }

  /** The round trip's {@code login_state} in a return URL's query, empty when it has none. */
  static String loginState(String returnTo) {
    int query = returnTo.indexOf('?');
    return query < 0 ? "" : parse(returnTo.substring(query + 1)).getOrDefault("login_state", "");
  }

  /** Only back to the API this app serves: never an open redirect, even in development. */
  boolean allowedReturnTo(String returnTo) {
    return returnTo.startsWith(apiIssuer + "/")
        && returnTo.chars().noneMatch(c -> c < 0x21 || c == 0x7f);
  }

  private String badReturnTo() {
    return page(
        "Sign in",
        "<h1>Sign in</h1>\n<p class=\"error\">This login app only returns to <code>"
            + escape(apiIssuer)
            + "/...</code>: open it through the API's <code>/oauth/authorize</code>.</p>");
  }

  private String home() {
    return "<h1>Development login</h1>\n<p>The local stack's stand-in for your application's"
        + " login. <code>"
        + escape(apiIssuer)
        + "/oauth/authorize</code> sends visitors without a session here.</p>";
  }

  private void sendHtml(HttpExchange exchange, int status, String html) throws IOException {
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "text/html; charset=utf-8");
    headers.set("Cache-Control", "no-store");
    headers.set(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' "
            + DevStackOptions.origin(apiIssuer)
            + "; frame-ancestors 'none'; base-uri 'none'");
    headers.set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String page(String title, String body) {
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>"
        + escape(title)
        + "</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;"
        + "padding:0 1rem;line-height:1.5}input{font-size:1rem;padding:.4rem;width:100%;"
        + "box-sizing:border-box}button{font-size:1rem;padding:.5rem 1.2rem}"
        + ".error{color:#a00}</style></head><body>\n"
        + body
        + "\n</body></html>\n";
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static Map<String, String> parse(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      try {
        params.putIfAbsent(
            URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException malformed) {
        // a malformed pair is ignored, as if absent
      }
    }
    return params;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
