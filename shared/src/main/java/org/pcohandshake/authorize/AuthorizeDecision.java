package org.pcohandshake.authorize;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.crypto.TokenHash;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.grant.AuthorizationCode;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.http.HttpService;
import org.pcohandshake.http.Params;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.link.PendingLink;
import org.pcohandshake.log.Log;
import org.pcohandshake.metrics.Metrics;
import org.pcohandshake.session.Session;
import org.pcohandshake.session.SessionStore;
import org.pcohandshake.snapstart.Priming;
import org.pcohandshake.snapstart.PrimingRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * {@code POST /oauth/authorize} (step 4b): verify and consume the one-time form token with the
 * session, then redirect to the client with a code (approve) or {@code access_denied} (deny). The
 * consent's link from step 2 is consumed in the same transaction (a link yields one code at most)
 * and its cookie cleared.
 */
public final class AuthorizeDecision implements HttpService {

  private final Config config;
  private final SessionStore sessions;
  private final ConsentStore consents;
  private final GrantStore grants;
  private final LinkStore links;
  private final Clock clock;

  /** The real dependencies: the table's sessions, consents, codes and links. */
  public static AuthorizeDecision from(Config config, Clock clock) {
    DynamoDbClient dynamo = new AwsClients(config).dynamoDb();
    return new AuthorizeDecision(
        config,
        new SessionStore(dynamo, config.tableName(), config.login().sessionTtl(), clock),
        new ConsentStore(dynamo, config.tableName(), config.consent().ttl(), clock),
        new GrantStore(dynamo, config.tableName(), clock),
        new LinkStore(dynamo, config.tableName(), config.pco().linkTtl(), clock),
        clock);
  }

  public AuthorizeDecision(
      Config config,
      SessionStore sessions,
      ConsentStore consents,
      GrantStore grants,
      LinkStore links,
      Clock clock) {
    this.config = config;
    this.sessions = sessions;
    this.consents = consents;
    this.grants = grants;
    this.links = links;
    this.clock = clock;
  }

  @Override
  public HttpResponse handle(HttpRequest http) {
    if (!"application/x-www-form-urlencoded".equals(http.mediaType())) {
      return ErrorCatalog.Page.BAD_REQUEST.page();
    }
    Optional<String> origin = http.header("origin");
    if (origin.isPresent() && !origin.get().equals(ConsentPage.origin(config.issuer()))) {
      Log.warn(http.requestId(), "consent_cross_origin", Map.of());
      return ErrorCatalog.Page.CONSENT_EXPIRED.page();
    }
    Params form = Params.parse(http.body());
    String formToken = form.get("form_token").orElse("");
    String decision = form.get("decision").orElse("");
    if (!decision.equals("approve") && !decision.equals("deny")) {
      return ErrorCatalog.Page.BAD_REQUEST.page();
    }
    Optional<Session> session = http.cookie(Cookies.SESSION).flatMap(sessions::find);
    ConsentStore.Lookup lookup =
        session.isEmpty()
            ? new ConsentStore.Lookup.Missing()
            : consents.lookup(formToken, session.get().idHash());
    Optional<Consent> consent;
    switch (lookup) {
      case ConsentStore.Lookup.Live live -> consent = Optional.of(live.consent());
      case ConsentStore.Lookup.Expired expired -> {
        // open too long (a slow sign-in, then a slow read): explain, and start over at PCO
        Log.warn(http.requestId(), "consent_expired", Map.of());
        return timedOut(expired.request());
      }
      case ConsentStore.Lookup.Missing missing -> {
        Log.warn(http.requestId(), "consent_rejected", Map.of("session", session.isPresent()));
        return ErrorCatalog.Page.CONSENT_EXPIRED.page();
      }
    }
    AuthorizationRequest request = consent.get().request();
    if (!config.allowedRedirectUris().contains(request.redirectUri())
        || !config.client().id().equals(request.clientId())) {
      return ErrorCatalog.Page.BAD_REDIRECT.page();
    }
    TokenHash sessionHash = session.get().idHash();
    PendingLink link = consent.get().link();

    if (decision.equals("deny")) {
      TransactWriteItem[] discard =
          link.present()
              ? new TransactWriteItem[] {links.discard(link.keyHash().orElseThrow())}
              : new TransactWriteItem[0];
      if (!consents.consumeWith(formToken, sessionHash, discard)) {
        return ErrorCatalog.Page.CONSENT_EXPIRED.page();
      }
      Log.info(http.requestId(), "consent_denied", Map.of());
      Metrics.count(Metrics.Event.ConsentDenied);
      return clearingLink(
          AuthorizePrompt.errorRedirect(
              303, request.redirectUri(), ErrorCatalog.Redirect.ACCESS_DENIED, request.state()),
          link);
    }

    Instant now = clock.instant();
    String code = Tokens.random();
    Grant grant =
        new Grant(
            Tokens.id(),
            request.clientId(),
            consent.get().subject(),
            request.scope(),
            link.link(),
            now.plus(config.tokens().refreshTtl()),
            session.get().claims());
    AuthorizationCode record =
        new AuthorizationCode(
            grant,
            request.redirectUri(),
            request.codeChallenge(),
            now.plus(config.tokens().codeTtl()),
            false,
            session.get().openedAt());
    TransactWriteItem putCode = grants.putCode(Tokens.hash(code), record);
    boolean issued =
        link.present()
            ? consents.consumeWith(
                formToken, sessionHash, putCode, links.consume(link.keyHash().orElseThrow()))
            : consents.consumeWith(formToken, sessionHash, putCode);
    if (!issued) {
      // the form was used, or its link was: by another consent page, or it expired
      Log.warn(http.requestId(), "consent_rejected", Map.of("linked", link.present()));
      return ErrorCatalog.Page.CONSENT_EXPIRED.page();
    }
    Log.info(http.requestId(), "code_issued", Map.of("grant", grant.id()));
    Metrics.count(Metrics.Event.ConsentApproved);
    return clearingLink(
        HttpResponse.redirect(
            303,
            RequestValidator.redirectTo(
                request.redirectUri(), "code", code, "state", request.state())),
        link);
  }

