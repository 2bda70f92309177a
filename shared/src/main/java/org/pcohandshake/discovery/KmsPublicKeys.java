package org.pcohandshake.discovery;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pcohandshake.log.Log;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * The public halves of the signing keys as a JWKS, from {@code kms:GetPublicKey}: the current
 * signer first, then the previous ones (still verifying tokens they signed until those expire).
 * Each is an EC P-256 JWK with {@code kid} = the configured key id (what the signer puts in the JWS
 * header), {@code use=sig}, {@code alg=ES256}.
 *
 * <p>A KMS key's public key never changes and the key list comes from the environment, so the set
 * is built once per Lambda instance. A previous key that KMS no longer serves (deleted, pending
 * deletion, disabled) is left out with a warning; any other failure propagates, so that the next
 * request retries.
 */
public final class KmsPublicKeys {

  private final KmsClient kms;
  private final List<String> keyIds;
  private volatile JWKSet cached;

  public KmsPublicKeys(KmsClient kms, String signingKeyId, List<String> previousKeyIds) {
    this.kms = kms;
    Set<String> ids = new LinkedHashSet<>();
    ids.add(signingKeyId);
    ids.addAll(previousKeyIds);
    this.keyIds = List.copyOf(ids);
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
      try {
        keys.add(publicKey(keyId));
      } catch (NotFoundException | DisabledException | KmsInvalidStateException e) {
        if (i == 0) {
          throw e; // the current signer must be published
        }
        Log.warn(
            "-",
            "jwks_key_unavailable",
            Map.of("keyId", keyId, "error", e.getClass().getSimpleName()));
      }
    }
    return new JWKSet(keys);
  }

  private ECKey publicKey(String keyId) {
    GetPublicKeyResponse response = kms.getPublicKey(r -> r.keyId(keyId));
    String spec = response.keySpecAsString();
    if (spec != null && !spec.equals("ECC_NIST_P256")) {
      throw new IllegalStateException(
          "KMS key " + keyId + " is " + spec + ", not an ECC_NIST_P256 signing key");
    }
    try {
      ECPublicKey publicKey =
          (ECPublicKey)
              KeyFactory.getInstance("EC")
                  .generatePublic(new X509EncodedKeySpec(response.publicKey().asByteArray()));
      return new ECKey.Builder(Curve.P_256, publicKey)
          .keyID(keyId)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.ES256)
          .build();
    } catch (GeneralSecurityException | ClassCastException | IllegalArgumentException e) {
      throw new IllegalStateException("KMS key " + keyId + " has no P-256 public key", e);
    }
  }
}
