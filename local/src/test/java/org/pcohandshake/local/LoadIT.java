package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.login.LoginTokens;
import org.pcohandshake.testkit.pco.PcoSimulator;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Many concurrent handshakes and refresh chains through the local stack over loopback HTTP, then a
 * table scan proving nothing was lost, duplicated or half-written.
 *
 * <p>Each of {@code load.clients} workers plays, for one handshake at a time, both the person's
 * browser (the simulated PCO approves its own leg at once, the login bridge gets a token signed as
 * the login app would) and PCO's servers (the code exchange and the refreshes at our token
 * endpoint). Counts come from system properties, defaulting to issue 8's numbers, which the test
 * suite runs: {@code load.handshakes} (200), {@code load.refreshes} (2,000, spread evenly over the
 * grants), {@code load.clients} (32), {@code load.budgetSeconds} (480: the test fails when the run
 * takes longer; about 100 s on a 2-core machine, docs/load.md). Throughput and latency percentiles
 * go to stdout and, with {@code load.report=path}, to a Markdown file.
 */
class LoadIT {

  static final int HANDSHAKES = Integer.getInteger("load.handshakes", 200);
  static final int REFRESHES = Integer.getInteger("load.refreshes", 2000);
  static final int CLIENTS = Integer.getInteger("load.clients", 32);
  static final Duration BUDGET = Duration.ofSeconds(Integer.getInteger("load.budgetSeconds", 480));
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  static final int MAX_HOPS = 12;
  static final int TOKEN_ATTEMPTS = 3;

  static DevStack local;
  static PcoSimulator pco;
  static LoginTokens loginTokens;

  /** Latencies in nanoseconds per request type. */
  static final Map<String, ConcurrentLinkedQueue<Long>> latencies = new ConcurrentHashMap<>();

