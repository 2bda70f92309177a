package org.pcohandshake.authorize;

import com.nimbusds.jwt.SignedJWT;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.LoginKeySource;
import org.pcohandshake.config.LoginMode;
import org.pcohandshake.config.PcoTokenMode;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.grant.CustomClaims;
import org.pcohandshake.grant.Scope;
import org.pcohandshake.http.BadRequestException;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.http.HttpService;
import org.pcohandshake.http.Params;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.link.PendingLink;
import org.pcohandshake.log.Log;
import org.pcohandshake.oidc.LoginRequestStore;
import org.pcohandshake.oidc.OidcException;
import org.pcohandshake.oidc.OidcLogin;
import org.pcohandshake.oidc.OidcProvider;
import org.pcohandshake.secrets.SecretCache;
import org.pcohandshake.session.LoginBinding;
import org.pcohandshake.session.LoginIdentity;
import org.pcohandshake.session.LoginTokenVerifier;
import org.pcohandshake.session.Session;
import org.pcohandshake.session.SessionStore;
import org.pcohandshake.snapstart.Priming;
import org.pcohandshake.snapstart.PrimingRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code GET /oauth/authorize} (step 4): validate, make sure the user is logged in (through the
 * login bridge, or at the identity provider in oidc mode), then show the consent page with a
 * one-time form token.
 */
public final class AuthorizePrompt implements HttpService {

  static final String LOGIN_TOKEN = "login_token";

  /** The text of a page's link that restarts the handshake at Planning Center. */
  static final String BACK_TO_PCO = "Back to Planning Center";

  /** Set on the account-switch page's "continue" link: the person chose the new user. */
  static final String LOGIN_SWITCH = AccountSwitchPage.CHOICE;

  private static final Set<String> LOGIN_PARAMETERS =
      Set.of(LOGIN_TOKEN, LoginBinding.STATE, LOGIN_SWITCH);

  private final Config config;
  private final RequestValidator validator;
  private final Optional<LoginTokenVerifier> loginTokens;
  private final Optional<OidcLogin> oidc;
  private final SessionStore sessions;
  private final ConsentStore consents;
  private final LinkStore links;

  /**
   * The real dependencies: the login bridge's verifier (HS256 with the key from Secrets Manager, or
   * the integrator's JWKS), the table's sessions, consents and links.
   */
  public static AuthorizePrompt from(Config config, Clock clock) {
    config.warnIfAnyScopeAllowed();
    AwsClients aws = new AwsClients(config);
    DynamoDbClient dynamo = aws.dynamoDb();
    SessionStore sessions =
        new SessionStore(dynamo, config.tableName(), config.login().sessionTtl(), clock);
    ConsentStore consents =
        new ConsentStore(dynamo, config.tableName(), config.consent().ttl(), clock);
    LinkStore links = new LinkStore(dynamo, config.tableName(), config.pco().linkTtl(), clock);
    return switch (config.loginMode()) {
      case LoginMode.Bridge bridge ->
          new AuthorizePrompt(
              config,
              Optional.of(bridgeVerifier(config, aws, clock)),
              Optional.empty(),
              sessions,
              consents,
              links);
      case LoginMode.Oidc oidc -> {
        // the client secret is not read here: only the callback exchanges codes
        OidcProvider provider = new OidcProvider(oidc, () -> "", clock);
        LoginRequestStore requests =
            new LoginRequestStore(dynamo, config.tableName(), LoginBinding.LIFETIME, clock);
        yield new AuthorizePrompt(
            config,
            Optional.empty(),
            Optional.of(new OidcLogin(provider, requests, config.loginCallbackUrl())),
            sessions,
            consents,
            links);
      }
    };
  }

  /**
   * The login bridge's verifier: the integrator's JWKS, or HS256 with the key from Secrets Manager.
   */
  private static LoginTokenVerifier bridgeVerifier(Config config, AwsClients aws, Clock clock) {
    return switch (config.loginKeySource()) {
      case LoginKeySource.Jwks(String url) ->
          LoginTokenVerifier.jwks(url, config.login().issuer(), config.issuer(), clock);
      case LoginKeySource.HmacSecret(String secretId) -> {
        SecretCache key = new SecretCache(aws.secretsManager(), secretId, clock);
        yield LoginTokenVerifier.hmac(
            key::current, config.login().issuer(), config.issuer(), clock);
      }
    };
  }

