package org.pcohandshake.testkit.sam;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One template parameter.
 *
 * @param name the parameter name
 * @param type the CloudFormation type, {@code String} or {@code Number}
 * @param defaultValue the default, as a string; empty when the template gives none
 * @param allowedValues the allowed values; empty when unrestricted
 * @param allowedPattern the regular expression a value must match, if any
 */
public record SamParameter(
    String name,
    String type,
    Optional<String> defaultValue,
    List<String> allowedValues,
    Optional<String> allowedPattern) {

  public SamParameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(defaultValue, "defaultValue");
    allowedValues = List.copyOf(allowedValues);
    Objects.requireNonNull(allowedPattern, "allowedPattern");
  }

  /**
   * Checks a value against AllowedValues and AllowedPattern, as CloudFormation does.
   *
   * @throws IllegalArgumentException naming the parameter, the value and the rule it breaks
   */
  public void validate(String value) {
    if (!allowedValues.isEmpty() && !allowedValues.contains(value)) {
      throw new IllegalArgumentException(
          "Parameter "
              + name
              + " does not allow the value '"
              + value
              + "'; AllowedValues in the template are "
              + allowedValues);
    }
    if (allowedPattern.isPresent() && !value.matches(allowedPattern.get())) {
      throw new IllegalArgumentException(
          "Parameter "
              + name
              + " value '"
              + value
              + "' does not match its AllowedPattern "
              + allowedPattern.get());
    }
  }
}
