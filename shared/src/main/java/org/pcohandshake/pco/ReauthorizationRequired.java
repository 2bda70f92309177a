package org.pcohandshake.pco;

import java.time.Instant;
import java.util.Optional;

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
  private final String statusReason;
  private final Instant since;

  public ReauthorizationRequired(Reason reason, String organizationId, String personId) {
    this(reason, organizationId, personId, "", null);
  }

  /**
   * @param statusReason the stored reason of a flagged connection ({@code invalid_grant}, {@code
   *     unauthorized_after_refresh}), empty when none is stored
   * @param since when the connection was flagged; null when unknown
   */
  public ReauthorizationRequired(
      Reason reason, String organizationId, String personId, String statusReason, Instant since) {
    super("Planning Center connection needs authorizing again: " + reason, null, false, false);
    this.reason = reason;
    this.organizationId = organizationId;
    this.personId = personId;
    this.statusReason = statusReason;
    this.since = since;
  }

  /** The stored reason of a flagged connection, or empty. */
  public String statusReason() {
    return statusReason;
  }

  /** When the connection was flagged, when known. */
  public Optional<Instant> since() {
    return Optional.ofNullable(since);
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
