package org.pcohandshake.discovery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcohandshake.config.Config;
import org.pcohandshake.json.Json;

/**
 * The authorization server metadata (RFC 8414), served unchanged as the OpenID Connect discovery
 * document too, since API Gateway's JWT authorizer and OIDC libraries read that path.
 *
 * <p>This server issues no ID tokens. The OpenID fields that discovery clients insist on ({@code
 * subject_types_supported}, {@code id_token_signing_alg_values_supported}) are present so those
 * clients accept the document and find {@code jwks_uri}; they describe the subject identifiers and
 * the one signing algorithm of our access tokens ({@code ACCESS_TOKEN_ALGORITHM}, ES256 or RS256).
 */
public final class ServerMetadata {

  public static final String AUTHORIZATION_PATH = "/oauth/authorize";
  public static final String TOKEN_PATH = "/oauth/token";
  public static final String REVOCATION_PATH = "/oauth/revoke";

  private ServerMetadata() {}

  /** The metadata document for the configured issuer. */
  public static String json(Config config) {
    String issuer = config.issuer();
    List<String> clientAuthentication = List.of("client_secret_basic", "client_secret_post");
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("issuer", issuer);
    metadata.put("authorization_endpoint", issuer + AUTHORIZATION_PATH);
    metadata.put("token_endpoint", issuer + TOKEN_PATH);
    metadata.put("revocation_endpoint", issuer + REVOCATION_PATH);
    metadata.put("jwks_uri", issuer + Config.JWKS_PATH);
    metadata.put("response_types_supported", List.of("code"));
    metadata.put("response_modes_supported", List.of("query"));
    metadata.put("grant_types_supported", List.of("authorization_code", "refresh_token"));
    metadata.put("token_endpoint_auth_methods_supported", clientAuthentication);
    metadata.put("revocation_endpoint_auth_methods_supported", clientAuthentication);
    metadata.put("code_challenge_methods_supported", List.of("S256"));
    if (!config.consent().scopes().isEmpty()) {
      metadata.put("scopes_supported", config.consent().scopes());
    }
    metadata.put("subject_types_supported", List.of("public"));
    // the one algorithm of this deployment (ACCESS_TOKEN_ALGORITHM); API Gateway's JWT authorizer
    // and OIDC libraries read it here
    metadata.put(
        "id_token_signing_alg_values_supported", List.of(config.signing().algorithm().name()));
    return Json.write(metadata);
  }
}
