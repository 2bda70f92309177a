package org.pcohandshake.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.login.LoginTokens;

/**
 * The popup as a person's browser, the login app and Planning Center make it, from PCO's step-2
 * redirect to the token response: six hops through four functions, each answer checked (a wrong one
 * stops the benchmark), the browser's cookies carried from answer to request.
 *
 * <ol>
 *   <li>step 2 {@code GET /oauth/pco/complete?code=…} (pco-complete, which calls PCO twice);
 *   <li>step 4 {@code GET /oauth/authorize} without a session (authorize-prompt): the login
 *       redirect, with the pre-login cookie;
 *   <li>the login bridge's return {@code GET /oauth/authorize?…&login_state=…&login_token=…}
 *       (authorize-prompt): the session opened;
 *   <li>the consent page {@code GET /oauth/authorize} with the session (authorize-prompt);
 *   <li>step 4b {@code POST /oauth/authorize} approving (authorize-decision): the code redirect;
 *   <li>step 6 {@code POST /oauth/token}, PCO exchanging the code (token).
 * </ol>
 *
 * <p>Where the functions run is {@link Functions}' business: fresh JVMs under the Runtime Interface
 * Client in the benchmark, handlers in the test JVM in PopupIT.
 */
final class Popup {

  /** The popup's functions. */
  enum Fn {
    PCO_COMPLETE("pco-complete", "PcoCompleteFunction"),
    PROMPT("authorize-prompt", "AuthorizePromptFunction"),
    DECISION("authorize-decision", "AuthorizeDecisionFunction"),
    TOKEN("token", "TokenFunction");

    final String target;
    final String logicalId;

    Fn(String target, String logicalId) {
      this.target = target;
      this.logicalId = logicalId;
    }
  }

  /** The hops, in order, with the function that serves each. */
  enum Hop {
    STEP_2("step 2 `GET /oauth/pco/complete`", Fn.PCO_COMPLETE),
    LOGIN_REDIRECT("step 4 `GET /oauth/authorize`, no session: login redirect", Fn.PROMPT),
    LOGIN_RETURN("login return `GET /oauth/authorize?…&login_token`: session opened", Fn.PROMPT),
    CONSENT_PAGE("consent page `GET /oauth/authorize` with the session", Fn.PROMPT),
    APPROVE("step 4b `POST /oauth/authorize` approve", Fn.DECISION),
    CODE_EXCHANGE("step 6 `POST /oauth/token` code exchange", Fn.TOKEN);

    final String label;
    final Fn fn;

    Hop(String label, Fn fn) {
      this.label = label;
      this.fn = fn;
    }
  }

  /** Serves one request in a function; says how long it took and the CPU the function used. */
  interface Functions {
    Served serve(Fn fn, APIGatewayV2HTTPEvent event) throws Exception;
  }

  /**
   * One answer: wall time from the request being sent to the answer in full; CPU of the function's
   * process in that time, ms (NaN when not measured); whether the function started cold for it.
   */
  record Served(APIGatewayV2HTTPResponse response, double ms, double cpuMs, boolean cold) {}

  /** One hop as measured. */
  record Step(Hop hop, double ms, double cpuMs, boolean cold) {}

  /**
   * One popup: its hops, the login app's time (signing the login token, in the harness between hops
   * 2 and 3), and the whole wall time from the first request to the token response.
   */
  record Walk(List<Step> steps, double loginAppMs, double wallMs) {
    double totalMs() {
      return steps.stream().mapToDouble(Step::ms).sum();
    }

    double cpuMs() {
      return steps.stream().mapToDouble(Step::cpuMs).sum();
    }
  }

  static final String STATE = "bench-popup-state";

  private final String issuer;
  private final Map<String, String> promptEnv;
  private final LoginTokens loginTokens;
  private final String clientSecret;
  private final String advanceUrl;
  private final Supplier<String> pcoCode;

  /**
   * @param promptEnv authorize-prompt's environment (client id, PCO application, login URL)
   * @param loginKey the login bridge key the login app signs with
   * @param clientSecret the integrator client's secret PCO authenticates step 6 with
   * @param advanceUrl where step 2 must send the browser back (PCO's {@code /advance})
   * @param pcoCode step 1 at Planning Center: a fresh code for step 2 (before the popup, not timed)
   */
  Popup(
      String issuer,
      Map<String, String> promptEnv,
      String loginKey,
      String clientSecret,
      String advanceUrl,
      Supplier<String> pcoCode) {
    this.issuer = issuer;
    this.promptEnv = promptEnv;
    this.loginTokens = new LoginTokens(loginKey, promptEnv.get("LOGIN_ISSUER"), issuer);
    this.clientSecret = clientSecret;
    this.advanceUrl = advanceUrl;
    this.pcoCode = pcoCode;
  }

