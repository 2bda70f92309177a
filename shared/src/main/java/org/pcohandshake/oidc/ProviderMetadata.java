package org.pcohandshake.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pcohandshake.config.ConfigUrls;
import org.pcohandshake.json.Json;

/**
 * What this stack uses of the provider's discovery document (OpenID Connect Discovery 1.0, section
 * 3): its endpoints, how the client authenticates at the token endpoint, and the ID token
 * algorithms, narrowed to the asymmetric ones we accept.
 *
 * @param issuer exactly the configured issuer (a document naming another is refused)
 * @param authorizationEndpoint where the browser is sent to sign in
 * @param tokenEndpoint where the code is exchanged
 * @param jwksUri the provider's signing keys
 * @param clientSecretBasic whether the client authenticates with HTTP Basic ({@code
 *     client_secret_basic}, the default when the document names no method), else in the body
 * @param algorithms the ID token algorithms accepted: the document's (RS256 when it names none)
 *     that are in {@link #ASYMMETRIC}
 */
public record ProviderMetadata(
    String issuer,
    String authorizationEndpoint,
    String tokenEndpoint,
    String jwksUri,
    boolean clientSecretBasic,
    Set<JWSAlgorithm> algorithms) {

  /**
   * The only ID token algorithms ever accepted: signatures by a private key the provider holds.
   * Never {@code none}, never an HMAC (an HMAC "signed" with a public key is the classic confusion
   * attack).
   */
  public static final Set<JWSAlgorithm> ASYMMETRIC =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  /** Where the discovery document lives, relative to the issuer (section 4). */
  public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

  public ProviderMetadata {
    algorithms = Set.copyOf(algorithms);
  }

  /** The discovery document's URL for an issuer (a trailing slash is not doubled). */
  public static String discoveryUrl(String issuer) {
    return (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
        + DISCOVERY_PATH;
  }

  /**
   * Reads a discovery document.
   *
   * @throws IllegalArgumentException when it is malformed, names another issuer, lacks an endpoint,
   *     has an endpoint that is not https (or, for a loopback http issuer, http to a loopback
   *     host), supports neither client secret method, or no asymmetric ID token algorithm
   */
  public static ProviderMetadata parse(String json, String expectedIssuer) {
    Map<String, Object> doc = Json.parseObject(json);
    if (!expectedIssuer.equals(Json.string(doc, "issuer"))) {
      throw new IllegalArgumentException("the discovery document names another issuer");
    }
    List<String> methods = strings(doc, "token_endpoint_auth_methods_supported");
    boolean basic = methods.isEmpty() || methods.contains("client_secret_basic");
    if (!basic && !methods.contains("client_secret_post")) {
      throw new IllegalArgumentException("the provider supports no client secret method");
    }
    List<String> advertised = strings(doc, "id_token_signing_alg_values_supported");
    Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
    for (String name : advertised.isEmpty() ? List.of("RS256") : advertised) {
      JWSAlgorithm algorithm = JWSAlgorithm.parse(name);
      if (ASYMMETRIC.contains(algorithm)) {
        algorithms.add(algorithm);
      }
    }
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException(
          "the provider signs ID tokens with no algorithm we accept");
    }
    return new ProviderMetadata(
        expectedIssuer,
        endpoint(doc, "authorization_endpoint", expectedIssuer),
        endpoint(doc, "token_endpoint", expectedIssuer),
        endpoint(doc, "jwks_uri", expectedIssuer),
        basic,
        algorithms);
  }

  /** A document of the shape providers publish, for priming (parsed, never fetched). */
  public static ProviderMetadata sample(String issuer) {
    return parse(
        Json.write(
            Map.of(
                "issuer",
                issuer,
                "authorization_endpoint",
                "https://login.example/authorize",
                "token_endpoint",
                "https://login.example/token",
                "jwks_uri",
                "https://login.example/jwks",
                "token_endpoint_auth_methods_supported",
                List.of("client_secret_basic", "client_secret_post"),
                "id_token_signing_alg_values_supported",
                List.of("RS256", "ES256"))),
        issuer);
  }

  /**
   * An endpoint of the document: https, or plain http to a loopback host only when the issuer
   * itself is one (the tests and the local stack); an https issuer's endpoints are https, so a
   * document cannot send our client secret in the clear, or the browser or our calls to a loopback
   * service of the instance (the Lambda runtime API).
   */
  private static String endpoint(Map<String, Object> doc, String name, String issuer) {
    String value = Json.string(doc, name);
    if (value == null
        || !ConfigUrls.secure(value)
        || (issuer.startsWith("https://") && !value.startsWith("https://"))) {
      throw new IllegalArgumentException("the discovery document lacks a usable " + name);
    }
    return value;
  }

  private static List<String> strings(Map<String, Object> doc, String name) {
    Object value = doc.get(name);
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof String text) {
          out.add(text);
        }
      }
    }
    return out;
  }
}
