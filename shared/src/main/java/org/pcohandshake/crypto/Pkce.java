package org.pcohandshake.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/** PKCE (RFC 7636), S256 only. */
public final class Pkce {

  private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

  private Pkce() {}

  /** A well-formed S256 challenge: base64url of a SHA-256 digest, 43 characters. */
  public static boolean validChallenge(String challenge) {
    return CHALLENGE.matcher(challenge).matches();
  }

  /** Whether the verifier is well formed and hashes to the challenge. */
  public static boolean verify(String verifier, String challenge) {
    if (!VERIFIER.matcher(verifier).matches()) {
      return false;
    }
    return Tokens.constantTimeEquals(challenge(verifier), challenge);
  }

  /** The S256 challenge of a verifier: base64url of its SHA-256, without padding. */
  public static String challenge(String verifier) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(Tokens.sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
  }
}
