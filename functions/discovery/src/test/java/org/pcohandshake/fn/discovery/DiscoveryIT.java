package org.pcohandshake.fn.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.http.LocalApi;
import org.pcohandshake.testkit.junit.Provisioned;

/** The discovery routes of the template, served over HTTP from the emulator's KMS key. */
class DiscoveryIT {

  @Provisioned static ProvisionedStack stack;

  static LocalApi api;
  static String signingKey;

  @BeforeAll
  static void start() {
    api = LocalApi.start(stack, 0, Map.of());
    signingKey = stack.physicalId("AccessTokenSigningKey");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void metadata_isTheSameDocumentAtBothWellKnownPaths() throws Exception {
    HttpResponse<String> oauth = Issuing.get(api.uri("/.well-known/oauth-authorization-server"));
    HttpResponse<String> openid = Issuing.get(api.uri("/.well-known/openid-configuration"));
    assertEquals(200, oauth.statusCode());
    assertEquals(200, openid.statusCode());
    assertEquals(oauth.body(), openid.body());
    Map<String, Object> doc = Issuing.json(oauth);
    assertEquals(api.baseUrl(), doc.get("issuer"));
    assertEquals(api.baseUrl() + "/oauth/token", doc.get("token_endpoint"));
    assertEquals(api.baseUrl() + "/oauth/revoke", doc.get("revocation_endpoint"));
    assertEquals(api.baseUrl() + "/.well-known/jwks.json", doc.get("jwks_uri"));
    assertEquals(List.of("ES256"), doc.get("id_token_signing_alg_values_supported"));
  }

  @Test
  void everyDocumentAdvertisedEndpoint_isRoutedByTheTemplate() throws Exception {
    Map<String, Object> doc =
        Issuing.json(Issuing.get(api.uri("/.well-known/oauth-authorization-server")));
    List<String> routes = stack.template().routes().stream().map(r -> r.routeKey()).toList();
    assertTrue(routes.contains("GET /oauth/authorize"), routes.toString());
    assertTrue(routes.contains("POST /oauth/token"), routes.toString());
    assertTrue(routes.contains("POST /oauth/revoke"), routes.toString());
    assertTrue(routes.contains("GET /.well-known/jwks.json"), routes.toString());
    assertTrue(((String) doc.get("authorization_endpoint")).endsWith("/oauth/authorize"));
  }

  @Test
  void documents_areCacheableJson() throws Exception {
    HttpResponse<String> metadata = Issuing.get(api.uri("/.well-known/openid-configuration"));
    assertEquals("public, max-age=3600", metadata.headers().firstValue("cache-control").get());
    assertTrue(metadata.headers().firstValue("content-type").get().startsWith("application/json"));
    HttpResponse<String> jwks = Issuing.get(api.uri("/.well-known/jwks.json"));
    assertEquals("public, max-age=300", jwks.headers().firstValue("cache-control").get());
  }

  @Test
  void jwks_publishesTheKmsPublicKey_asAnEs256SigningJwk() throws Exception {
    JWKSet set = JWKSet.parse(Issuing.get(api.uri("/.well-known/jwks.json")).body());
    assertEquals(1, set.getKeys().size());
    ECKey key = set.getKeys().get(0).toECKey();
    assertEquals(signingKey, key.getKeyID());
    assertEquals(Curve.P_256, key.getCurve());
    assertEquals(KeyUse.SIGNATURE, key.getKeyUse());
    assertEquals(JWSAlgorithm.ES256, key.getAlgorithm());
    assertFalse(key.isPrivate());
    byte[] der =
        Emulator.shared().kms().getPublicKey(r -> r.keyId(signingKey)).publicKey().asByteArray();
    ECPublicKey kmsKey =
        (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    assertEquals(kmsKey.getW(), key.toECPublicKey().getW());
  }

  @Test
  void previousSigningKeys_arePublishedAfterTheSigner() throws Exception {
    String previous = Issuing.newSigningKey();
    try (LocalApi rotated = LocalApi.start(stack, 0, Map.of("PreviousSigningKeyIds", previous))) {
      JWKSet set = JWKSet.parse(Issuing.get(rotated.uri("/.well-known/jwks.json")).body());
      assertEquals(
          List.of(signingKey, previous), set.getKeys().stream().map(JWK::getKeyID).toList());
    }
  }

  @Test
  void previousKeyThatKmsNoLongerHas_isLeftOut_theSignerStays() throws Exception {
    String deleted = java.util.UUID.randomUUID().toString();
    try (LocalApi rotated = LocalApi.start(stack, 0, Map.of("PreviousSigningKeyIds", deleted))) {
      HttpResponse<String> response = Issuing.get(rotated.uri("/.well-known/jwks.json"));
      assertEquals(200, response.statusCode(), response.body());
      JWKSet set = JWKSet.parse(response.body());
      assertEquals(List.of(signingKey), set.getKeys().stream().map(JWK::getKeyID).toList());
    }
  }
}
