package org.pcohandshake.discovery;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.http.HttpService;

/**
 * {@code GET /.well-known/oauth-authorization-server}, {@code GET
 * /.well-known/openid-configuration} (the same document) and {@code GET /.well-known/jwks.json}.
 * Public, cacheable documents: the JWKS for {@link #JWKS_MAX_AGE}, which bounds how long a
 * verifier's HTTP cache may hide a newly published key (see the key rotation steps in the docs).
 */
public final class DiscoveryEndpoint implements HttpService {

  public static final String OAUTH_METADATA_PATH = "/.well-known/oauth-authorization-server";
  public static final String OPENID_CONFIGURATION_PATH = "/.well-known/openid-configuration";

  public static final Duration METADATA_MAX_AGE = Duration.ofHours(1);
  public static final Duration JWKS_MAX_AGE = Duration.ofMinutes(5);

  private final String metadata;
  private final KmsPublicKeys keys;

  /**
   * The signing keys' public halves from KMS (the current key and {@code
   * PREVIOUS_SIGNING_KEY_IDS}).
   */
  public static DiscoveryEndpoint from(Config config) {
    return new DiscoveryEndpoint(
        config,
        new KmsPublicKeys(
            new AwsClients(config).kms(),
            config.signing().keyId(),
            config.signing().previousKeyIds(),
            config.signing().algorithm()));
  }

  public DiscoveryEndpoint(Config config, KmsPublicKeys keys) {
    this.metadata = ServerMetadata.json(config);
    this.keys = keys;
  }

  @Override
  public HttpResponse handle(HttpRequest http) {
    return switch (http.path()) {
      case OAUTH_METADATA_PATH, OPENID_CONFIGURATION_PATH -> document(metadata, METADATA_MAX_AGE);
      case Config.JWKS_PATH -> document(keys.jwkSet().toString(true), JWKS_MAX_AGE);
      default ->
          throw new IllegalStateException("the discovery function got a route it does not serve");
    };
  }

  /** Public JSON any origin may read (it carries no secret and no credentials are involved). */
  private static HttpResponse document(String json, Duration maxAge) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json;charset=UTF-8");
    headers.put("cache-control", "public, max-age=" + maxAge.toSeconds());
    headers.put("access-control-allow-origin", "*");
    headers.put("x-content-type-options", "nosniff");
    return new HttpResponse(200, headers, List.of(), json);
  }
}
