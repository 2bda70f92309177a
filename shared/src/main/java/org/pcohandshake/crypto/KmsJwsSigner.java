package org.pcohandshake.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.pcohandshake.config.Config.AccessTokenAlgorithm;
import org.pcohandshake.json.Json;
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
 *
 * <p>The header is written once, at init, without a JSON mapper.
 */
public final class KmsJwsSigner {

  private final KmsClient kms;
  private final String keyId;
  private final String kid;
  private final AccessTokenAlgorithm algorithm;
  private final String encodedHeader;

  /** An ES256 signer. */
  public KmsJwsSigner(KmsClient kms, String keyId, String kid) {
    this(kms, keyId, kid, AccessTokenAlgorithm.ES256);
  }

  /**
   * @param keyId the KMS key id, ARN or alias
   * @param kid the JWS {@code kid}: the key's id as published in the JWKS
   * @param algorithm the deployment's access-token algorithm; the key must be of its kind
   */
  public KmsJwsSigner(KmsClient kms, String keyId, String kid, AccessTokenAlgorithm algorithm) {
    this.kms = kms;
    this.keyId = keyId;
    this.kid = kid;
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", algorithm.name());
    header.put("typ", "at+jwt");
    header.put("kid", kid);
    this.encodedHeader = Base64URL.encode(Json.write(header)).toString();
  }

  /** Signs the claims with header {@code alg, typ: at+jwt, kid}. */
  public String sign(JWTClaimsSet claims) {
    return signEncoded(claims.toString());
  }

  /**
   * Signs claims given as plain JSON values (strings, numbers, lists), written without a mapper:
   * what the token endpoint uses on its hot path.
   */
  public String sign(Map<String, Object> claims) {
    return signEncoded(Json.write(claims));
  }

  private String signEncoded(String claimsJson) {
    String signingInput =
        encodedHeader + "." + Base64URL.encode(claimsJson.getBytes(StandardCharsets.UTF_8));
    return signingInput + "." + Base64URL.encode(signature(signingInput));
  }

  /**
   * Runs the signing path once, for a SnapStart snapshot: KMS signs a constant that is not a JWS
   * (so the signature is worth nothing), and the answer is transcoded and dropped.
   */
  public void prime() {
    signature("pco-handshake snapstart priming: not a token");
  }

  /** KMS's signature of the input, in the JOSE form of the algorithm. */
  private byte[] signature(String signingInput) {
    byte[] signature =
        kms.sign(
                r ->
                    r.keyId(keyId)
                        .messageType(MessageType.RAW)
                        .signingAlgorithm(kmsSigningAlgorithm(algorithm))
                        .message(SdkBytes.fromString(signingInput, StandardCharsets.US_ASCII)))
            .signature()
            .asByteArray();
    return switch (algorithm) {
      case ES256 -> {
        try {
          yield ECDSA.transcodeSignatureToConcat(signature, 64);
        } catch (JOSEException e) {
          throw new IllegalStateException("KMS returned a signature that is not DER ECDSA", e);
        }
      }
      case RS256 -> signature;
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
