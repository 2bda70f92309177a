package org.pcohandshake.fn.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import java.net.URI;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.HashMap;
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
import org.pcohandshake.config.Config;
import org.pcohandshake.config.Config.AccessTokenAlgorithm;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.http.LocalApi;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.verify.AccessTokenVerifier;
import org.pcohandshake.verify.Verification;

/**
 * A deployment with {@code ACCESS_TOKEN_ALGORITHM=RS256} and an RSA_2048 KMS key (created here,
 * since the template's key is ECC_NIST_P256): discovery advertises RS256, the JWKS serves the RSA
 * key, and standard clients (Nimbus, jose4j) as well as our verifier accept its RS256 tokens and
 * refuse ES256 ones.
 */
class Rs256DiscoveryIT {

  @Provisioned static ProvisionedStack stack;

  static String rsaKey;
  static String ecKey;
  static LocalApi api;
  static String issuer;
  static String rs256Token;
  static String es256Token;

  /**
   * The template's functions with the signing key (and previous keys) from its parameters, and the
   * algorithm set as the owner's template will set it for every function.
   */
  static LocalApi deploy(AccessTokenAlgorithm algorithm, Map<String, String> parameters) {
    return LocalApi.start(
        stack.template(),
        0,
        (function, baseUrl) -> {
          Map<String, String> env =
              new HashMap<>(stack.environmentFor(function, baseUrl, parameters));
          env.put(Config.ACCESS_TOKEN_ALGORITHM, algorithm.name());
          return env;
        });
  }

