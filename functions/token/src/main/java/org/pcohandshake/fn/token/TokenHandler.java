package org.pcohandshake.fn.token;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.crypto.KmsJwsSigner;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.secrets.SecretCache;
import org.pcohandshake.snapstart.Priming;
import org.pcohandshake.token.AccessTokens;
import org.pcohandshake.token.ClientAuthenticator;
import org.pcohandshake.token.TokenEndpoint;

/** {@code POST /oauth/token}. */
public final class TokenHandler extends HttpFunction {

  private final String clientId;
  private final GrantStore grants;
  private final AccessTokens accessTokens;
  private final TokenEndpoint endpoint;

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public TokenHandler() {
    this(System.getenv());
    Core.getGlobalContext().register(this);
  }

  public TokenHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /** Builds the real dependencies once; the clock is a parameter so tests can move time. */
  public TokenHandler(Map<String, String> environment, Clock clock) {
    super(Endpoint.Style.JSON);
    Config config =
        Config.fromEnvironment(environment)
            .require(
                Config.ISSUER,
                Config.TABLE_NAME,
                Config.CLIENT_ID,
                Config.CLIENT_SECRET_ID,
                Config.SIGNING_KEY_ID);
    AwsClients aws = new AwsClients(config);
    SecretCache secret =
        new SecretCache(
            aws.secretsManager(), config.clientSecretId(), config.previousSecretOverlap(), clock);
    this.clientId = config.clientId();
    this.grants = new GrantStore(aws.dynamoDb(), config.tableName(), clock);
    this.accessTokens =
        new AccessTokens(
            new KmsJwsSigner(
                aws.kms(),
                config.signingKeyId(),
                config.signingKeyId(),
                config.accessTokenAlgorithm()),
            config.issuer(),
            config.audience(),
            config.accessTokenTtl(),
            clock);
    this.endpoint =
        new TokenEndpoint(
            new ClientAuthenticator(config.clientId(), secret::current, secret::values),
            grants,
            accessTokens,
            config.refreshGrace(),
            clock);
  }

  @Override
  protected HttpResponse serve(HttpRequest request) {
    return endpoint.handle(request);
  }

  /**
   * SnapStart priming: a request answered before client authentication (which would read the client
   * secret, and no secret belongs in a snapshot), then the code lookup, the access token's claims
   * and signature, and the redemption transaction, all on values never issued: the read misses, the
   * signature is of a constant, the transaction is refused by its conditions.
   *
   * <p>Nothing to renew after a restore: the secret cache was never filled, and random values are
   * drawn per request.
   */
  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    Priming.run(
        "token",
        () -> {
          Priming.invoke(
              this,
              Priming.event(
                  "POST",
                  "/oauth/token",
                  "",
                  Map.of("content-type", "application/x-www-form-urlencoded"),
                  List.of(),
                  "grant_type=authorization_code&grant_type=authorization_code"));
          String codeHash = Tokens.hash(Priming.NEVER_ISSUED);
          grants.findCode(codeHash);
          accessTokens.prime(Priming.grant(clientId));
          grants.redeem(codeHash, Priming.grant(clientId), Tokens.hash(Priming.NEVER_ISSUED_TOO));
        });
  }
}
