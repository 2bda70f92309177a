package org.pcohandshake.verify;

/** Whether a grant (the token's {@code sid}) is still alive: the revocation policy's one hook. */
@FunctionalInterface
public interface GrantCheck {

  boolean alive(String grantId);

  /** No revocation check: tokens of a revoked grant work until they expire. */
  static GrantCheck none() {
    return grantId -> true;
  }
}