  static final ConcurrentLinkedQueue<String> serverErrors = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() {
    local =
        DevStack.start(
            DevStackOptions.onFreePorts()
                .withEmulator(Emulator.shared())
                .withSimulatorSettings(s -> s.withAutoApprove(true)),
            Progress.silent());
    pco = local.simulator().orElseThrow();
    DevLoginApp loginApp = local.loginApp().orElseThrow();
    loginTokens =
        new LoginTokens(
            local.stack().secretValue(DevStack.LOGIN_BRIDGE_KEY),
            loginApp.issuer(),
            local.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (local != null) {
      local.close();
    }
  }

  /** What one handshake and its refresh chain ended with. */
  record Chain(int index, String grantId, int refreshes, boolean lastTokenWorks) {}

  @Test
  void concurrentHandshakesAndRefreshes_loseNothing_andKeepEveryChainIntact() throws Exception {
    assertTrue(HANDSHAKES > 0 && REFRESHES >= 0 && CLIENTS > 0, "positive counts");
    Instant started = Instant.now();
    long deadline = System.nanoTime() + BUDGET.toNanos();
    List<Chain> chains = Collections.synchronizedList(new ArrayList<>());
    List<String> chainFailures = new ArrayList<>();
    List<Future<Chain>> futures = new ArrayList<>();
    ExecutorService workers = Executors.newFixedThreadPool(CLIENTS);
    try {
      for (int i = 0; i < HANDSHAKES; i++) {
        int index = i;
        int refreshes = REFRESHES / HANDSHAKES + (i < REFRESHES % HANDSHAKES ? 1 : 0);
        futures.add(workers.submit(() -> run(index, refreshes, deadline)));
      }
      workers.shutdown();
      boolean finished =
          workers.awaitTermination(
              Math.max(1, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(30),
              TimeUnit.NANOSECONDS);
      assertTrue(finished, "the load run did not finish within " + BUDGET);
      for (Future<Chain> future : futures) {
        try {
          chains.add(future.get());
        } catch (ExecutionException e) {
          chainFailures.add(String.valueOf(e.getCause()));
        }
      }
    } finally {
      workers.shutdownNow();
    }
    Duration elapsed = Duration.between(started, Instant.now());

    String report = report(elapsed);
    System.out.println(report);
    String reportFile = System.getProperty("load.report", "");
    if (!reportFile.isBlank()) {
      Files.writeString(Path.of(reportFile), report);
    }

    // the table afterwards: one grant per handshake, none revoked, every code redeemed, and per
    // grant one refresh token per rotation plus exactly one current
    Map<String, Integer> expectedRefreshes = new HashMap<>();
    List<String> anomalies = new ArrayList<>();
    for (Chain chain : chains) {
      if (!chain.lastTokenWorks()) {
        anomalies.add("chain " + chain.index() + " ended without a working token");
      }
      if (expectedRefreshes.put(chain.grantId(), chain.refreshes()) != null) {
        anomalies.add("two handshakes ended in one grant: " + chain.grantId());
      }
    }
    List<Map<String, AttributeValue>> items = local.stack().scanTable("Table");
    Map<String, Integer> refreshItems = new TreeMap<>();
    Map<String, Integer> currentRefresh = new TreeMap<>();
    int grants = 0;
    int revoked = 0;
    int codes = 0;
    int unredeemed = 0;
    for (Map<String, AttributeValue> item : items) {
      String pk = item.get("pk").s();
      if (pk.startsWith("GRANT#")) {
        grants++;
        String id = item.get("grantId").s();
        if (!expectedRefreshes.containsKey(id)) {
          anomalies.add("a grant no completed chain reported: " + id);
        }
        if (item.containsKey("revokedAt")) {
          revoked++;
          anomalies.add(
              "grant "
                  + id
                  + " revoked: "
                  + (item.containsKey("revokedFor") ? item.get("revokedFor").s() : "?"));
        }
      } else if (pk.startsWith("CODE#")) {
        codes++;
        if (!item.containsKey("redeemedAt")) {
          unredeemed++;
          anomalies.add("a code left unredeemed");
        }
      } else if (pk.startsWith("REFRESH#")) {
        String id = item.get("grantId").s();
        refreshItems.merge(id, 1, Integer::sum);
        if (!item.containsKey("rotatedAt")) {
          currentRefresh.merge(id, 1, Integer::sum);
        }
      }
    }
    if (grants != HANDSHAKES) {
      anomalies.add(grants + " GRANT# items for " + HANDSHAKES + " handshakes");
    }
    if (codes != HANDSHAKES) {
      anomalies.add(codes + " CODE# items for " + HANDSHAKES + " handshakes");
    }
    for (Map.Entry<String, Integer> expected : expectedRefreshes.entrySet()) {
      String id = expected.getKey();
      int refreshCount = refreshItems.getOrDefault(id, 0);
      if (refreshCount != expected.getValue() + 1) {
        anomalies.add(
            "grant "
                + id
                + ": "
                + refreshCount
                + " REFRESH# items for "
                + expected.getValue()
                + " refreshes (expected one per rotation plus the current one)");
      }
      int current = currentRefresh.getOrDefault(id, 0);
      if (current != 1) {
        anomalies.add("grant " + id + ": " + current + " current refresh tokens");
      }
    }
    System.out.printf(
        Locale.ROOT,
        "table after the run: %d items, %d GRANT# (%d revoked), %d CODE# (%d unredeemed),"
            + " %d REFRESH# (%d current); %d anomalies%n",
        items.size(),
        grants,
        revoked,
        codes,
        unredeemed,
        refreshItems.values().stream().mapToInt(Integer::intValue).sum(),
        currentRefresh.values().stream().mapToInt(Integer::intValue).sum(),
        anomalies.size());
    anomalies.stream().limit(20).forEach(a -> System.out.println("  anomaly: " + a));

    assertTrue(
        serverErrors.isEmpty(),
        serverErrors.size() + " answers were 5xx, e.g. " + serverErrors.stream().limit(5).toList());
    assertTrue(
        chainFailures.isEmpty(),
        chainFailures.size()
            + " handshakes or refresh chains broke, e.g. "
            + chainFailures.stream().limit(3).toList());
    assertEquals(HANDSHAKES, chains.size());
    assertTrue(
        anomalies.isEmpty(),
        () -> anomalies.size() + " anomalies, e.g. " + anomalies.stream().limit(3).toList());
    assertTrue(elapsed.compareTo(BUDGET) <= 0, "took " + elapsed + ", over " + BUDGET);
  }

  /** One handshake, then its refresh chain, then a call with the last access token. */
  static Chain run(int index, int refreshes, long deadline) throws Exception {
    try (Client client = new Client()) {
      String issuer = local.baseUrl();
      // PCO's leg (auto-approved), /oauth/pco/complete, /advance, our authorize: off to login
      Hop login =
          client.follow("GET", local.startUrl().orElseThrow() + "addons/start", null, deadline);
      assertEquals(302, login.status(), "handshake " + index + " did not reach the login bridge");
      URI loginUri = URI.create(login.location());
      String returnTo = query(loginUri).get("return_to");
      assertTrue(returnTo != null && returnTo.startsWith(issuer + "/oauth/authorize?"), returnTo);
      // the login bridge: a token as the login app signs it, back to our authorize
      String token = loginTokens.sign("load-user-" + index, "Load User " + index);
      Hop consent = client.follow("GET", LoginTokens.returnUrl(returnTo, token), null, deadline);
      assertEquals(200, consent.status(), "consent page of handshake " + index);
      String formToken = find(consent.body(), "name=\"form_token\" value=\"([^\"]+)\"");
      // allow: our code goes to PCO's add-on callback; here PCO's servers are this worker
      Hop approved =
          client.follow(
              "POST",
              issuer + "/oauth/authorize",
              Map.of("form_token", formToken, "decision", "approve"),
              deadline);
      assertEquals(303, approved.status(), "consent decision of handshake " + index);
      URI callback = URI.create(approved.location());
      assertEquals(
          pco.addonRedirectUri(), callback.resolve(callback.getRawPath()).toString(), "redirect");
      String code = query(callback).get("code");
      Map<String, Object> tokens =
          client.token(
              "token (code)",
              Map.of(
                  "grant_type",
                  "authorization_code",
                  "code",
                  code,
                  "redirect_uri",
                  pco.addonRedirectUri()),
              deadline);
      String grantId =
          SignedJWT.parse((String) tokens.get("access_token"))
              .getJWTClaimsSet()
              .getStringClaim("sid");
      for (int r = 0; r < refreshes; r++) {
        String refreshToken = (String) tokens.get("refresh_token");
        tokens =
            client.token(
                "token (refresh)",
                Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
                deadline);
        String sid =
            SignedJWT.parse((String) tokens.get("access_token"))
                .getJWTClaimsSet()
                .getStringClaim("sid");
        assertEquals(grantId, sid, "a refresh moved to another grant");
      }
      boolean works;
      if (local.hasExampleApi()) {
        Hop me =
            client.send(
                "api (me)",
                HttpRequest.newBuilder(URI.create(issuer + "/api/me"))
                    .header("Authorization", "Bearer " + tokens.get("access_token"))
                    .GET(),
                deadline);
        works = me.status() == 200 && me.body().contains("load-user-" + index);
      } else {
        works = tokens.get("access_token") != null;
      }
      return new Chain(index, grantId, refreshes, works);
    }
  }

  record Hop(int status, String location, String body) {}

  /** One simulated party: a cookie jar per host and a connection pool. */
  static final class Client implements AutoCloseable {
    private final HttpClient http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final Map<String, Map<String, String>> cookies = new HashMap<>();

    /**
     * Sends a request and follows redirects within the stack and the simulator, stopping at the
     * login app and at PCO's add-on callback (the answers this worker acts on itself).
     */
    Hop follow(String method, String url, Map<String, String> form, long deadline)
        throws IOException, InterruptedException {
      URI uri = URI.create(url);
      HttpRequest.Builder request = HttpRequest.newBuilder(uri);
      if (form != null) {
        request
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Origin", local.baseUrl())
            .POST(HttpRequest.BodyPublishers.ofString(formBody(form)));
      } else {
        request.GET();
      }
      String loginBase = local.loginApp().orElseThrow().baseUrl();
      for (int hop = 0; hop < MAX_HOPS; hop++) {
        String jar = cookieHeader(uri.getHost());
        if (!jar.isEmpty()) {
          request.header("Cookie", jar);
        }
        Hop answer = send(type(method, uri), request, deadline, uri.getHost());
        String location = answer.location();
        if (location == null || answer.status() < 300 || answer.status() > 399) {
          return answer;
        }
        URI next = uri.resolve(location);
        String target = next.resolve(next.getRawPath()).toString();
        if (target.startsWith(loginBase) || target.equals(pco.addonRedirectUri())) {
          return new Hop(answer.status(), next.toString(), answer.body());
        }
        uri = next;
        method = "GET";
        request = HttpRequest.newBuilder(uri).GET();
      }
      throw new AssertionError("more than " + MAX_HOPS + " redirects from " + url);
    }

    /** A token request as PCO's servers send it (client_secret_basic); the JSON answer. */
    Map<String, Object> token(String type, Map<String, String> form, long deadline)
        throws Exception {
      String credentials =
          URLEncoder.encode(local.integratorClientId(), StandardCharsets.UTF_8)
              + ":"
              + URLEncoder.encode(local.integratorClientSecret(), StandardCharsets.UTF_8);
      Hop answer = null;
      // as PCO's servers do: a 5xx (temporarily_unavailable) is retried, a bounded number of
      // times with a pause; every 5xx is still counted and fails the test
      for (int attempt = 1; attempt <= TOKEN_ATTEMPTS; attempt++) {
        if (attempt > 1) {
          Thread.sleep(250L * attempt);
        }
        answer = tokenRequest(type, form, credentials, deadline);
        if (answer.status() < 500) {
          break;
        }
      }
      assertEquals(200, answer.status(), type + " answered " + answer.body());
      return TestJson.object(answer.body());
    }

    private Hop tokenRequest(
        String type, Map<String, String> form, String credentials, long deadline)
        throws IOException, InterruptedException {
      return send(
          type,
          HttpRequest.newBuilder(URI.create(local.baseUrl() + "/oauth/token"))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .header(
                  "Authorization",
                  "Basic "
                      + Base64.getEncoder()
                          .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
              .POST(HttpRequest.BodyPublishers.ofString(formBody(form))),
          deadline);
    }

    Hop send(String type, HttpRequest.Builder request, long deadline)
        throws IOException, InterruptedException {
      return send(type, request, deadline, null);
    }

    private Hop send(String type, HttpRequest.Builder request, long deadline, String cookieHost)
        throws IOException, InterruptedException {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("load budget of " + BUDGET + " spent");
      }
      HttpRequest built = request.timeout(REQUEST_TIMEOUT).build();
      long start = System.nanoTime();
      HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
      long took = System.nanoTime() - start;
      latencies.computeIfAbsent(type, t -> new ConcurrentLinkedQueue<>()).add(took);
      if (response.statusCode() >= 500) {
        serverErrors.add(type + " -> " + response.statusCode());
      }
      if (cookieHost != null) {
        store(cookieHost, response.headers().allValues("set-cookie"));
      }
      return new Hop(
          response.statusCode(),
          response.headers().firstValue("location").orElse(null),
          response.body());
    }

    private String cookieHeader(String host) {
      StringBuilder header = new StringBuilder();
      cookies
          .getOrDefault(host, Map.of())
          .forEach(
              (name, value) ->
                  header
                      .append(header.isEmpty() ? "" : "; ")
                      .append(name)
                      .append('=')
                      .append(value));
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
          if (parts[i].trim().toLowerCase(Locale.ROOT).equals("max-age=0")) {
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
      http.close();
    }
  }

  /** The request type a latency is filed under: our route, or the simulator. */
  static String type(String method, URI uri) {
    if (!local.baseUrl().equals(uri.getScheme() + "://" + uri.getAuthority())) {
      return "simulated PCO (" + method + ")";
    }
    return method + " " + uri.getRawPath();
  }

  static String report(Duration elapsed) {
    double seconds = Math.max(1e-3, elapsed.toNanos() / 1e9);
    int requests = latencies.values().stream().mapToInt(ConcurrentLinkedQueue::size).sum();
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "Load: %d handshakes, %d refreshes, %d clients in %.1f s: %.1f handshakes/s,"
                + " %.1f refreshes/s, %d HTTP requests (%.1f/s), %d answered 5xx%n%n",
            HANDSHAKES,
            REFRESHES,
            CLIENTS,
            seconds,
            HANDSHAKES / seconds,
            REFRESHES / seconds,
            requests,
            requests / seconds,
            serverErrors.size()));
    s.append("| request | count | p50 ms | p95 ms | p99 ms | max ms |\n");
    s.append("|---|---:|---:|---:|---:|---:|\n");
    new TreeMap<>(latencies)
        .forEach(
            (type, values) -> {
              List<Long> sorted = new ArrayList<>(values);
              Collections.sort(sorted);
              s.append(
                  String.format(
                      Locale.ROOT,
                      "| %s | %d | %.0f | %.0f | %.0f | %.0f |%n",
                      type,
                      sorted.size(),
                      percentile(sorted, 50),
                      percentile(sorted, 95),
                      percentile(sorted, 99),
                      sorted.get(sorted.size() - 1) / 1e6));
            });
    return s.toString();
  }

  /** Nearest-rank percentile in milliseconds. */
  static double percentile(List<Long> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1)) / 1e6;
  }

  static String formBody(Map<String, String> form) {
    StringBuilder body = new StringBuilder();
    form.forEach(
        (name, value) ->
            body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return body.toString();
  }

  static String find(String body, String regex) {
    Matcher m = Pattern.compile(regex).matcher(body);
    if (!m.find()) {
      throw new AssertionError("no match for " + regex);
    }
    return m.group(1);
  }

  static Map<String, String> query(URI uri) {
    Map<String, String> values = new HashMap<>();
    if (uri.getRawQuery() == null) {
      return values;
    }
    for (String pair : uri.getRawQuery().split("&")) {
      String[] p = pair.split("=", 2);
      values.putIfAbsent(
          URLDecoder.decode(p[0], StandardCharsets.UTF_8),
          p.length < 2 ? "" : URLDecoder.decode(p[1], StandardCharsets.UTF_8));
    }
    return values;
  }
}
