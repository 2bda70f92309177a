package org.pcohandshake.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProviderMetadataTest {

  static final String ISSUER = "https://login.example.test/";

  static String doc(String issuer, String methods, String algorithms) {
    return "{\"issuer\":\""
        + issuer
        + "\",\"authorization_endpoint\":\"https://login.example.test/authorize\""
        + ",\"token_endpoint\":\"https://login.example.test/token\""
        + ",\"jwks_uri\":\"https://login.example.test/jwks\""
        + (methods == null ? "" : ",\"token_endpoint_auth_methods_supported\":" + methods)
        + (algorithms == null ? "" : ",\"id_token_signing_alg_values_supported\":" + algorithms)
        + "}";
  }

  @Test
  void documentOfAnotherIssuer_isRefused_evenWithoutTheTrailingSlash() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ProviderMetadata.parse(doc("https://login.example.test", null, null), ISSUER));
  }

  @Test
  void onlyAsymmetricAlgorithms_areKept_andNoneOrHmacAloneIsRefused() {
    ProviderMetadata metadata =
        ProviderMetadata.parse(
            doc(ISSUER, null, "[\"none\",\"HS256\",\"RS256\",\"ES256\"]"), ISSUER);
    assertEquals(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), metadata.algorithms());
    assertThrows(
        IllegalArgumentException.class,
        () -> ProviderMetadata.parse(doc(ISSUER, null, "[\"none\",\"HS256\"]"), ISSUER));
  }

  @Test
  void clientAuthentication_basicByDefault_postWhenOnlyPostIsOffered() {
    assertTrue(ProviderMetadata.parse(doc(ISSUER, null, null), ISSUER).clientSecretBasic());
    assertFalse(
        ProviderMetadata.parse(doc(ISSUER, "[\"client_secret_post\"]", null), ISSUER)
            .clientSecretBasic());
    assertThrows(
        IllegalArgumentException.class,
        () -> ProviderMetadata.parse(doc(ISSUER, "[\"private_key_jwt\"]", null), ISSUER));
  }

  @Test
  void endpointOverPlainHttpToAnotherHost_isRefused() {
    String insecure =
        doc(ISSUER, null, null)
            .replace("https://login.example.test/token", "http://evil.example/t");
    assertThrows(IllegalArgumentException.class, () -> ProviderMetadata.parse(insecure, ISSUER));
  }

  /**
   * A document of an https issuer (compromised, or tampered with at the provider) that points an
   * endpoint at plain http on a loopback address: from inside a Lambda instance that is the runtime
   * API and any extension (SSRF), and the token endpoint gets our client secret in the clear.
   * Loopback http is for an issuer that is itself loopback http (the tests, make run).
   */
  @Test
  void httpsIssuersDocument_withALoopbackHttpEndpoint_isRefused() {
    for (String endpoint :
        new String[] {
          "https://login.example.test/token",
          "https://login.example.test/jwks",
          "https://login.example.test/authorize"
        }) {
      String downgraded =
          doc(ISSUER, null, null)
              .replace(endpoint, "http://127.0.0.1:9001/2018-06-01/runtime/invocation/next");
      assertThrows(
          IllegalArgumentException.class,
          () -> ProviderMetadata.parse(downgraded, ISSUER),
          endpoint);
    }
    // a loopback http issuer (the local stack's embedded provider) keeps its http endpoints
    String local = "http://localhost:4100/default";
    String localDoc =
        doc(local, null, null)
            .replace("https://login.example.test", "http://localhost:4100/default");
    assertEquals(
        "http://localhost:4100/default/token",
        ProviderMetadata.parse(localDoc, local).tokenEndpoint());
  }

  @Test
  void googlesSecondIssuerForm_isAcceptedForGoogleOnly() {
    assertEquals(
        Set.of("https://accounts.google.com", "accounts.google.com"),
        IdTokenVerifier.acceptedIssuers("https://accounts.google.com"));
    assertEquals(Set.of(ISSUER), IdTokenVerifier.acceptedIssuers(ISSUER));
  }

  @Test
  void subject_isTheIssuerAndTheUser_unambiguously() {
    assertEquals("https://login.example.test/#user-1", IdTokenVerifier.subjectOf(ISSUER, "user-1"));
  }
}
