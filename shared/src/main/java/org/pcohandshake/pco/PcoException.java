package org.pcohandshake.pco;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A call to Planning Center that did not succeed. The message names the operation, the kind and the
 * HTTP status; never a token, code, secret or response body.
 */
public final class PcoException extends RuntimeException {

  /** What went wrong, as far as the caller needs to tell apart. */
  public enum Kind {
    /** The token endpoint answered {@code invalid_grant}: the code or refresh token is dead. */
    INVALID_GRANT,
    /** The API answered 401: the access token is expired or revoked. */
    UNAUTHORIZED,
    /** Planning Center refused the request for another reason (client, scope, setup): a 4xx. */
    REJECTED,
    /** Timeout, connection failure, 429, 5xx, or an answer that cannot be read: retry later. */
    UNAVAILABLE
  }

  private final Kind kind;
  private final String operation;
  private final int status;
  private final Duration retryAfter;

  /**
   * @param kind what went wrong
   * @param operation which call, e.g. {@code refresh} (fixed text, for logs)
   * @param status the HTTP status, or 0 when no answer arrived
   */
  public PcoException(Kind kind, String operation, int status) {
    this(kind, operation, status, null);
  }

  public PcoException(Kind kind, String operation, int status, Throwable cause) {
    super(
        "Planning Center "
            + operation
            + " failed: "
            + kind
            + (status > 0 ? " (HTTP " + status + ")" : ""),
        cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.operation = Objects.requireNonNull(operation, "operation");
    this.status = status;
    this.retryAfter = null;
  }

  private PcoException(PcoException e, Duration retryAfter) {
    super(e.getMessage(), e.getCause());
    this.kind = e.kind;
    this.operation = e.operation;
    this.status = e.status;
    this.retryAfter = retryAfter;
  }

  /** The same failure, with the wait PCO asked for ({@code Retry-After} of a 429 or 503). */
  public PcoException withRetryAfter(Duration wait) {
    return new PcoException(this, Objects.requireNonNull(wait, "wait"));
  }

  /** How long PCO asked us to wait before trying again, when it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  public Kind kind() {
    return kind;
  }

  /** The call that failed: {@code exchange}, {@code refresh}, {@code me}, {@code revoke}, … */
  public String operation() {
    return operation;
  }

  /** The HTTP status Planning Center answered with; 0 when none arrived. */
  public int status() {
    return status;
  }
}
