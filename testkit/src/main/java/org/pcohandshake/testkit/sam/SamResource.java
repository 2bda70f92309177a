package org.pcohandshake.testkit.sam;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the template's Resources.
 *
 * @param logicalId the key under Resources
 * @param type the resource type, e.g. {@code AWS::DynamoDB::Table}
 * @param properties the Properties mapping, unresolved (intrinsics in long form); empty when absent
 * @param condition the name of the Condition that guards the resource, if any
 */
public record SamResource(
    String logicalId, String type, Map<String, Object> properties, Optional<String> condition) {

  public SamResource {
    Objects.requireNonNull(logicalId, "logicalId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(properties, "properties");
    Objects.requireNonNull(condition, "condition");
  }
}
