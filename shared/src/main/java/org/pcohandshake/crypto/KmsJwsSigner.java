package org.pcohandshake.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * Signs JWTs with an ECC_NIST_P256 KMS key (ES256). The private key never leaves KMS: the JWS
 * signing input goes to {@code kms:Sign} (message type RAW, so KMS hashes it with SHA-256), and the
 * DER signature KMS returns is transcoded to the 64-byte JOSE form.
 */
public final class KmsJwsSigner {

  private final KmsClient kms;
  private final String keyId;
  private final String kid;

  /**
   * @param keyId the KMS key id, ARN or alias
   * @param kid the JWS {@code kid}: the key's id as published in the JWKS
   */
  public KmsJwsSigner(KmsClient kms, String keyId, String kid) {
    this.kms = kms;
    this.keyId = keyId;
    this.kid = kid;
  }

  /** Signs the claims with header {@code alg: ES256, typ: at+jwt, kid}. */
  public String sign(JWTClaimsSet claims) {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.ES256)
            .type(new JOSEObjectType("at+jwt"))
            .keyID(kid)
            .build();
    String signingInput =
        header.toBase64URL()
            + "."
            + Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8));
    byte[] der =
        kms.sign(
                r ->
                    r.keyId(keyId)
                        .messageType(MessageType.RAW)
                        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
                        .message(SdkBytes.fromString(signingInput, StandardCharsets.US_ASCII)))
            .signature()
            .asByteArray();
    try {
      byte[] jose = ECDSA.transcodeSignatureToConcat(der, 64);
      return signingInput + "." + Base64URL.encode(jose);
    } catch (JOSEException e) {
      throw new IllegalStateException("KMS returned a signature that is not DER ECDSA", e);
    }
  }

  public String kid() {
    return kid;
  }
}
