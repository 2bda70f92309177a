package org.pcohandshake.oidc;

/**
 * A call to the identity provider that did not give what the login needs; its kind says which page
 * the person gets. Never carries a code, token or secret, nor the provider's words.
 */
public final class OidcException extends RuntimeException {

  /** What went wrong, by what the person can do about it. */
  public enum Kind {
    /** The provider did not answer in time, or answered 5xx or something unreadable: retry. */
    UNAVAILABLE,
    /** The provider refused this stack's client (its setup is wrong): retrying will not help. */
    REJECTED,
    /** The code was refused (expired, used): sign in again. */
    INVALID_GRANT
  }

  private final Kind kind;

  public OidcException(Kind kind, String operation) {
    super(operation + ": " + kind);
    this.kind = kind;
  }

  public OidcException(Kind kind, String operation, Throwable cause) {
    super(operation + ": " + kind, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
