package org.pcohandshake.http;

/** A request that cannot be parsed at all; the message is fixed text, never input. */
public final class BadRequestException extends RuntimeException {

  /** Why the request was refused. */
  public enum Reason {
    TOO_LARGE("The request is too large."),
    MALFORMED("The request is not well-formed."),
    REPEATED("A parameter was sent more than once.");

    private final String description;

    Reason(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  private final Reason reason;

  public BadRequestException(Reason reason) {
    super(reason.description(), null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
