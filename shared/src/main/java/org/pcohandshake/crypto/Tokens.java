package org.pcohandshake.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random secrets (codes, refresh tokens, session ids, form tokens) and the hashes we store instead
 * of them. 256 bits of randomness, base64url without padding (43 characters).
 */
public final class Tokens {

  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  // Created lazily, not at class init, so that no random state is captured in a snapshot.
  private static final class Holder {
    static final SecureRandom RANDOM = new SecureRandom();
  }

  private Tokens() {}

  /** A new 256-bit random value, base64url. */
  public static String random() {
    byte[] bytes = new byte[32];
    Holder.RANDOM.nextBytes(bytes);
    return URL.encodeToString(bytes);
  }

  /** A new random identifier (128 bits), base64url; for ids that are not secrets. */
  public static String id() {
    byte[] bytes = new byte[16];
    Holder.RANDOM.nextBytes(bytes);
    return URL.encodeToString(bytes);
  }

  /** SHA-256 of the UTF-8 text, base64url: the only form in which secrets are stored. */
  public static TokenHash hash(String secret) {
    return new TokenHash(URL.encodeToString(sha256(secret.getBytes(StandardCharsets.UTF_8))));
  }

  public static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Constant-time comparison of two strings' UTF-8 bytes. */
  public static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether the value looks like one of ours (43 base64url characters). */
  public static boolean wellFormed(String value) {
    return value != null && value.length() == 43 && value.matches("[A-Za-z0-9_-]{43}");
  }
}
