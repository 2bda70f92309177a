package org.pcohandshake.fn.revoke;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.discovery.KmsPublicKeys;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.revoke.RevocationEndpoint;
import org.pcohandshake.secrets.SecretCache;
import org.pcohandshake.snapstart.Priming;
import org.pcohandshake.token.ClientAuthenticator;
import org.pcohandshake.verify.AccessTokenVerifier;
import org.pcohandshake.verify.CachedJwks;
import org.pcohandshake.verify.GrantCheck;

/** {@code POST /oauth/revoke}. */
public final class RevokeHandler extends HttpFunction {

  private final GrantStore grants;
  private final AccessTokenVerifier accessTokens;
  private final RevocationEndpoint endpoint;

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public RevokeHandler() {
    this(System.getenv());
    Core.getGlobalContext().register(this);
  }

  public RevokeHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /**
   * Builds the real dependencies once. Access tokens are verified against the signing keys read
   * from KMS (this function signs nothing but may read the public keys), not over HTTP from our own
   * JWKS: same keys, one network hop less, and no call from the API back into itself.
   */
  public RevokeHandler(Map<String, String> environment, Clock clock) {
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
    KmsPublicKeys keys =
        new KmsPublicKeys(
            aws.kms(),
            config.signingKeyId(),
            config.previousSigningKeyIds(),
            config.accessTokenAlgorithm());
    this.grants = new GrantStore(aws.dynamoDb(), config.tableName(), clock);
    this.accessTokens =
        new AccessTokenVerifier(
            new CachedJwks(keys::jwkSet, CachedJwks.TTL, CachedJwks.MIN_REFRESH_INTERVAL, clock),
            config.accessTokenAlgorithm(),
            config.issuer(),
            config.audience(),
            config.clockSkew(),
            GrantCheck.none(),
            clock);
    this.endpoint =
        new RevocationEndpoint(
            new ClientAuthenticator(config.clientId(), secret::current, secret::values),
            grants,
            accessTokens);
  }

  @Override
  protected HttpResponse serve(HttpRequest request) {
    return endpoint.handle(request);
  }

  /**
   * SnapStart priming: a revocation refused before client authentication (which would read the
   * client secret, and no secret belongs in a snapshot), then, on values never issued, the refresh
   * token's lookup, which misses, and the grant's revocation, which the table refuses (no such
   * grant), and the access token's checks without a key read from KMS ({@link
   * AccessTokenVerifier#prime()}).
   *
   * <p>Nothing to renew after a restore: the secret cache was never filled, no signing key was
   * read.
   */
  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    Priming.run(
        "revoke",
        () -> {
          Priming.invoke(
              this,
              Priming.event(
                  "POST",
                  "/oauth/revoke",
                  "",
                  Map.of("content-type", "application/x-www-form-urlencoded"),
                  List.of(),
                  "token=" + Priming.NEVER_ISSUED + "&token=" + Priming.NEVER_ISSUED));
          grants.findRefresh(Tokens.hash(Priming.NEVER_ISSUED));
          grants.revokeGrant(Priming.GRANT_ID, "priming");
          accessTokens.prime();
        });
  }
}
