package org.pcohandshake.fn.pcocomplete;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.pco.PcoClient;
import org.pcohandshake.pco.PcoComplete;
import org.pcohandshake.pco.PcoTokenVault;
import org.pcohandshake.secrets.SecretCache;
import org.pcohandshake.snapstart.Priming;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code GET /oauth/pco/complete}. */
public final class PcoCompleteHandler extends HttpFunction {

  private final PcoComplete complete;

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public PcoCompleteHandler() {
    this(System.getenv());
    Core.getGlobalContext().register(this);
  }

  public PcoCompleteHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /**
   * Builds the real dependencies once; the clock is a parameter so tests can move time. Only the
   * clients the configured {@code PCO_TOKEN_MODE} needs are built.
   */
  public PcoCompleteHandler(Map<String, String> environment, Clock clock) {
    super(Endpoint.Style.PAGE);
    Config config =
        Config.fromEnvironment(environment)
            .require(Config.ISSUER, Config.TABLE_NAME, Config.PCO_OAUTH_APPLICATION_ID);
    AwsClients aws = new AwsClients(config);
    DynamoDbClient dynamo = aws.dynamoDb();
    PcoComplete.Mode mode =
        switch (config.pcoTokenMode()) {
          case SKIP -> new PcoComplete.Mode.Skip();
          case IDENTIFY -> {
            config.require(Config.PCO_CLIENT_ID, Config.PCO_CLIENT_SECRET_ID);
            yield new PcoComplete.Mode.Identify(pcoClient(config, aws, clock));
          }
          case STORE -> {
            config.require(
                Config.PCO_CLIENT_ID, Config.PCO_CLIENT_SECRET_ID, Config.PCO_TOKEN_KEY_ID);
            PcoClient pco = pcoClient(config, aws, clock);
            yield new PcoComplete.Mode.Store(
                pco,
                new PcoTokenVault(
                    dynamo, aws.kms(), config.tableName(), config.pcoTokenKeyId(), pco, clock));
          }
        };
    this.complete =
        new PcoComplete(
            config, mode, new LinkStore(dynamo, config.tableName(), config.pcoLinkTtl(), clock));
  }

  private static PcoClient pcoClient(Config config, AwsClients aws, Clock clock) {
    SecretCache secret = new SecretCache(aws.secretsManager(), config.pcoClientSecretId(), clock);
    return new PcoClient(
        config.pcoBaseUrl(), config.pcoClientId(), secret::current, config.pcoHttpTimeout(), clock);
  }

  @Override
  protected HttpResponse serve(HttpRequest request) {
    return complete.handle(request);
  }

  /**
   * SnapStart priming: Planning Center's return without a code (the event, the query, the error
   * page from the catalog), then what follows PCO's answers on samples, with no call to Planning
   * Center: the answers parsed, the link's write refused by the table (in store mode with the
   * tokens' encryption and the transaction), the redirect with the link cookie. The PCO client
   * secret is not read: no secret belongs in a snapshot.
   *
   * <p>Nothing to renew after a restore: the secret cache was never filled, and link cookies are
   * drawn per request.
   */
  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    Priming.run(
        "pco-complete",
        () -> {
          Priming.invoke(
              this,
              Priming.event(
                  "GET",
                  PcoComplete.PATH,
                  "state=priming",
                  Map.of("accept", "text/html"),
                  List.of(),
                  ""));
          complete.prime(Priming.NEVER_ISSUED);
        });
  }
}