  /**
   * @param loginTokens the login bridge's verifier (bridge mode), else empty: a {@code login_token}
   *     is then refused
   * @param oidc the start of an OpenID Connect sign-in (oidc mode), else empty
   */
  public AuthorizePrompt(
      Config config,
      Optional<LoginTokenVerifier> loginTokens,
      Optional<OidcLogin> oidc,
      SessionStore sessions,
      ConsentStore consents,
      LinkStore links) {
    this.config = config;
    this.validator = new RequestValidator(config);
    this.loginTokens = loginTokens;
    this.oidc = oidc;
    this.sessions = sessions;
    this.consents = consents;
    this.links = links;
  }

  @Override
  public HttpResponse handle(HttpRequest http) {
    AuthorizationRequest request;
    switch (validator.validate(http.query())) {
      case Validation.Page page -> {
        Log.warn(http.requestId(), "authorize_rejected", java.util.Map.of("reason", page.error()));
        return page.error().page();
      }
      case Validation.Redirect redirect -> {
        return errorRedirect(302, redirect.redirectUri(), redirect.error(), redirect.state());
      }
      case Validation.Valid valid -> request = valid.request();
    }
    String authorizeUrl =
        config.issuer() + "/oauth/authorize?" + withoutLoginParameters(http.rawQuery());

    Optional<String> loginToken;
    Optional<String> loginState;
    boolean switchConfirmed;
    boolean switchCancelled;
    try {
      loginToken = http.query().get(LOGIN_TOKEN);
      loginState = http.query().get(LoginBinding.STATE);
      Optional<String> switchChoice = http.query().get(LOGIN_SWITCH);
      switchConfirmed = switchChoice.filter("continue"::equals).isPresent();
      switchCancelled = switchChoice.filter("cancel"::equals).isPresent();
    } catch (BadRequestException repeated) {
      return ErrorCatalog.Page.LOGIN_FAILED.page();
    }
    if (loginToken.isPresent()) {
      return loginReturn(
          http, request, authorizeUrl, loginToken.get(), loginState, switchConfirmed);
    }
    if (switchCancelled) {
      // the switch page's cancel: the round trip ends here, the current session stays
      return HttpResponse.redirect(303, authorizeUrl).withCookie(Cookies.clear(Cookies.LOGIN));
    }

    Optional<Session> session = http.cookie(Cookies.SESSION).flatMap(sessions::find);
    if (session.isEmpty()) {
      // the link reached step 4 in time: held for the sign-in and the consent page
      http.cookie(Cookies.PCO_LINK).ifPresent(cookie -> links.claim(cookie, linkHold()));
      if (oidc.isPresent()) {
        try {
          return oidc.get().begin(authorizeUrl);
        } catch (OidcException unavailable) {
          Log.warn(http.requestId(), "oidc_discovery_failed", java.util.Map.of());
          return ErrorCatalog.Page.OIDC_UNAVAILABLE.page();
        }
      }
      return loginRedirect(authorizeUrl, LoginBinding.begin());
    }
    PendingLink link =
        http.cookie(Cookies.PCO_LINK)
            .flatMap(cookie -> links.claim(cookie, linkHold()))
            .orElse(PendingLink.NONE);
    if (!link.present() && config.pco().tokenMode() != PcoTokenMode.Kind.SKIP) {
      // no identity from step 2: not reached through Planning Center's popup, or too late
      Log.warn(http.requestId(), "pco_link_missing", java.util.Map.of());
      return ErrorCatalog.Page.PCO_LINK_MISSING.page(
          restartAtPco(request, ErrorCatalog.Redirect.PCO_LINK_MISSING), BACK_TO_PCO);
    }
    String formToken =
        consents.put(new Consent(session.get().idHash(), session.get().subject(), request, link));
    return ConsentPage.render(
        config.issuer() + "/oauth/authorize",
        config.consent().appName(),
        session.get(),
        request,
        link,
        formToken);
  }

  /** How long a link that reached step 4 is held: a whole sign-in, then a whole consent page. */
  private java.time.Duration linkHold() {
    return LoginBinding.LIFETIME.plus(config.consent().ttl());
  }

