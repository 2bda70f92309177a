package org.pcohandshake.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * What RS256 access tokens need from the emulator's KMS, checked against the JDK rather than
 * trusted: an RSA_2048 SIGN_VERIFY key, its public key as DER, and RAW signing with
 * RSASSA_PKCS1_V1_5_SHA_256 that produces exactly the RS256 signature of the message.
 */
class KmsRsaSigningIT {

  static final byte[] SIGNING_INPUT =
      "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJ1c2VyLTEifQ"
          .getBytes(StandardCharsets.US_ASCII);

  static byte[] sign(KmsClient kms, String keyId, byte[] message) {
    return kms.sign(
            r ->
                r.keyId(keyId)
                    .messageType(MessageType.RAW)
                    .signingAlgorithm(SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256)
                    .message(SdkBytes.fromByteArray(message)))
        .signature()
        .asByteArray();
  }

  @Test
  void rsa2048Key_signsRawMessages_asRs256() throws Exception {
    try (KmsClient kms = Emulator.shared().kms()) {
      String keyId =
          kms.createKey(r -> r.keySpec("RSA_2048").keyUsage("SIGN_VERIFY")).keyMetadata().keyId();

      GetPublicKeyResponse publicKey = kms.getPublicKey(r -> r.keyId(keyId));
      assertEquals("SIGN_VERIFY", publicKey.keyUsageAsString());
      assertTrue(
          publicKey.signingAlgorithms().contains(SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256));
      RSAPublicKey rsa =
          (RSAPublicKey)
              KeyFactory.getInstance("RSA")
                  .generatePublic(new X509EncodedKeySpec(publicKey.publicKey().asByteArray()));
      assertEquals(2048, rsa.getModulus().bitLength());
      assertEquals(BigInteger.valueOf(65537), rsa.getPublicExponent());

      byte[] signature = sign(kms, keyId, SIGNING_INPUT);
      assertEquals(256, signature.length);
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(rsa);
      rs256.update(SIGNING_INPUT);
      assertTrue(rs256.verify(signature), "KMS's RAW signature is not RS256 of the message");
      // PKCS#1 v1.5 is deterministic: the same input, the same signature
      assertArrayEquals(signature, sign(kms, keyId, SIGNING_INPUT));

      byte[] other = "something.else".getBytes(StandardCharsets.US_ASCII);
      rs256.initVerify(rsa);
      rs256.update(other);
      assertFalse(rs256.verify(signature));
    }
  }
}
