package org.pcohandshake.discovery;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.Config.AccessTokenAlgorithm;
import org.pcohandshake.log.Log;
import org.pcohandshake.verify.AccessTokenVerifier;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * The public halves of the signing keys as a JWKS, from {@code kms:GetPublicKey}: the current
 * signer first, then the previous ones (still verifying tokens they signed until those expire).
 * Each JWK has {@code kid} = the configured key id (what the signer puts in the JWS header) and
 * {@code use=sig}; its type comes from the key itself (the DER SubjectPublicKeyInfo KMS returns):
 * an EC P-256 key is published as {@code kty=EC, crv=P-256, alg=ES256}, an RSA key (2048 bits or
 * more) as {@code kty=RSA, n, e, alg=RS256}. Any other key is a configuration error.
 *
 * <p>A deployment has one access-token algorithm ({@code ACCESS_TOKEN_ALGORITHM}) and its verifiers
 * accept no other, so the set holds only keys of that algorithm: the current signer must be one
 * (otherwise this throws, naming the mismatch), and a previous key of the other algorithm is left
 * out with a warning (tokens it signed would be refused anyway).
 *
 * <p>A KMS key's public key never changes and the key list comes from the environment, so the set
 * is built once per Lambda instance. A previous key that KMS no longer serves (deleted, pending
 * deletion, disabled) is left out with a warning; any other failure propagates, so that the next
 * request retries.
 */
public final class KmsPublicKeys {

  /** rsaEncryption, 1.2.840.113549.1.1.1, as a DER OBJECT IDENTIFIER (tag, length, value). */
  private static final byte[] RSA_ENCRYPTION = {
    0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01
  };

  /** id-ecPublicKey, 1.2.840.10045.2.1, as a DER OBJECT IDENTIFIER. */
  private static final byte[] EC_PUBLIC_KEY = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  private final KmsClient kms;
  private final List<String> keyIds;
  private final AccessTokenAlgorithm algorithm;
  private volatile JWKSet cached;

  /**
   * @param algorithm the deployment's access-token algorithm: the signer must be a key for it, and
   *     only keys for it are published
   */
  public KmsPublicKeys(
      KmsClient kms,
      String signingKeyId,
      List<String> previousKeyIds,
      AccessTokenAlgorithm algorithm) {
    this.kms = kms;
    Set<String> ids = new LinkedHashSet<>();
    ids.add(signingKeyId);
    ids.addAll(previousKeyIds);
    this.keyIds = List.copyOf(ids);
    this.algorithm = algorithm;
  }

  /** The JWKS (public keys only). */
  public JWKSet jwkSet() {
    JWKSet keys = cached;
    if (keys == null) {
      keys = load();
      cached = keys;
    }
    return keys;
  }

  private JWKSet load() {
    List<JWK> keys = new ArrayList<>();
    for (int i = 0; i < keyIds.size(); i++) {
      String keyId = keyIds.get(i);
      JWK key;
      try {
        key = publicKey(keyId);
      } catch (NotFoundException | DisabledException | KmsInvalidStateException e) {
        if (i == 0) {
          throw e; // the current signer must be published
        }
        Log.warn(
            "-",
            "jwks_key_unavailable",
            Map.of("keyId", keyId, "error", e.getClass().getSimpleName()));
        continue;
      }
      JWSAlgorithm expected = algorithm.jwsAlgorithm();
      if (!expected.equals(key.getAlgorithm())) {
        if (i == 0) {
          // the log keeps no exception messages, so the mismatch is logged as an event of its own
          Log.warn(
              "-",
              "signing_key_algorithm_mismatch",
              Map.of(
                  "keyId", keyId,
                  "keyAlgorithm", key.getAlgorithm().getName(),
                  "accessTokenAlgorithm", algorithm.name(),
                  "expectedKeySpec", algorithm.kmsKeySpec()));
          throw new IllegalStateException(
              Config.SIGNING_KEY_ID
                  + " "
                  + keyId
                  + " is a key for "
                  + key.getAlgorithm()
                  + ", but "
                  + Config.ACCESS_TOKEN_ALGORITHM
                  + " is "
                  + algorithm
                  + " (create a "
                  + algorithm.kmsKeySpec()
                  + " SIGN_VERIFY key for it)");
        }
        Log.warn(
            "-",
            "jwks_key_other_algorithm",
            Map.of(
                "keyId", keyId,
                "keyAlgorithm", key.getAlgorithm().getName(),
                "accessTokenAlgorithm", algorithm.name()));
        continue;
      }
      keys.add(key);
    }
    return new JWKSet(keys);
  }

