package org.pcohandshake.fn.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.http.LocalApi;
import org.pcohandshake.testkit.junit.Provisioned;

/**
 * Standard, independent clients given nothing but our issuer URL find the keys through discovery
 * over HTTP and verify a token we issued: the Nimbus OAuth SDK with Nimbus JOSE's JWT processor,
 * and jose4j.
 */
class StandardClientsIT {

  @Provisioned static ProvisionedStack stack;

  static LocalApi api;
  static String issuer;
  static String token;
  static String signingKey;

  @BeforeAll
  static void start() {
    api = LocalApi.start(stack, 0, Map.of());
    issuer = api.baseUrl();
    signingKey = stack.physicalId("AccessTokenSigningKey");
    token = Issuing.accessToken(signingKey, issuer, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static DefaultJWTProcessor<SecurityContext> nimbusProcessor(URI jwksUri) throws Exception {
    JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwksUri.toURL()).build();
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, keys));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            issuer + "/api",
            new JWTClaimsSet.Builder().issuer(issuer).build(),
            Set.of("sub", "exp", "iat", "jti", "client_id")));
    return processor;
  }

  @Test
  void nimbusOpenIdClient_discoversTheJwks_andVerifiesOurToken() throws Exception {
    // resolve() fetches /.well-known/openid-configuration and checks its issuer matches
    OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(new Issuer(issuer));
    JWTClaimsSet claims = nimbusProcessor(metadata.getJWKSetURI()).process(token, null);
    assertEquals("user-1", claims.getSubject());
    assertEquals("org-9", claims.getStringClaim("pco_organization_id"));
  }

  @Test
  void nimbusOAuthClient_readsRfc8414Metadata_andVerifiesOurToken() throws Exception {
    AuthorizationServerMetadata metadata = AuthorizationServerMetadata.resolve(new Issuer(issuer));
    assertEquals(URI.create(issuer + "/oauth/revoke"), metadata.getRevocationEndpointURI());
    JWTClaimsSet claims = nimbusProcessor(metadata.getJWKSetURI()).process(token, null);
    assertEquals("pco-addon", claims.getStringClaim("client_id"));
  }

  @Test
  void nimbusProcessor_refusesATamperedToken() throws Exception {
    OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(new Issuer(issuer));
    String[] parts = token.split("\\.");
    String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
    DefaultJWTProcessor<SecurityContext> processor = nimbusProcessor(metadata.getJWKSetURI());
    assertThrows(BadJOSEException.class, () -> processor.process(tampered, null));
  }

  static JwtConsumer jose4jConsumer() throws Exception {
    Map<String, Object> discovery =
        org.jose4j.json.JsonUtil.parseJson(
            Issuing.get(URI.create(issuer + "/.well-known/openid-configuration")).body());
    HttpsJwks jwks = new HttpsJwks((String) discovery.get("jwks_uri"));
    return new JwtConsumerBuilder()
        .setRequireExpirationTime()
        .setRequireSubject()
        .setRequireJwtId()
        .setExpectedIssuer(issuer)
        .setExpectedAudience(issuer + "/api")
        .setExpectedType(true, "at+jwt")
        .setJwsAlgorithmConstraints(
            AlgorithmConstraints.ConstraintType.PERMIT,
            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
        .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(jwks))
        .build();
  }

  @Test
  void jose4j_discoversTheJwks_andVerifiesOurToken() throws Exception {
    JwtClaims claims = jose4jConsumer().processToClaims(token);
    assertEquals("user-1", claims.getSubject());
    assertEquals("person-8", claims.getStringClaimValue("pco_person_id"));
    assertEquals(List.of(issuer + "/api"), claims.getAudience());
  }

  @Test
  void jose4j_refusesOurKeysTokenForAnotherIssuerAndAudience() throws Exception {
    String other =
        Issuing.accessToken(signingKey, "https://someone-else.example", Clock.systemUTC());
    JwtConsumer consumer = jose4jConsumer();
    assertThrows(InvalidJwtException.class, () -> consumer.processToClaims(other));
  }
}
