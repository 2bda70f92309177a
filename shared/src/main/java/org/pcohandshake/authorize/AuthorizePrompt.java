package org.pcohandshake.authorize;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.pcohandshake.config.Config;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.http.BadRequestException;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.http.Params;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.link.PendingLink;
import org.pcohandshake.log.Log;
import org.pcohandshake.session.LoginIdentity;
import org.pcohandshake.session.LoginTokenVerifier;
import org.pcohandshake.session.Session;
import org.pcohandshake.session.SessionStore;

/**
 * {@code GET /oauth/authorize} (step 4): validate, make sure the user is logged in through the
 * login bridge, then show the consent page with a one-time form token.
 */
public final class AuthorizePrompt {

  static final String LOGIN_TOKEN = "login_token";

  private final Config config;
  private final RequestValidator validator;
  private final LoginTokenVerifier loginTokens;
  private final SessionStore sessions;
  private final ConsentStore consents;
  private final LinkStore links;

  public AuthorizePrompt(
      Config config,
      LoginTokenVerifier loginTokens,
      SessionStore sessions,
      ConsentStore consents,
      LinkStore links) {
    this.config = config;
    this.validator = new RequestValidator(config);
    this.loginTokens = loginTokens;
    this.sessions = sessions;
    this.consents = consents;
    this.links = links;
  }

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
        config.issuer() + "/oauth/authorize?" + withoutLoginToken(http.rawQuery());

    Optional<String> loginToken;
    try {
      loginToken = http.query().get(LOGIN_TOKEN);
    } catch (BadRequestException repeated) {
      return ErrorCatalog.PAGE_LOGIN_FAILED.page();
    }
    if (loginToken.isPresent()) {
      Optional<LoginIdentity> identity = loginTokens.verify(loginToken.get());
      Optional<String> cookie = identity.flatMap(i -> sessions.open(i, config.loginIssuer()));
      if (cookie.isEmpty()) {
        Log.warn(http.requestId(), "login_token_rejected", java.util.Map.of());
        return ErrorCatalog.PAGE_LOGIN_FAILED.page();
      }
      Log.info(http.requestId(), "session_opened", java.util.Map.of());
      // a clean URL: the login token leaves the address bar and history
      return HttpResponse.redirect(303, authorizeUrl)
          .withCookie(Cookies.set(Cookies.SESSION, cookie.get(), sessions.ttl()));
    }

    Optional<Session> session = http.cookie(Cookies.SESSION).flatMap(sessions::find);
    if (session.isEmpty()) {
      String login =
          config.loginUrl()
              + (config.loginUrl().contains("?") ? "&" : "?")
              + "return_to="
              + Params.encode(authorizeUrl);
      return HttpResponse.redirect(302, login);
    }
    PendingLink link = http.cookie(Cookies.PCO_LINK).flatMap(links::find).orElse(PendingLink.NONE);
    if (!link.present() && config.pcoTokenMode() != Config.PcoTokenMode.SKIP) {
      // no identity from step 2: not reached through Planning Center's popup, or too late
      Log.warn(http.requestId(), "pco_link_missing", java.util.Map.of());
      return ErrorCatalog.PAGE_PCO_LINK_MISSING.page(
          RequestValidator.redirectTo(
              request.redirectUri(),
              "error",
              ErrorCatalog.PCO_LINK_MISSING.code(),
              "error_description",
              ErrorCatalog.PCO_LINK_MISSING.description(),
              "state",
              request.state()),
          "Back to Planning Center");
    }
    String formToken =
        consents.put(new Consent(session.get().idHash(), session.get().subject(), request, link));
    return ConsentPage.render(
        config.issuer() + "/oauth/authorize",
        config.appName(),
        session.get(),
        request,
        link,
        formToken);
  }

  static HttpResponse errorRedirect(
      int status, String redirectUri, ErrorCatalog error, String state) {
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

  /** The raw query minus any {@code login_token} pair, order and encoding kept. */
  static String withoutLoginToken(String rawQuery) {
    return Arrays.stream(rawQuery.split("&"))
        .filter(pair -> !pair.isEmpty())
        .filter(pair -> !pair.equals(LOGIN_TOKEN) && !pair.startsWith(LOGIN_TOKEN + "="))
        .collect(Collectors.joining("&"));
  }
}
