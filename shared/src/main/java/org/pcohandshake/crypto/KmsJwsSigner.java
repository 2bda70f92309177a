package org.pcohandshake.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pcohandshake.json.Json;
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
  private final String encodedHeader;

  /**
   * @param keyId the KMS key id, ARN or alias
   * @param kid the JWS {@code kid}: the key's id as published in the JWKS
   */
  public KmsJwsSigner(KmsClient kms, String keyId, String kid) {
    this.kms = kms;
    this.keyId = keyId;
    this.kid = kid;
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "ES256");
    header.put("typ", "at+jwt");
    header.put("kid", kid);
    this.encodedHeader = Base64URL.encode(Json.write(header)).toString();
  }

  /** Signs the claims with header {@code alg: ES256, typ: at+jwt, kid}. */
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

  /** KMS's DER signature of the input, as the 64-byte JOSE form. */
  private byte[] signature(String signingInput) {
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
      return ECDSA.transcodeSignatureToConcat(der, 64);
    } catch (JOSEException e) {
      throw new IllegalStateException("KMS returned a signature that is not DER ECDSA", e);
    }
  }

  public String kid() {
    return kid;
  }
}
