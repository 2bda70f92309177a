package org.pcohandshake.oidc;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.authorize.AccountSwitchPage;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.LoginMode;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.grant.CustomClaims;
import org.pcohandshake.http.BadRequestException;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.http.HttpService;
import org.pcohandshake.log.Log;
import org.pcohandshake.secrets.SecretCache;
import org.pcohandshake.session.LoginBinding;
import org.pcohandshake.session.LoginIdentity;
import org.pcohandshake.session.Session;
import org.pcohandshake.session.SessionStore;
import org.pcohandshake.snapstart.Priming;
import org.pcohandshake.snapstart.PrimingRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code GET /oauth/login/callback}: the identity provider sends the browser back here. The login
 * request its {@code state} names is consumed, once, and only in the browser that started it (the
 * login CSRF defence); then the code is exchanged (with the PKCE verifier only that browser's
 * cookie yields), the ID token checked ({@link IdTokenVerifier}), the same session opened as after
 * the login bridge, and the browser sent back to its authorization request. Every failure is a
 * page; the provider's {@code error} is shown in words ({@link ProviderErrors}), never echoed.
 */
public final class LoginCallback implements HttpService {

  private final String callbackUrl;
  private final String issuer;
  private final OidcProvider provider;
  private final IdTokenVerifier idTokens;
  private final LoginRequestStore requests;
  private final SessionStore sessions;
  private final List<String> claimAllowList;

  /**
   * The real dependencies; in {@code bridge} mode a service that answers every request with a page
   * saying there is nothing here (the function is deployed in both modes).
   */
  public static HttpService from(Config config, Clock clock) {
    if (config.login().mode() != LoginMode.Kind.OIDC
        || !(config.loginMode() instanceof LoginMode.Oidc settings)) {
      return http -> ErrorCatalog.Page.OIDC_NOT_CONFIGURED.page();
    }
    AwsClients aws = new AwsClients(config);
    DynamoDbClient dynamo = aws.dynamoDb();
    SecretCache secret = new SecretCache(aws.secretsManager(), settings.clientSecretId(), clock);
    OidcProvider provider = new OidcProvider(settings, secret::current, clock);
    return new LoginCallback(
        config.loginCallbackUrl(),
        provider,
        new IdTokenVerifier(provider, clock),
        new LoginRequestStore(dynamo, config.tableName(), LoginBinding.LIFETIME, clock),
        new SessionStore(dynamo, config.tableName(), config.login().sessionTtl(), clock),
        config.login().claims());
  }

  public LoginCallback(
      String callbackUrl,
      OidcProvider provider,
      IdTokenVerifier idTokens,
      LoginRequestStore requests,
      SessionStore sessions,
      List<String> claimAllowList) {
    this.callbackUrl = callbackUrl;
    this.issuer = provider.settings().issuer();
    this.provider = provider;
    this.idTokens = idTokens;
    this.requests = requests;
    this.sessions = sessions;
    this.claimAllowList = List.copyOf(claimAllowList);
  }

  /** The switch page's continue link: the pending switch's token. */
  public static final String SWITCH = "switch";