  private JWK publicKey(String keyId) {
    GetPublicKeyResponse response = kms.getPublicKey(r -> r.keyId(keyId));
    String usage = response.keyUsageAsString();
    if (usage != null && !usage.equals("SIGN_VERIFY")) {
      throw new IllegalStateException("KMS key " + keyId + " is not a SIGN_VERIFY key: " + usage);
    }
    byte[] der = response.publicKey().asByteArray();
    try {
      if (algorithmIs(der, RSA_ENCRYPTION)) {
        return rsaKey(keyId, der);
      }
      if (algorithmIs(der, EC_PUBLIC_KEY)) {
        return ecKey(keyId, der);
      }
    } catch (GeneralSecurityException | ClassCastException | IllegalArgumentException e) {
      throw new IllegalStateException("KMS key " + keyId + " has an unreadable public key", e);
    }
    throw new IllegalStateException(
        "KMS key "
            + keyId
            + " is neither an RSA nor an EC signing key (key spec "
            + response.keySpecAsString()
            + ")");
  }

  private static RSAKey rsaKey(String keyId, byte[] der) throws GeneralSecurityException {
    RSAPublicKey publicKey =
        (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    if (publicKey.getModulus().bitLength() < AccessTokenVerifier.MIN_RSA_KEY_BITS) {
      throw new IllegalStateException(
          "KMS key "
              + keyId
              + " is an RSA key of fewer than "
              + AccessTokenVerifier.MIN_RSA_KEY_BITS
              + " bits");
    }
    return new RSAKey.Builder(publicKey)
        .keyID(keyId)
        .keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.RS256)
        .build();
  }

  private static ECKey ecKey(String keyId, byte[] der) throws GeneralSecurityException {
    ECPublicKey publicKey =
        (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    if (!Curve.P_256.equals(Curve.forECParameterSpec(publicKey.getParams()))) {
      throw new IllegalStateException(
          "KMS key " + keyId + " is an EC key on another curve than P-256 (ECC_NIST_P256)");
    }
    return new ECKey.Builder(Curve.P_256, publicKey)
        .keyID(keyId)
        .keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.ES256)
        .build();
  }

  /**
   * Whether a DER SubjectPublicKeyInfo names this algorithm: {@code SEQUENCE { SEQUENCE { algorithm
   * OBJECT IDENTIFIER, parameters ANY } , subjectPublicKey BIT STRING }}.
   */
  static boolean algorithmIs(byte[] spki, byte[] oid) {
    int outer = contentStart(spki, 0, 0x30);
    if (outer < 0) {
      return false;
    }
    int algorithmIdentifier = contentStart(spki, outer, 0x30);
    if (algorithmIdentifier < 0 || algorithmIdentifier + oid.length > spki.length) {
      return false;
    }
    return Arrays.equals(
        spki, algorithmIdentifier, algorithmIdentifier + oid.length, oid, 0, oid.length);
  }

  /** Where the contents of the DER element at {@code at} start, or -1 if it is not {@code tag}. */
  private static int contentStart(byte[] der, int at, int tag) {
    if (at + 2 > der.length || (der[at] & 0xff) != tag) {
      return -1;
    }
    int length = der[at + 1] & 0xff;
    if (length < 0x80) {
      return at + 2;
    }
    int lengthBytes = length & 0x7f;
    return lengthBytes == 0 || lengthBytes > 4 ? -1 : at + 2 + lengthBytes;
  }
}