  @BeforeAll
  static void start() {
    ecKey = stack.physicalId("AccessTokenSigningKey");
    rsaKey = Issuing.newSigningKey(AccessTokenAlgorithm.RS256);
    api = deploy(AccessTokenAlgorithm.RS256, Map.of("SigningKeyId", rsaKey));
    issuer = api.baseUrl();
    rs256Token = Issuing.accessToken(rsaKey, issuer, Clock.systemUTC(), AccessTokenAlgorithm.RS256);
    es256Token = Issuing.accessToken(ecKey, issuer, Clock.systemUTC(), AccessTokenAlgorithm.ES256);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  // ---- what discovery serves

  @Test
  void metadata_advertisesRs256Only() throws Exception {
    for (String path :
        List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
      Map<String, Object> doc = Issuing.json(Issuing.get(api.uri(path)));
      assertEquals(List.of("RS256"), doc.get("id_token_signing_alg_values_supported"), path);
    }
  }

  @Test
  void jwks_servesTheKmsRsaKey_asAnRs256SigningJwk() throws Exception {
    String body = Issuing.get(api.uri(Config.JWKS_PATH)).body();
    List<Object> raw = TestJson.array(TestJson.object(body), "keys");
    assertEquals(1, raw.size());
    @SuppressWarnings("unchecked")
    Map<String, Object> members = (Map<String, Object>) raw.get(0);
    // exactly the public members: no d, p, q, dp, dq, qi
    assertEquals(Set.of("kty", "kid", "use", "alg", "n", "e"), members.keySet());
    assertEquals("RSA", members.get("kty"));
    assertEquals("RS256", members.get("alg"));
    assertEquals("sig", members.get("use"));
    assertEquals(rsaKey, members.get("kid"));
    assertEquals("AQAB", members.get("e"));

    RSAKey key = JWKSet.parse(body).getKeys().get(0).toRSAKey();
    assertEquals(KeyType.RSA, key.getKeyType());
    assertEquals(KeyUse.SIGNATURE, key.getKeyUse());
    assertEquals(JWSAlgorithm.RS256, key.getAlgorithm());
    assertFalse(key.isPrivate());
    assertEquals(2048, key.size());
    byte[] der =
        Emulator.shared().kms().getPublicKey(r -> r.keyId(rsaKey)).publicKey().asByteArray();
    RSAPublicKey kmsKey =
        (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    assertEquals(kmsKey.getModulus(), key.toRSAPublicKey().getModulus());
    assertEquals(kmsKey.getPublicExponent(), key.toRSAPublicKey().getPublicExponent());
  }

  @Test
  void jwks_publishesPreviousRsaKeys_butNoKeyOfTheOtherAlgorithm() throws Exception {
    String previousRsa = Issuing.newSigningKey(AccessTokenAlgorithm.RS256);
    try (LocalApi rotated =
        deploy(
            AccessTokenAlgorithm.RS256,
            Map.of("SigningKeyId", rsaKey, "PreviousSigningKeyIds", previousRsa + " " + ecKey))) {
      JWKSet set = JWKSet.parse(Issuing.get(rotated.uri(Config.JWKS_PATH)).body());
      assertEquals(
          List.of(rsaKey, previousRsa), set.getKeys().stream().map(JWK::getKeyID).toList());
      assertEquals(
          List.of(KeyType.RSA, KeyType.RSA), set.getKeys().stream().map(JWK::getKeyType).toList());
    }
  }

  @Test
  void rs256Deployment_withTheEcKeyAsSigner_refusesToServeTheJwks() throws Exception {
    // a misconfiguration shows at once, rather than as tokens no verifier accepts
    try (LocalApi wrong = deploy(AccessTokenAlgorithm.RS256, Map.of())) {
      HttpResponse<String> jwks = Issuing.get(wrong.uri(Config.JWKS_PATH));
      assertEquals(500, jwks.statusCode(), jwks.body());
      assertFalse(jwks.body().contains(ecKey));
    }
  }

  // ---- standard clients, given only the issuer

  static DefaultJWTProcessor<SecurityContext> nimbusProcessor(JWSAlgorithm algorithm)
      throws Exception {
    OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(new Issuer(issuer));
    assertEquals(
        List.of(JWSAlgorithm.RS256), metadata.getIDTokenJWSAlgs(), "advertised algorithms");
    JWKSource<SecurityContext> keys =
        JWKSourceBuilder.create(metadata.getJWKSetURI().toURL()).build();
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithm, keys));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            issuer + "/api",
            new JWTClaimsSet.Builder().issuer(issuer).build(),
            Set.of("sub", "exp", "iat", "jti", "client_id")));
    return processor;
  }

  @Test
  void nimbusJwkSourceAndJwtProcessor_acceptOurRs256Token() throws Exception {
    SignedJWT parsed = SignedJWT.parse(rs256Token);
    assertEquals(JWSAlgorithm.RS256, parsed.getHeader().getAlgorithm());
    assertEquals(rsaKey, parsed.getHeader().getKeyID());
    assertEquals(256, parsed.getSignature().decode().length);
    JWTClaimsSet claims = nimbusProcessor(JWSAlgorithm.RS256).process(rs256Token, null);
    assertEquals("user-1", claims.getSubject());
    assertEquals("org-9", claims.getStringClaim("pco_organization_id"));
  }

  @Test
  void nimbusRs256Processor_refusesAnEs256Token_andATamperedOne() throws Exception {
    DefaultJWTProcessor<SecurityContext> processor = nimbusProcessor(JWSAlgorithm.RS256);
    assertThrows(BadJOSEException.class, () -> processor.process(es256Token, null));
    String[] parts = rs256Token.split("\\.");
    String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
    assertThrows(BadJOSEException.class, () -> processor.process(tampered, null));
  }

  @Test
  void jose4j_acceptsOurRs256Token_underAnRs256OnlyConstraint() throws Exception {
    Map<String, Object> discovery =
        org.jose4j.json.JsonUtil.parseJson(
            Issuing.get(URI.create(issuer + "/.well-known/openid-configuration")).body());
    JwtConsumer consumer =
        new JwtConsumerBuilder()
            .setRequireExpirationTime()
            .setRequireSubject()
            .setExpectedIssuer(issuer)
            .setExpectedAudience(issuer + "/api")
            .setExpectedType(true, "at+jwt")
            .setJwsAlgorithmConstraints(
                AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
            .setVerificationKeyResolver(
                new HttpsJwksVerificationKeyResolver(
                    new HttpsJwks((String) discovery.get("jwks_uri"))))
            .build();
    JwtClaims claims = consumer.processToClaims(rs256Token);
    assertEquals("person-8", claims.getStringClaimValue("pco_person_id"));
    assertThrows(InvalidJwtException.class, () -> consumer.processToClaims(es256Token));
  }

  // ---- our verifier, configured as a resource server of each deployment

  static AccessTokenVerifier ourVerifier(AccessTokenAlgorithm algorithm, String jwksIssuer) {
    return AccessTokenVerifier.fromEnvironment(
        Map.of(
            Config.ISSUER,
            jwksIssuer,
            Config.ACCESS_TOKEN_ALGORITHM,
            algorithm.name(),
            Config.REVOCATION_CHECK,
            "none"));
  }

  @Test
  void ourRs256Verifier_acceptsRs256_refusesEs256() {
    AccessTokenVerifier verifier = ourVerifier(AccessTokenAlgorithm.RS256, issuer);
    assertInstanceOf(Verification.Valid.class, verifier.verify(rs256Token));
    assertEquals(
        Verification.Reason.ALGORITHM,
        assertInstanceOf(Verification.Invalid.class, verifier.verify(es256Token)).reason());
  }

  @Test
  void ourEs256Verifier_refusesRs256_evenFromTheSameIssuer() {
    AccessTokenVerifier verifier = ourVerifier(AccessTokenAlgorithm.ES256, issuer);
    assertEquals(
        Verification.Reason.ALGORITHM,
        assertInstanceOf(Verification.Invalid.class, verifier.verify(rs256Token)).reason());
  }
}
