package org.pcohandshake.invoke;

/**
 * What serves one invoke-style function's commands: built once per instance from the configuration
 * (by a {@code from(Config, Clock)} factory), answering each command, and priming itself before a
 * SnapStart snapshot under the rules of {@link org.pcohandshake.snapstart.Priming}.
 */
public interface InvokeService {

  /**
   * One command in, one reply out. An unknown operation is answered {@link
   * org.pcohandshake.error.ErrorCatalog.Invocation#UNKNOWN_OPERATION}; a malformed argument throws
   * {@link InvalidCommand}; any other exception is logged and answered generically.
   */
  Reply handle(Command command);

  /** SnapStart priming beyond the function's priming commands. Nothing by default. */
  default void prime() {}
}