  /** Walks the popup once; throws at the first answer that is not the success path's. */
  Walk walk(Functions functions) throws Exception {
    String code = pcoCode.get();
    Browser browser = new Browser();
    List<Step> steps = new ArrayList<>();
    long started = System.nanoTime();

    // step 2: PCO's redirect back with its code
    APIGatewayV2HTTPResponse completed =
        hop(
            functions,
            steps,
            Hop.STEP_2,
            browser.send(
                TestEvent.get("/oauth/pco/complete")
                    .query("code", code)
                    .query("state", "bench-state")));
    expect(completed, 302, Hop.STEP_2);
    if (!advanceUrl.equals(location(completed))) {
      throw wrong(Hop.STEP_2, "not PCO's /advance: " + location(completed));
    }
    browser.keep(completed, Hop.STEP_2, Cookies.PCO_LINK);

    // step 4: PCO's /advance sends the popup to the authorize URL (built here as PCO builds it)
    String clientId = promptEnv.get("CLIENT_ID");
    String redirectUri =
        promptEnv.get("PCO_BASE_URL")
            + "/addons/authorizations/"
            + promptEnv.get("PCO_OAUTH_APPLICATION_ID");
    TestEvent authorize =
        TestEvent.get("/oauth/authorize")
            .query("response_type", "code")
            .query("client_id", clientId)
            .query("redirect_uri", redirectUri)
            .query("state", STATE)
            .query("code_challenge", Scenarios.CHALLENGE)
            .query("code_challenge_method", "S256");
    APIGatewayV2HTTPResponse toLogin =
        hop(functions, steps, Hop.LOGIN_REDIRECT, browser.send(authorize));
    expect(toLogin, 302, Hop.LOGIN_REDIRECT);
    String loginUrl = promptEnv.get("LOGIN_URL");
    if (!location(toLogin).startsWith(loginUrl)) {
      throw wrong(Hop.LOGIN_REDIRECT, "not the login app: " + location(toLogin));
    }
    browser.keep(toLogin, Hop.LOGIN_REDIRECT, Cookies.LOGIN);

    // the login app: signs the person in (at once here) and sends the browser back to return_to
    long loginStarted = System.nanoTime();
    String returnTo = TestEvent.queryOf(location(toLogin)).get("return_to");
    if (returnTo == null) {
      throw wrong(Hop.LOGIN_REDIRECT, "no return_to");
    }
    String loginState = TestEvent.queryOf(returnTo).get("login_state");
    String back =
        LoginTokens.returnUrl(
            returnTo, loginTokens.signBound("bench-user", "Bench User", loginState));
    double loginAppMs = Stats.millis(System.nanoTime() - loginStarted);

    APIGatewayV2HTTPResponse loggedIn =
        hop(functions, steps, Hop.LOGIN_RETURN, browser.send(get(back, Hop.LOGIN_REDIRECT)));
    expect(loggedIn, 303, Hop.LOGIN_RETURN);
    browser.keep(loggedIn, Hop.LOGIN_RETURN, Cookies.SESSION);
    if (browser.cookies.containsKey(Cookies.LOGIN)) {
      throw wrong(Hop.LOGIN_RETURN, "the pre-login cookie was not cleared");
    }

    APIGatewayV2HTTPResponse page =
        hop(
            functions,
            steps,
            Hop.CONSENT_PAGE,
            browser.send(get(location(loggedIn), Hop.LOGIN_RETURN)));
    expect(page, 200, Hop.CONSENT_PAGE);
    Matcher formToken = FORM_TOKEN.matcher(page.getBody());
    if (!formToken.find()) {
      throw wrong(Hop.CONSENT_PAGE, "not the consent page: " + page.getBody());
    }

    // step 4b: the person approves
    APIGatewayV2HTTPResponse approved =
        hop(
            functions,
            steps,
            Hop.APPROVE,
            browser.send(
                TestEvent.post("/oauth/authorize")
                    .header("origin", issuer)
                    .form("form_token", formToken.group(1), "decision", "approve")));
    expect(approved, 303, Hop.APPROVE);
    String callback = location(approved);
    Map<String, String> callbackQuery = TestEvent.queryOf(callback);
    if (!callback.startsWith(redirectUri + "?")
        || !STATE.equals(callbackQuery.get("state"))
        || callbackQuery.get("code") == null) {
      throw wrong(Hop.APPROVE, "not a code redirect to PCO: " + callback);
    }

    // step 6: PCO, server to server, exchanges the code (no browser, no cookies)
    APIGatewayV2HTTPResponse tokens =
        hop(
            functions,
            steps,
            Hop.CODE_EXCHANGE,
            TestEvent.post("/oauth/token")
                .basic(clientId, clientSecret)
                .form(
                    "grant_type",
                    "authorization_code",
                    "code",
                    callbackQuery.get("code"),
                    "redirect_uri",
                    redirectUri,
                    "code_verifier",
                    Scenarios.VERIFIER)
                .build());
    expect(tokens, 200, Hop.CODE_EXCHANGE);
    Map<String, Object> body = Scenarios.json(tokens);
    if (!(body.get("access_token") instanceof String)
        || !(body.get("refresh_token") instanceof String)) {
      throw wrong(Hop.CODE_EXCHANGE, "no access and refresh token");
    }
    return new Walk(steps, loginAppMs, Stats.millis(System.nanoTime() - started));
  }