  /**
   * Sends a visitor without a session to the login bridge, bound to this browser: the pre-login
   * cookie holds {@code roundTrip}, {@code return_to} carries its hash as {@code login_state}.
   */
  public HttpResponse loginRedirect(String authorizeUrl, String roundTrip) {
    String returnTo =
        authorizeUrl + "&" + LoginBinding.STATE + "=" + LoginBinding.stateOf(roundTrip);
    String login =
        config.login().url()
            + (config.login().url().contains("?") ? "&" : "?")
            + "return_to="
            + Params.encode(returnTo);
    return HttpResponse.redirect(302, login)
        .withCookie(Cookies.set(Cookies.LOGIN, roundTrip, LoginBinding.LIFETIME));
  }

  /**
   * The login bridge's return: accepted only in the browser whose pre-login cookie matches {@code
   * login_state}; never silently replaces a live session of another user.
   */
  private HttpResponse loginReturn(
      HttpRequest http,
      AuthorizationRequest request,
      String authorizeUrl,
      String loginToken,
      Optional<String> loginState,
      boolean switchConfirmed) {
    // read first: whether a session of another user is live decides between a switch and a login
    Optional<Session> current = http.cookie(Cookies.SESSION).flatMap(sessions::find);
    if (!LoginBinding.matches(http.cookie(Cookies.LOGIN), loginState)) {
      Log.warn(http.requestId(), "login_not_bound", java.util.Map.of());
      return loginNotBound(request);
    }
    // in oidc mode no login token is accepted: only the callback opens sessions
    Optional<LoginIdentity> identity = loginTokens.flatMap(verifier -> verifier.verify(loginToken));
    if (identity.isEmpty()) {
      Log.warn(http.requestId(), "login_token_rejected", java.util.Map.of());
      return ErrorCatalog.Page.LOGIN_FAILED.page();
    }
    // a token the login app bound to a round trip (its login_state claim) serves only that one
    String boundTo = identity.get().loginState();
    if (!boundTo.isEmpty() && !Tokens.constantTimeEquals(boundTo, loginState.get())) {
      Log.warn(http.requestId(), "login_not_bound", java.util.Map.of("claim", true));
      return loginNotBound(request);
    }
    CustomClaims claims;
    switch (CustomClaims.select(config.login().claims(), identity.get().claims())) {
      case CustomClaims.Selection.Refused refused -> {
        // the integrator's login sends claims this server does not take: no session, no grant
        Log.warn(
            http.requestId(), "login_claims_refused", java.util.Map.of("reason", refused.reason()));
        return ErrorCatalog.Page.LOGIN_CLAIMS_REFUSED.page();
      }
      case CustomClaims.Selection.Selected selected -> claims = selected.claims();
    }
    if (current.isPresent()
        && !current.get().subject().equals(identity.get().subject())
        && !switchConfirmed) {
      Log.info(http.requestId(), "session_switch_offered", java.util.Map.of());
      String continueUrl =
          authorizeUrl
              + "&"
              + LOGIN_TOKEN
              + "="
              + Params.encode(loginToken)
              + "&"
              + LoginBinding.STATE
              + "="
              + Params.encode(loginState.get())
              + "&"
              + LOGIN_SWITCH
              + "=continue";
      return AccountSwitchPage.render(
          current.get(),
          identity.get(),
          continueUrl,
          authorizeUrl + "&" + LOGIN_SWITCH + "=cancel");
    }
    Optional<String> cookie = sessions.open(identity.get(), claims, config.login().issuer());
    if (cookie.isEmpty()) {
      Log.warn(http.requestId(), "login_token_rejected", java.util.Map.of());
      return ErrorCatalog.Page.LOGIN_FAILED.page();
    }
    Log.info(http.requestId(), "session_opened", java.util.Map.of());
    // a clean URL: the login token leaves the address bar and history
    return HttpResponse.redirect(303, authorizeUrl)
        .withCookie(Cookies.set(Cookies.SESSION, cookie.get(), sessions.ttl()))
        .withCookie(Cookies.clear(Cookies.LOGIN));
  }

  /**
   * The function's priming request: a login return that did not start in this browser, with
   * session, round-trip and link cookies that were never issued.
   */
  public static PrimingRequest primingRequest(Config config) {
    return PrimingRequest.get(
            "/oauth/authorize",
            primingQuery(config) + "&login_state=priming&login_token=" + SAMPLE_LOGIN_TOKEN)
        .header("accept", "text/html")
        .cookie(Cookies.SESSION, Priming.NEVER_ISSUED)
        .cookie(Cookies.LOGIN, Priming.NEVER_ISSUED)
        .cookie(Cookies.PCO_LINK, Priming.NEVER_ISSUED);
  }