  /**
   * The page for a form that expired while open, with the way back to Planning Center: the client's
   * redirect URI with {@code access_denied} and the request's {@code state}, when that URI is still
   * on this deployment's allow-list (else no link at all).
   */
  private HttpResponse timedOut(AuthorizationRequest request) {
    if (!config.allowedRedirectUris().contains(request.redirectUri())
        || !config.client().id().equals(request.clientId())) {
      return ErrorCatalog.Page.CONSENT_TIMED_OUT.page();
    }
    return ErrorCatalog.Page.CONSENT_TIMED_OUT.page(
        AuthorizePrompt.restartAtPco(request, ErrorCatalog.Redirect.CONSENT_TIMED_OUT),
        AuthorizePrompt.BACK_TO_PCO);
  }

  /** The redirect with the link cookie cleared, when the consent had a link: it is used up. */
  private static HttpResponse clearingLink(HttpResponse redirect, PendingLink link) {
    return link.present() ? redirect.withCookie(Cookies.clear(Cookies.PCO_LINK)) : redirect;
  }

  /**
   * The function's priming request: an approval with a session cookie that was never issued (the
   * form, the session read, which misses, the expired-consent page).
   */
  public static PrimingRequest primingRequest(Config config) {
    return PrimingRequest.postForm(
            "/oauth/authorize", "form_token=" + Priming.NEVER_ISSUED + "&decision=approve")
        .header("origin", config.issuer())
        .cookie(Cookies.SESSION, Priming.NEVER_ISSUED);
  }

  /**
   * SnapStart priming after the function's request ({@link #primingRequest}): the consent read and
   * the transaction that consumes a consent and a link and stores a code, on values never issued:
   * the read misses and the transaction is refused by its conditions, so nothing is stored; then
   * the approval's redirect, rendered.
   */
  @Override
  public void prime() {
    TokenHash sessionHash = Tokens.hash(Priming.NEVER_ISSUED);
    consents.find(Priming.NEVER_ISSUED, sessionHash);
    String redirectUri = config.allowedRedirectUris().get(0);
    AuthorizationCode code =
        new AuthorizationCode(
            Priming.grant(config.client().id()), redirectUri, "", Instant.EPOCH, false);
    consents.consumeWith(
        Priming.NEVER_ISSUED,
        sessionHash,
        grants.putCode(Tokens.hash(Priming.NEVER_ISSUED_TOO), code),
        links.consume(Tokens.hash(Priming.NEVER_ISSUED_TOO)));
    HttpResponse.redirect(
            303,
            RequestValidator.redirectTo(
                redirectUri, "code", Priming.NEVER_ISSUED_TOO, "state", "priming"))
        .withCookie(Cookies.clear(Cookies.PCO_LINK))
        .toEventJson();
  }
}
