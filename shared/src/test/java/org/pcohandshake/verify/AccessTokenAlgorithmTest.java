package org.pcohandshake.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config.AccessTokenAlgorithm;

/**
 * One algorithm per deployment: an RS256 verifier accepts RS256 tokens and nothing else, an ES256
 * verifier ES256 tokens and nothing else, even when the JWKS holds keys of both kinds.
 */
class AccessTokenAlgorithmTest {

  static RSAKey rsaKey;
  static RSAKey otherRsaKey;
  static ECKey ecKey;

  @BeforeAll
  static void keys() throws Exception {
    rsaKey = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    otherRsaKey = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
    ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
  }

  /** A verifier whose JWKS holds both an RSA and an EC key, as a careless key set might. */
  static AccessTokenVerifier verifier(AccessTokenAlgorithm algorithm, JWKSet keys) {
    return new AccessTokenVerifier(
        new ImmutableJWKSet<>(keys),
        algorithm,
        AccessTokenVerifierTest.ISSUER,
        AccessTokenVerifierTest.AUDIENCE,
        Duration.ofSeconds(60),
        GrantCheck.none(),
        AccessTokenVerifierTest.CLOCK);
  }

  static AccessTokenVerifier verifier(AccessTokenAlgorithm algorithm) {
    return verifier(algorithm, new JWKSet(List.of(rsaKey.toPublicJWK(), ecKey.toPublicJWK())));
  }

  static JWSHeader header(JWSAlgorithm alg, String kid) {
    return new JWSHeader.Builder(alg).type(new JOSEObjectType("at+jwt")).keyID(kid).build();
  }

  static String sign(JWSHeader header, JWSSigner signer) throws Exception {
    SignedJWT jwt = new SignedJWT(header, AccessTokenVerifierTest.claims().build());
    jwt.sign(signer);
    return jwt.serialize();
  }

  static String rs256() throws Exception {
    return sign(header(JWSAlgorithm.RS256, rsaKey.getKeyID()), new RSASSASigner(rsaKey));
  }

  static String es256() throws Exception {
    return sign(header(JWSAlgorithm.ES256, ecKey.getKeyID()), new ECDSASigner(ecKey));
  }

  static Verification.Reason refusal(AccessTokenAlgorithm algorithm, String token) {
    return assertInstanceOf(Verification.Invalid.class, verifier(algorithm).verify(token)).reason();
  }

  // ---- each deployment accepts its own algorithm

  @Test
  void rs256Deployment_acceptsRs256Tokens_withEveryClaim() throws Exception {
    Verification result = verifier(AccessTokenAlgorithm.RS256).verify(rs256());
    AccessTokenClaims claims = assertInstanceOf(Verification.Valid.class, result).claims();
    assertEquals("user-1", claims.subject());
    assertEquals("grant-1", claims.grantId());
  }

  @Test
  void es256Deployment_acceptsEs256Tokens() throws Exception {
    assertInstanceOf(
        Verification.Valid.class, verifier(AccessTokenAlgorithm.ES256).verify(es256()));
  }

  // ---- and nothing else: algorithm confusion, both ways

  @Test
  void rs256Deployment_refusesEs256Tokens_evenWithTheEcKeyInItsJwks() throws Exception {
    assertEquals(Verification.Reason.ALGORITHM, refusal(AccessTokenAlgorithm.RS256, es256()));
  }

  @Test
  void es256Deployment_refusesRs256Tokens_evenWithTheRsaKeyInItsJwks() throws Exception {
    assertEquals(Verification.Reason.ALGORITHM, refusal(AccessTokenAlgorithm.ES256, rs256()));
  }

  @Test
  void rightAlgorithm_butKidOfAKeyOfTheOtherKind_isAnUnknownKey() throws Exception {
    // RS256 naming the EC key: the EC key is never a candidate for an RS256 signature
    String rsNamingEc =
        sign(header(JWSAlgorithm.RS256, ecKey.getKeyID()), new RSASSASigner(rsaKey));
    assertEquals(Verification.Reason.UNKNOWN_KEY, refusal(AccessTokenAlgorithm.RS256, rsNamingEc));
    String esNamingRsa =
        sign(header(JWSAlgorithm.ES256, rsaKey.getKeyID()), new ECDSASigner(ecKey));
    assertEquals(Verification.Reason.UNKNOWN_KEY, refusal(AccessTokenAlgorithm.ES256, esNamingRsa));
  }

