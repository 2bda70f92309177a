package org.pcohandshake.crypto;

import java.util.Objects;

/**
 * The SHA-256 of a secret (a code, a refresh token, a session, link or login cookie, a form token),
 * base64url: the only form in which those secrets are stored, and the table key of their items.
 * Made by {@link Tokens#hash(String)} from the secret, or read back from an item where such a hash
 * was written ({@link #ofStored(String)}); never from a value a request carries.
 */
public final class TokenHash {

  private final String value;

  TokenHash(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /**
   * A hash read back from the table, where {@link Tokens#hash(String)}'s {@link #value()} was
   * written (a refresh token's successor, a consent's session).
   *
   * @throws IllegalStateException when the stored text is not such a hash
   */
  public static TokenHash ofStored(String stored) {
    if (!Tokens.wellFormed(stored)) {
      throw new IllegalStateException("a stored hash is not well-formed");
    }
    return new TokenHash(stored);
  }

  /** The base64url text: what the table holds. */
  public String value() {
    return value;
  }

  /** Constant-time comparison. */
  public boolean matches(TokenHash other) {
    return Tokens.constantTimeEquals(value, other.value);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TokenHash hash && value.equals(hash.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The value, as the table holds it (a hash, not the secret). */
  @Override
  public String toString() {
    return value;
  }
}
