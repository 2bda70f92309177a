package org.pcohandshake.config;

/** A configuration problem found at init; its message names the variable and never a value. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
