package org.pcohandshake.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.TestConfigs;
import org.pcohandshake.testkit.json.TestJson;

class ServerMetadataTest {

  @Test
  void metadata_namesIssuerEndpointsAndCapabilities() throws Exception {
    Map<String, Object> doc = TestJson.object(ServerMetadata.json(TestConfigs.config()));
    assertEquals("https://auth.example.org", doc.get("issuer"));
    assertEquals("https://auth.example.org/oauth/authorize", doc.get("authorization_endpoint"));
    assertEquals("https://auth.example.org/oauth/token", doc.get("token_endpoint"));
    assertEquals("https://auth.example.org/oauth/revoke", doc.get("revocation_endpoint"));
    assertEquals("https://auth.example.org/.well-known/jwks.json", doc.get("jwks_uri"));
    assertEquals(List.of("code"), doc.get("response_types_supported"));
    assertEquals(List.of("authorization_code", "refresh_token"), doc.get("grant_types_supported"));
    assertEquals(
        List.of("client_secret_basic", "client_secret_post"),
        doc.get("token_endpoint_auth_methods_supported"));
    assertEquals(
        List.of("client_secret_basic", "client_secret_post"),
        doc.get("revocation_endpoint_auth_methods_supported"));
    assertEquals(List.of("S256"), doc.get("code_challenge_methods_supported"));
    assertEquals(List.of("public"), doc.get("subject_types_supported"));
    assertEquals(List.of("ES256"), doc.get("id_token_signing_alg_values_supported"));
    assertFalse(doc.containsKey("scopes_supported"));
  }

  @Test
  void signingAlgorithm_isTheConfiguredOne_only() throws Exception {
    Map<String, Object> doc =
        TestJson.object(
            ServerMetadata.json(TestConfigs.with(Config.ACCESS_TOKEN_ALGORITHM, "RS256")));
    assertEquals(List.of("RS256"), doc.get("id_token_signing_alg_values_supported"));
  }

  @Test
  void scopes_arePublished_whenConfigured() throws Exception {
    Map<String, Object> doc =
        TestJson.object(ServerMetadata.json(TestConfigs.with(Config.SCOPES, "people services")));
    assertEquals(List.of("people", "services"), doc.get("scopes_supported"));
  }
}