  @Test
  void rs256Deployment_refusesNone() throws Exception {
    PlainJWT unsigned =
        new PlainJWT(
            new PlainHeader.Builder().type(new JOSEObjectType("at+jwt")).build(),
            AccessTokenVerifierTest.claims().build());
    assertEquals(
        Verification.Reason.ALGORITHM, refusal(AccessTokenAlgorithm.RS256, unsigned.serialize()));
    assertEquals(
        Verification.Reason.ALGORITHM,
        refusal(AccessTokenAlgorithm.RS256, unsigned.serialize() + "c2lnbmF0dXJl"));
  }

  @Test
  void rs256Deployment_refusesHs256WithTheRsaPublicKeyAsHmacSecret() throws Exception {
    // the classic RS256 -> HS256 confusion: the public key, as served, used as the HMAC secret
    for (byte[] secret :
        List.of(
            rsaKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
            rsaKey.toRSAPublicKey().getEncoded())) {
      for (JWSAlgorithm hmac :
          List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
        String forged = sign(header(hmac, rsaKey.getKeyID()), new MACSigner(secret));
        assertTrue(SignedJWT.parse(forged).verify(new MACVerifier(secret)));
        assertEquals(
            Verification.Reason.ALGORITHM,
            refusal(AccessTokenAlgorithm.RS256, forged),
            hmac.getName());
      }
    }
  }

  @Test
  void rs256Deployment_refusesOtherRsaAlgorithms_withTheSameKey() throws Exception {
    for (JWSAlgorithm other :
        List.of(JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS512)) {
      String token = sign(header(other, rsaKey.getKeyID()), new RSASSASigner(rsaKey));
      assertEquals(
          Verification.Reason.ALGORITHM,
          refusal(AccessTokenAlgorithm.RS256, token),
          other.getName());
    }
  }

  // ---- RS256 signatures and keys

  @Test
  void rs256_tamperedPayload_orSignedByAnotherKey_failsTheSignature() throws Exception {
    String[] parts = rs256().split("\\.");
    String admin =
        Base64URL.encode(
                AccessTokenVerifierTest.claims()
                    .subject("admin")
                    .build()
                    .toString()
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    assertEquals(
        Verification.Reason.SIGNATURE,
        refusal(AccessTokenAlgorithm.RS256, parts[0] + "." + admin + "." + parts[2]));
    String impostor =
        sign(header(JWSAlgorithm.RS256, rsaKey.getKeyID()), new RSASSASigner(otherRsaKey));
    assertEquals(Verification.Reason.SIGNATURE, refusal(AccessTokenAlgorithm.RS256, impostor));
  }

  @Test
  void rs256_unknownKid_isRefused() throws Exception {
    String token =
        sign(header(JWSAlgorithm.RS256, otherRsaKey.getKeyID()), new RSASSASigner(otherRsaKey));
    assertEquals(Verification.Reason.UNKNOWN_KEY, refusal(AccessTokenAlgorithm.RS256, token));
  }

  @Test
  void rs256_jwkForAnotherAlgorithm_isNotACandidate() throws Exception {
    RSAKey publishedForPs256 =
        new RSAKey.Builder(rsaKey.toRSAPublicKey())
            .keyID(rsaKey.getKeyID())
            .algorithm(JWSAlgorithm.PS256)
            .build();
    AccessTokenVerifier verifier =
        verifier(AccessTokenAlgorithm.RS256, new JWKSet(publishedForPs256));
    assertEquals(
        Verification.Reason.UNKNOWN_KEY,
        assertInstanceOf(Verification.Invalid.class, verifier.verify(rs256())).reason());
  }

  @Test
  void rs256_weakRsaKeyInTheJwks_isNotTrusted() throws Exception {
    RSAKey weak = new RSAKeyGenerator(1024, true).keyID("weak").generate();
    AccessTokenVerifier verifier =
        verifier(AccessTokenAlgorithm.RS256, new JWKSet(weak.toPublicJWK()));
    String token = sign(header(JWSAlgorithm.RS256, "weak"), new RSASSASigner(weak, true));
    assertEquals(
        Verification.Reason.UNKNOWN_KEY,
        assertInstanceOf(Verification.Invalid.class, verifier.verify(token)).reason());
  }
}
