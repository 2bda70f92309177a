package org.pcohandshake.fn.discovery;

import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.discovery.DiscoveryEndpoint;
import org.pcohandshake.discovery.KmsPublicKeys;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.snapstart.Priming;

/**
 * {@code GET /.well-known/oauth-authorization-server}, {@code GET
 * /.well-known/openid-configuration} and {@code GET /.well-known/jwks.json}.
 */
public final class DiscoveryHandler extends HttpFunction {

  private final DiscoveryEndpoint endpoint;

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public DiscoveryHandler() {
    this(System.getenv());
    Core.getGlobalContext().register(this);
  }

  /** Builds the real dependencies once (nothing here depends on time). */
  public DiscoveryHandler(Map<String, String> environment) {
    super(Endpoint.Style.JSON);
    Config config =
        Config.fromEnvironment(environment).require(Config.ISSUER, Config.SIGNING_KEY_ID);
    this.endpoint =
        new DiscoveryEndpoint(
            config,
            new KmsPublicKeys(
                new AwsClients(config).kms(),
                config.signingKeyId(),
                config.previousSigningKeyIds(),
                config.accessTokenAlgorithm()));
  }

  @Override
  protected HttpResponse serve(HttpRequest request) {
    return endpoint.handle(request);
  }

  /**
   * SnapStart priming: both documents served once. The JWKS reads the signing keys' public halves
   * from KMS ({@code GetPublicKey}, one per configured key) and {@link KmsPublicKeys} keeps the
   * set, so it is in the snapshot and a restored instance serves it without a call: public keys,
   * not secrets. That is what a long-running instance keeps, only for the version's life instead of
   * the instance's: a KMS key's public key never changes and the key list is the version's
   * environment, but a previous key that KMS does not serve at publication (disabled, pending
   * deletion) stays left out until the next version. A failed read of the current key keeps
   * nothing, and the first request reads again.
   *
   * <p>Nothing to renew after a restore: the public keys are the same for as long as the version
   * lives.
   */
  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    Priming.run(
        "discovery",
        () -> {
          for (String path : List.of(DiscoveryEndpoint.OAUTH_METADATA_PATH, Config.JWKS_PATH)) {
            Priming.invoke(
                this,
                Priming.event(
                    "GET", path, "", Map.of("accept", "application/json"), List.of(), ""));
          }
        });
  }
}
