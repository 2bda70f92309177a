package org.pcohandshake.fn.authorizedecision;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.pcohandshake.authorize.AuthorizeDecision;
import org.pcohandshake.authorize.ConsentStore;
import org.pcohandshake.authorize.RequestValidator;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.AuthorizationCode;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.session.SessionStore;
import org.pcohandshake.snapstart.Priming;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code POST /oauth/authorize}. */
public final class AuthorizeDecisionHandler extends HttpFunction {

  private final Config config;
  private final ConsentStore consents;
  private final GrantStore grants;
  private final LinkStore links;
  private final AuthorizeDecision decision;

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public AuthorizeDecisionHandler() {
    this(System.getenv());
    Core.getGlobalContext().register(this);
  }

  public AuthorizeDecisionHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /** Builds the real dependencies once; the clock is a parameter so tests can move time. */
  public AuthorizeDecisionHandler(Map<String, String> environment, Clock clock) {
    super(Endpoint.Style.PAGE);
    this.config =
        Config.fromEnvironment(environment)
            .require(
                Config.ISSUER,
                Config.TABLE_NAME,
                Config.CLIENT_ID,
                Config.PCO_OAUTH_APPLICATION_ID);
    DynamoDbClient dynamo = new AwsClients(config).dynamoDb();
    this.consents = new ConsentStore(dynamo, config.tableName(), config.consentTtl(), clock);
    this.grants = new GrantStore(dynamo, config.tableName(), clock);
    this.links = new LinkStore(dynamo, config.tableName(), config.pcoLinkTtl(), clock);
    this.decision =
        new AuthorizeDecision(
            config,
            new SessionStore(dynamo, config.tableName(), config.sessionTtl(), clock),
            consents,
            grants,
            links,
            clock);
  }

  @Override
  protected HttpResponse serve(HttpRequest request) {
    return decision.handle(request);
  }

  /**
   * SnapStart priming: an approval with a session cookie that was never issued (the form, the
   * session read, which misses, the expired-consent page), then the consent read and the
   * transaction that consumes a consent and stores a code, on values never issued: the read misses
   * and the transaction is refused by its conditions, so nothing is stored.
   *
   * <p>Nothing to renew after a restore: no code, session or random value was made before the
   * snapshot.
   */
  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    Priming.run(
        "authorize-decision",
        () -> {
          Priming.invoke(
              this,
              Priming.event(
                  "POST",
                  "/oauth/authorize",
                  "",
                  Map.of(
                      "content-type",
                      "application/x-www-form-urlencoded",
                      "origin",
                      config.issuer()),
                  List.of(Cookies.SESSION + "=" + Priming.NEVER_ISSUED),
                  "form_token=" + Priming.NEVER_ISSUED + "&decision=approve"));
          String sessionHash = Tokens.hash(Priming.NEVER_ISSUED);
          consents.find(Priming.NEVER_ISSUED, sessionHash);
          String redirectUri = config.allowedRedirectUris().get(0);
          AuthorizationCode code =
              new AuthorizationCode(
                  Priming.grant(config.clientId()), redirectUri, "", Instant.EPOCH, false);
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
        });
  }
}