  private static APIGatewayV2HTTPResponse hop(
      Functions functions, List<Step> steps, Hop hop, APIGatewayV2HTTPEvent event)
      throws Exception {
    Served served = functions.serve(hop.fn, event);
    steps.add(new Step(hop, served.ms(), served.cpuMs(), served.cold()));
    return served.response();
  }

  /** A GET of one of this server's URLs, as the browser follows a redirect to it. */
  private TestEvent get(String url, Hop from) {
    if (!url.startsWith(issuer + "/")) {
      throw wrong(from, "a redirect away from this server: " + url);
    }
    URI uri = URI.create(url);
    TestEvent event = TestEvent.get(uri.getRawPath());
    if (uri.getRawQuery() != null) {
      event.rawQuery(uri.getRawQuery());
    }
    return event;
  }

  /**
   * The browser's cookie jar for this server's host: every cookie the functions set is {@code
   * __Host-}-style ({@code Path=/}, {@code Secure}), so it goes with every request to the host;
   * {@code Max-Age=0} deletes.
   */
  private static final class Browser {
    final Map<String, String> cookies = new LinkedHashMap<>();

    APIGatewayV2HTTPEvent send(TestEvent event) {
      cookies.forEach(event::cookie);
      return event.build();
    }

    /** Takes the answer's cookies; fails unless it set {@code expected}. */
    void keep(APIGatewayV2HTTPResponse response, Hop hop, String expected) {
      boolean set = false;
      for (String cookie :
          response.getCookies() == null ? List.<String>of() : response.getCookies()) {
        String[] parts = cookie.split(";");
        int eq = parts[0].indexOf('=');
        String name = parts[0].substring(0, eq).trim();
        String value = parts[0].substring(eq + 1).trim();
        boolean delete = false;
        for (int i = 1; i < parts.length; i++) {
          if (parts[i].trim().equalsIgnoreCase("Max-Age=0")) {
            delete = true;
          }
        }
        if (delete) {
          cookies.remove(name);
        } else {
          cookies.put(name, value);
          set |= name.equals(expected);
        }
      }
      if (!set) {
        throw wrong(hop, "no " + expected + " cookie");
      }
    }
  }

  private static final Pattern FORM_TOKEN =
      Pattern.compile("name=\"form_token\" value=\"([A-Za-z0-9_-]+)\"");

  private static String location(APIGatewayV2HTTPResponse response) {
    String location = response.getHeaders() == null ? null : response.getHeaders().get("location");
    return location == null ? "" : location;
  }

  private static void expect(APIGatewayV2HTTPResponse response, int status, Hop hop) {
    if (response.getStatusCode() != status) {
      throw wrong(
          hop,
          "expected " + status + ", got " + response.getStatusCode() + ": " + response.getBody());
    }
  }

  private static IllegalStateException wrong(Hop hop, String what) {
    return new IllegalStateException("popup, " + hop.label + ": " + what);
  }
}
