package org.pcohandshake.fn.discovery;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.pcohandshake.config.Config;
import org.pcohandshake.discovery.DiscoveryEndpoint;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;
import org.pcohandshake.snapstart.PrimingRequest;

/**
 * {@code GET /.well-known/oauth-authorization-server}, {@code GET
 * /.well-known/openid-configuration} and {@code GET /.well-known/jwks.json}. Priming serves both
 * documents once: the JWKS reads the signing keys' public halves from KMS and keeps them, so a
 * restored instance serves them without a call (public keys, not secrets; the key list is the
 * version's environment, and a key's public half never changes).
 */
public final class DiscoveryHandler extends HttpFunction {

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public DiscoveryHandler() {
    this(System.getenv(), Clock.systemUTC());
    Core.getGlobalContext().register(this);
  }

  /** Nothing here depends on time; the clock is taken like every function's. */
  public DiscoveryHandler(Map<String, String> environment, Clock clock) {
    super(
        "discovery",
        Endpoint.Style.JSON,
        Config.fromEnvironment(environment).require(Config.ISSUER, Config.SIGNING_KEY_ID),
        DiscoveryEndpoint::from,
        config ->
            List.of(DiscoveryEndpoint.OAUTH_METADATA_PATH, Config.JWKS_PATH).stream()
                .map(path -> PrimingRequest.get(path, "").header("accept", "application/json"))
                .toList());
  }
}
