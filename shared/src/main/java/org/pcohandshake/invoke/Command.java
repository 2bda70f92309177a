package org.pcohandshake.invoke;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One invocation's command: {@code {"operation": "...", ...arguments}}. The accessors check each
 * argument's type and form and throw {@link InvalidCommand} naming the argument (never its value),
 * so a service reads only well-formed values.
 *
 * @param operation what to do, e.g. {@code access_token}
 * @param arguments every member of the command but {@code operation}
 */
public record Command(String operation, Map<String, Object> arguments) {

  /** Operation names: lower-case words joined by underscores. */
  public static final Pattern OPERATION = Pattern.compile("[a-z][a-z0-9_]{0,39}");

  /** Ids of this stack and of Planning Center: what their stores accept. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:|@+=-]{1,256}");

  public Command {
    arguments = Map.copyOf(arguments);
  }

  /** A command from its parsed JSON object; {@code operation} must be a well-formed name. */
  public static Command from(Map<String, Object> json) {
    if (!(json.get("operation") instanceof String operation)) {
      throw new InvalidCommand("operation", "is required, a string");
    }
    if (!OPERATION.matcher(operation).matches()) {
      throw new InvalidCommand("operation", "is not an operation name");
    }
    java.util.HashMap<String, Object> arguments = new java.util.HashMap<>(json);
    arguments.remove("operation");
    arguments.values().removeIf(java.util.Objects::isNull);
    return new Command(operation, arguments);
  }

  /** A required id argument ({@link #ID}). */
  public String id(String name) {
    return optionalId(name).orElseThrow(() -> new InvalidCommand(name, "is required"));
  }

  /** An optional id argument ({@link #ID}): empty when absent or null. */
  public Optional<String> optionalId(String name) {
    Object value = arguments.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text) || !ID.matcher(text).matches()) {
      throw new InvalidCommand(name, "must be an id (letters, digits and _.:|@+=-, at most 256)");
    }
    return Optional.of(text);
  }

  /**
   * The longest user id taken, in UTF-8 bytes: what a grant index's key ({@code USER#} and the id)
   * can hold within DynamoDB's 2,048 bytes, so every user a grant was written for can be named.
   */
  public static final int MAX_USER_ID_BYTES = 2048 - "USER#".length();

  /** A required user id ({@link #optionalUserId}). */
  public String userId(String name) {
    return optionalUserId(name).orElseThrow(() -> new InvalidCommand(name, "is required"));
  }

  /**
   * An optional user id of this stack: whatever the login named as {@code sub} (the login bridge
   * and OpenID Connect take any string that is not blank: an e-mail address with an apostrophe, a
   * directory name with spaces), so not held to {@link #ID}; only blank text, control characters
   * and more than {@value #MAX_USER_ID_BYTES} bytes are refused. Empty when absent or null.
   */
  public Optional<String> optionalUserId(String name) {
    Object value = arguments.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text)
        || text.isBlank()
        || text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_USER_ID_BYTES
        || text.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidCommand(
          name,
          "must be a user id (not blank, no control characters, at most "
              + MAX_USER_ID_BYTES
              + " bytes)");
    }
    return Optional.of(text);
  }

  /** An optional string argument of at most {@code maxLength} characters. */
  public Optional<String> optionalText(String name, int maxLength) {
    Object value = arguments.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text) || text.length() > maxLength) {
      throw new InvalidCommand(name, "must be a string of at most " + maxLength + " characters");
    }
    return Optional.of(text);
  }

  /** An optional whole number in {@code [min, max]}, or {@code fallback} when absent. */
  public int number(String name, int fallback, int min, int max) {
    Object value = arguments.get(name);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Number number) {
      double d = number.doubleValue();
      if (d == Math.rint(d) && d >= min && d <= max) {
        return (int) d;
      }
    }
    throw new InvalidCommand(name, "must be a whole number from " + min + " to " + max);
  }

  /** An optional boolean, or {@code fallback} when absent. */
  public boolean flag(String name, boolean fallback) {
    Object value = arguments.get(name);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw new InvalidCommand(name, "must be true or false");
  }

  /** Fails unless every argument is one of {@code allowed}: a misspelt name is not ignored. */
  public Command allowOnly(List<String> allowed) {
    for (String name : arguments.keySet()) {
      if (!allowed.contains(name)) {
        throw new InvalidCommand(
            OPERATION.matcher(name).matches() ? name : "(an argument)",
            "is not an argument of " + operation);
      }
    }
    return this;
  }
}
