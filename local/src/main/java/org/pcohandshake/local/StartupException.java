package org.pcohandshake.local;

/**
 * Something the local stack cannot start without, with a message that names the cause and the fix.
 * {@link DevStack#main} prints the message alone (no stack trace) and exits with status 1.
 */
public final class StartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
