package org.pcohandshake.invoke;

/**
 * A command argument that is missing or malformed; answered as {@code invalid_request} naming the
 * argument and the rule, never the value.
 */
public final class InvalidCommand extends RuntimeException {

  private final String argument;
  private final String problem;

  public InvalidCommand(String argument, String problem) {
    super(argument + " " + problem, null, false, false);
    this.argument = argument;
    this.problem = problem;
  }

  public String argument() {
    return argument;
  }

  public String problem() {
    return problem;
  }
}
