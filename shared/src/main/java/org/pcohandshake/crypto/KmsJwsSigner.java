package org.pcohandshake.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.pcohandshake.config.Config.AccessTokenAlgorithm;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * Signs JWTs with a KMS key, in the deployment's one algorithm. The private key never leaves KMS:
 * the JWS signing input goes to {@code kms:Sign} with message type RAW (KMS hashes it with SHA-256;
 * the input is a few hundred bytes, far below the 4 KB RAW limit).
 *
 * <ul>
 *   <li>{@link AccessTokenAlgorithm#ES256}: an ECC_NIST_P256 key, {@code ECDSA_SHA_256}; the DER
 *       signature KMS returns is transcoded to the 64-byte JOSE form (R || S).
 *   <li>{@link AccessTokenAlgorithm#RS256}: an RSA key (RSA_2048), {@code
 *       RSASSA_PKCS1_V1_5_SHA_256}; KMS returns the signature as JOSE uses it, as is.
 * </ul>
 */
public final class KmsJwsSigner {

  private final KmsClient kms;
  private final String keyId;
  private final String kid;
  private final AccessTokenAlgorithm algorithm;

  /**
   * @param keyId the KMS key id or ARN
   * @param kid the JWS {@code kid}: the key's id as published in the JWKS
   * @param algorithm the deployment's access-token algorithm; the key must be of its kind
   */
  public KmsJwsSigner(KmsClient kms, String keyId, String kid, AccessTokenAlgorithm algorithm) {
    this.kms = kms;
    this.keyId = keyId;
    this.kid = kid;
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
  }

  /**
   * Signs the claims with header {@code alg} (the configured algorithm), {@code typ: at+jwt}, kid.
   */
  public String sign(JWTClaimsSet claims) {
    JWSHeader header =
        new JWSHeader.Builder(algorithm.jwsAlgorithm())
            .type(new JOSEObjectType("at+jwt"))
            .keyID(kid)
            .build();
    String signingInput =
        header.toBase64URL()
            + "."
            + Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8));
    byte[] signature =
        kms.sign(
                r ->
                    r.keyId(keyId)
                        .messageType(MessageType.RAW)
                        .signingAlgorithm(kmsSigningAlgorithm(algorithm))
                        .message(SdkBytes.fromString(signingInput, StandardCharsets.US_ASCII)))
            .signature()
            .asByteArray();
    return signingInput + "." + Base64URL.encode(joseSignature(signature));
  }

  private byte[] joseSignature(byte[] kmsSignature) {
    return switch (algorithm) {
      case ES256 -> {
        try {
          yield ECDSA.transcodeSignatureToConcat(kmsSignature, 64);
        } catch (JOSEException e) {
          throw new IllegalStateException("KMS returned a signature that is not DER ECDSA", e);
        }
      }
      case RS256 -> kmsSignature;
    };
  }

  /** The KMS signing algorithm that computes the JWS algorithm over a RAW message. */
  static SigningAlgorithmSpec kmsSigningAlgorithm(AccessTokenAlgorithm algorithm) {
    return switch (algorithm) {
      case ES256 -> SigningAlgorithmSpec.ECDSA_SHA_256;
      case RS256 -> SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256;
    };
  }

  public String kid() {
    return kid;
  }

  public AccessTokenAlgorithm algorithm() {
    return algorithm;
  }
}
