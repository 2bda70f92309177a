package org.pcohandshake.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config.AccessTokenAlgorithm;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GetPublicKeyRequest;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * The JWK type comes from the DER public key KMS returns, and only keys of the deployment's
 * algorithm are published. (The emulator tests cover real KMS keys; this covers the keys KMS would
 * never hand out, such as short RSA keys.)
 */
class KmsPublicKeysTest {

  /** GetPublicKey answers from a map of key id to (public key, key usage). */
  record FakeKms(Map<String, GetPublicKeyResponse> keys) implements KmsClient {
    @Override
    public GetPublicKeyResponse getPublicKey(GetPublicKeyRequest request) {
      GetPublicKeyResponse response = keys.get(request.keyId());
      if (response == null) {
        throw NotFoundException.builder().message("no such key").build();
      }
      return response;
    }

    @Override
    public String serviceName() {
      return "kms";
    }

    @Override
    public void close() {}
  }

  static PublicKey rsa(int bits) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    return generator.generateKeyPair().getPublic();
  }

  static PublicKey ec(String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    return generator.generateKeyPair().getPublic();
  }

  /** As moto answers: no KeySpec field, so the DER alone must say what the key is. */
  static GetPublicKeyResponse answer(PublicKey key, String usage) {
    return GetPublicKeyResponse.builder()
        .publicKey(SdkBytes.fromByteArray(key.getEncoded()))
        .keyUsage(usage)
        .build();
  }

  static GetPublicKeyResponse answer(PublicKey key) {
    return answer(key, "SIGN_VERIFY");
  }

  static JWKSet jwks(
      AccessTokenAlgorithm algorithm, Map<String, GetPublicKeyResponse> keys, String... ids) {
    List<String> previous = List.of(ids).subList(1, ids.length);
    return new KmsPublicKeys(new FakeKms(keys), ids[0], previous, algorithm).jwkSet();
  }

  @Test
  void rsaKey_isPublishedAsAnRs256Jwk() throws Exception {
    PublicKey key = rsa(2048);
    JWKSet set = jwks(AccessTokenAlgorithm.RS256, Map.of("rsa", answer(key)), "rsa");
    RSAKey jwk = set.getKeys().get(0).toRSAKey();
    assertEquals(KeyType.RSA, jwk.getKeyType());
    assertEquals("rsa", jwk.getKeyID());
    assertEquals(KeyUse.SIGNATURE, jwk.getKeyUse());
    assertEquals(JWSAlgorithm.RS256, jwk.getAlgorithm());
    assertEquals(key, jwk.toRSAPublicKey());
    assertFalse(jwk.isPrivate());
    assertEquals("RSA", jwk.toJSONObject().get("kty"));
    assertTrue(jwk.toJSONObject().keySet().containsAll(List.of("n", "e", "alg", "use", "kid")));
  }

  @Test
  void p256Key_isPublishedAsAnEs256Jwk() throws Exception {
    PublicKey key = ec("secp256r1");
    ECKey jwk =
        jwks(AccessTokenAlgorithm.ES256, Map.of("ec", answer(key)), "ec")
            .getKeys()
            .get(0)
            .toECKey();
    assertEquals(Curve.P_256, jwk.getCurve());
    assertEquals(JWSAlgorithm.ES256, jwk.getAlgorithm());
    assertEquals(key, jwk.toECPublicKey());
  }

  @Test
  void signerOfTheOtherKind_isAConfigurationError_namingBoth() throws Exception {
    Map<String, GetPublicKeyResponse> keys =
        Map.of("ec", answer(ec("secp256r1")), "rsa", answer(rsa(2048)));
    IllegalStateException rsaWanted =
        assertThrows(
            IllegalStateException.class, () -> jwks(AccessTokenAlgorithm.RS256, keys, "ec"));
    assertTrue(rsaWanted.getMessage().contains("ACCESS_TOKEN_ALGORITHM is RS256"));
    assertTrue(rsaWanted.getMessage().contains("RSA_2048"), rsaWanted.getMessage());
    IllegalStateException ecWanted =
        assertThrows(
            IllegalStateException.class, () -> jwks(AccessTokenAlgorithm.ES256, keys, "rsa"));
    assertTrue(ecWanted.getMessage().contains("ECC_NIST_P256"), ecWanted.getMessage());
  }

  @Test
  void previousKeyOfTheOtherKind_isLeftOut() throws Exception {
    Map<String, GetPublicKeyResponse> keys = new HashMap<>();
    keys.put("rsa-new", answer(rsa(2048)));
    keys.put("ec-old", answer(ec("secp256r1")));
    keys.put("rsa-old", answer(rsa(2048)));
    JWKSet set = jwks(AccessTokenAlgorithm.RS256, keys, "rsa-new", "ec-old", "rsa-old");
    assertEquals(List.of("rsa-new", "rsa-old"), set.getKeys().stream().map(JWK::getKeyID).toList());
  }

  @Test
  void keysNoVerifierMayTrust_areRefused() throws Exception {
    for (var bad :
        List.of(
            answer(rsa(1024)),
            answer(ec("secp384r1")),
            answer(rsa(2048), "ENCRYPT_DECRYPT"),
            GetPublicKeyResponse.builder()
                .publicKey(SdkBytes.fromByteArray(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}))
                .build())) {
      for (AccessTokenAlgorithm algorithm : AccessTokenAlgorithm.values()) {
        assertThrows(IllegalStateException.class, () -> jwks(algorithm, Map.of("bad", bad), "bad"));
      }
    }
  }

  @Test
  void derAlgorithmIdentifier_isRead() throws Exception {
    byte[] rsaOid = {
      0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01
    };
    assertTrue(KmsPublicKeys.algorithmIs(rsa(2048).getEncoded(), rsaOid));
    assertTrue(KmsPublicKeys.algorithmIs(rsa(3072).getEncoded(), rsaOid));
    assertFalse(KmsPublicKeys.algorithmIs(ec("secp256r1").getEncoded(), rsaOid));
    assertFalse(KmsPublicKeys.algorithmIs(new byte[0], rsaOid));
    assertFalse(KmsPublicKeys.algorithmIs(new byte[] {0x30, (byte) 0x80}, rsaOid));
  }
}