  /** A valid authorization request of PCO's for priming: this deployment's client and redirect. */
  private static String primingQuery(Config config) {
    return "response_type=code&client_id="
        + Params.encode(config.client().id())
        + "&redirect_uri="
        + Params.encode(config.allowedRedirectUris().get(0))
        + "&state=priming";
  }

  /**
   * SnapStart priming after the function's request (a login return that did not start in this
   * browser, with session and link cookies never issued: the validation, the session read, which
   * misses, the round trip's check, which refuses it before the token is verified): the login
   * redirect built for a round trip that was never started (no random value is drawn), the claim of
   * a link that was never issued (the table refuses it), the consent page rendered for a sample,
   * and the login token's parsing. The login bridge key is not read: no secret belongs in a
   * snapshot.
   */
  @Override
  public void prime() {
    String redirectUri = config.allowedRedirectUris().get(0);
    if (config.loginMode() instanceof LoginMode.Oidc settings) {
      OidcLogin.prime(settings, config.loginCallbackUrl(), Priming.NEVER_ISSUED);
    } else {
      loginRedirect(
          config.issuer() + "/oauth/authorize?" + primingQuery(config), Priming.NEVER_ISSUED);
    }
    links.claim(Priming.NEVER_ISSUED, java.time.Duration.ZERO);
    ConsentPage.render(
        config.issuer() + "/oauth/authorize",
        config.consent().appName(),
        new Session(Tokens.hash(Priming.NEVER_ISSUED), "priming", "Priming"),
        new AuthorizationRequest(config.client().id(), redirectUri, "priming", Scope.EMPTY, ""),
        new PendingLink(
            Optional.of(Tokens.hash(Priming.NEVER_ISSUED_TOO)),
            new PcoLink("priming", "priming", "Priming"),
            "Priming"),
        Priming.NEVER_ISSUED);
    try {
      SignedJWT.parse(SAMPLE_LOGIN_TOKEN).getJWTClaimsSet();
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An unsigned-for-use sample with the login bridge's claims, parsed (never verified) to prime.
   */
  private static final String SAMPLE_LOGIN_TOKEN =
      "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9"
          + ".eyJpc3MiOiJodHRwczovL2xvZ2luLmV4YW1wbGUiLCJzdWIiOiJwcmltaW5nIiwiYXVkIjoiaHR0cHM6Ly9p"
          + "c3N1ZXIuZXhhbXBsZSIsImlhdCI6MCwiZXhwIjo2MCwianRpIjoicHJpbWluZyIsIm5hbWUiOiJQcmltaW5nIn0"
          + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

  /** A sign-in that did not start here, or took too long: the page, and the way back to PCO. */
  private static HttpResponse loginNotBound(AuthorizationRequest request) {
    return ErrorCatalog.Page.LOGIN_NOT_BOUND.page(
        restartAtPco(request, ErrorCatalog.Redirect.LOGIN_NOT_COMPLETED), BACK_TO_PCO);
  }

  /**
   * Back to the client's (validated, allow-listed) redirect URI with an error and the request's
   * {@code state}: Planning Center ends its popup there, and the person starts again with
   * Authorize.
   */
  static String restartAtPco(AuthorizationRequest request, ErrorCatalog.Redirect error) {
    return RequestValidator.redirectTo(
        request.redirectUri(),
        "error",
        error.code(),
        "error_description",
        error.description(),
        "state",
        request.state());
  }

  static HttpResponse errorRedirect(
      int status, String redirectUri, ErrorCatalog.Redirect error, String state) {
    return HttpResponse.redirect(
        status,
        RequestValidator.redirectTo(
            redirectUri,
            "error",
            error.code(),
            "error_description",
            error.description(),
            "state",
            state));
  }

  /**
   * The raw query minus the login bridge's pairs ({@code login_token}, {@code login_state}, {@code
   * login_switch}), matched by their decoded names (so {@code login%5Ftoken} goes too), order and
   * encoding of the rest kept.
   */
  static String withoutLoginParameters(String rawQuery) {
    return Arrays.stream(rawQuery.split("&"))
        .filter(pair -> !pair.isEmpty())
        .filter(pair -> !LOGIN_PARAMETERS.contains(decodedName(pair)))
        .collect(Collectors.joining("&"));
  }

  private static String decodedName(String pair) {
    int eq = pair.indexOf('=');
    String name = eq < 0 ? pair : pair.substring(0, eq);
    try {
      return URLDecoder.decode(name, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return name; // the validator has already refused malformed queries
    }
  }
}
