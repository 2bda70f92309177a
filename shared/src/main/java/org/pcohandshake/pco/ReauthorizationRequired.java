package org.pcohandshake.pco;

/**
 * The stored Planning Center connection cannot produce an access token any more: the person must
 * authorize the add-on again. The message names the reason, never a token.
 */
public final class ReauthorizationRequired extends RuntimeException {

  /** Why the connection is unusable. */
  public enum Reason {
    /** No connection is stored for this organization and person (or it has expired). */
    NOT_CONNECTED,
    /** Planning Center answered {@code invalid_grant} to a refresh; the connection is flagged. */
    GRANT_REVOKED,
    /**
     * The stored ciphertext does not decrypt for this connection (copied, corrupted, wrong key).
     */
    UNREADABLE
  }

  private final Reason reason;
  private final String organizationId;
  private final String personId;

  public ReauthorizationRequired(Reason reason, String organizationId, String personId) {
    super("Planning Center connection needs authorizing again: " + reason, null, false, false);
    this.reason = reason;
    this.organizationId = organizationId;
    this.personId = personId;
  }

  public Reason reason() {
    return reason;
  }

  public String organizationId() {
    return organizationId;
  }

  public String personId() {
    return personId;
  }
}