  @Override
  public HttpResponse handle(HttpRequest http) {
    Optional<String> state;
    Optional<String> code;
    Optional<String> error;
    Optional<String> switchToken;
    try {
      state = http.query().get("state");
      code = http.query().get("code");
      error = http.query().get("error");
      switchToken = http.query().get(SWITCH);
    } catch (BadRequestException repeated) {
      return ErrorCatalog.Page.LOGIN_FAILED.page();
    }
    Optional<String> cookie = http.cookie(Cookies.LOGIN).filter(Tokens::wellFormed);
    if (switchToken.isPresent() && state.isEmpty()) {
      return switchConfirmed(http, switchToken.get(), cookie);
    }
    Optional<LoginRequest> request =
        state.isEmpty() || cookie.isEmpty()
            ? Optional.empty()
            : requests.consume(state.get(), cookie.get());
    if (request.isEmpty()) {
      // no round trip of this browser's: another browser's, replayed, expired, or never started.
      // Nothing was consumed, so this browser's own sign-in in flight (its cookie) is left alone
      Log.warn(http.requestId(), "login_not_bound", Map.of("mode", "oidc"));
      return ErrorCatalog.Page.LOGIN_NOT_BOUND.page();
    }
    if (error.isPresent()) {
      Log.warn(
          http.requestId(),
          "oidc_provider_error",
          Map.of("error", ProviderErrors.known(error.get()) ? error.get() : "other"));
      return ProviderErrors.page(error.get()).page().withCookie(Cookies.clear(Cookies.LOGIN));
    }
    if (code.isEmpty() || code.get().isEmpty() || code.get().length() > 2048) {
      Log.warn(http.requestId(), "oidc_code_missing", Map.of());
      return ErrorCatalog.Page.LOGIN_FAILED.page().withCookie(Cookies.clear(Cookies.LOGIN));
    }
    String idToken;
    try {
      idToken =
          provider.exchange(code.get(), callbackUrl, OidcLogin.verifier(cookie.get(), state.get()));
    } catch (OidcException e) {
      Log.warn(http.requestId(), "oidc_exchange_failed", Map.of("kind", e.kind()));
      return pageFor(e).withCookie(Cookies.clear(Cookies.LOGIN));
    }
    IdTokenCheck check;
    try {
      check = idTokens.verify(idToken, request.get().nonce());
    } catch (OidcException e) {
      Log.warn(http.requestId(), "oidc_keys_unavailable", Map.of("kind", e.kind()));
      return pageFor(e).withCookie(Cookies.clear(Cookies.LOGIN));
    }
    if (!(check instanceof IdTokenCheck.Valid valid)) {
      Log.warn(
          http.requestId(),
          "id_token_rejected",
          Map.of("reason", ((IdTokenCheck.Invalid) check).reason()));
      return ErrorCatalog.Page.LOGIN_FAILED.page().withCookie(Cookies.clear(Cookies.LOGIN));
    }
    LoginIdentity identity =
        new LoginIdentity(
            valid.subject(),
            valid.name(),
            request.get().stateHash().value(),
            valid.expiresAt(),
            "",
            valid.claims());
    // the ID token's LOGIN_CLAIMS, through the same allow-list as the login bridge's token
    CustomClaims claims;
    switch (CustomClaims.select(claimAllowList, identity.claims())) {
      case CustomClaims.Selection.Refused refused -> {
        Log.warn(
            http.requestId(),
            "login_claims_refused",
            Map.of("mode", "oidc", "reason", refused.reason()));
        return ErrorCatalog.Page.LOGIN_CLAIMS_REFUSED
            .page()
            .withCookie(Cookies.clear(Cookies.LOGIN));
      }
      case CustomClaims.Selection.Selected selected -> claims = selected.claims();
    }
    Optional<Session> current = http.cookie(Cookies.SESSION).flatMap(sessions::find);
    if (current.isPresent() && !current.get().subject().equals(identity.subject())) {
      // a live session of another user is never silently replaced: the person chooses
      String token = Tokens.random();
      requests.putSwitch(
          token,
          new LoginRequestStore.PendingSwitch(
              request.get().browserHash(), request.get().returnTo(), identity, claims));
      Log.info(http.requestId(), "session_switch_offered", Map.of("mode", "oidc"));
      return AccountSwitchPage.render(
          current.get(),
          identity,
          callbackUrl + "?" + SWITCH + "=" + token,
          request.get().returnTo() + "&" + AccountSwitchPage.CHOICE + "=cancel");
    }
    return open(http, identity, claims, request.get().returnTo());
  }

  /** The switch page's continue, in the browser the sign-in belongs to, once. */
  private HttpResponse switchConfirmed(
      HttpRequest http, String switchToken, Optional<String> cookie) {
    Optional<LoginRequestStore.PendingSwitch> pending =
        cookie.isEmpty() || !Tokens.wellFormed(switchToken)
            ? Optional.empty()
            : requests.consumeSwitch(switchToken, cookie.get());
    if (pending.isEmpty()) {
      Log.warn(http.requestId(), "login_not_bound", Map.of("mode", "oidc", "switch", true));
      return ErrorCatalog.Page.LOGIN_NOT_BOUND.page();
    }
    return open(http, pending.get().identity(), pending.get().claims(), pending.get().returnTo());
  }

  /** Opens the session and goes back to the authorization request. */
  private HttpResponse open(
      HttpRequest http, LoginIdentity identity, CustomClaims claims, String returnTo) {
    Optional<String> session = sessions.open(identity, claims, issuer);
    if (session.isEmpty()) {
      Log.warn(http.requestId(), "login_token_rejected", Map.of("mode", "oidc"));
      return ErrorCatalog.Page.LOGIN_FAILED.page().withCookie(Cookies.clear(Cookies.LOGIN));
    }
    Log.info(http.requestId(), "session_opened", Map.of("mode", "oidc"));
    return HttpResponse.redirect(303, returnTo)
        .withCookie(Cookies.set(Cookies.SESSION, session.get(), sessions.ttl()))
        .withCookie(Cookies.clear(Cookies.LOGIN));
  }

  /**
   * SnapStart priming beyond the function's request (whose login request the table refused): the
   * provider's document and a token answer read from samples. Nothing is fetched, no secret read.
   */
  @Override
  public void prime() {
    ProviderMetadata.sample(issuer);
    OidcProvider.idToken(200, "{\"id_token\":\"priming\",\"token_type\":\"Bearer\"}");
  }

  private static HttpResponse pageFor(OidcException e) {
    return switch (e.kind()) {
      case INVALID_GRANT -> ErrorCatalog.Page.LOGIN_FAILED.page();
      case REJECTED -> ErrorCatalog.Page.OIDC_MISCONFIGURED.page();
      case UNAVAILABLE -> ErrorCatalog.Page.OIDC_UNAVAILABLE.page();
    };
  }

  /**
   * The function's priming request: a callback that did not start in this browser (a round trip
   * cookie and a {@code state} never issued), which the table refuses to consume before anything
   * else happens.
   */
  public static PrimingRequest primingRequest() {
    return PrimingRequest.get(
            Config.LOGIN_CALLBACK_PATH, "state=" + Priming.NEVER_ISSUED + "&code=priming")
        .header("accept", "text/html")
        .cookie(Cookies.LOGIN, Priming.NEVER_ISSUED);
  }
}
