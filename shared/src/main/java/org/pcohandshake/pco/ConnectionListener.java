package org.pcohandshake.pco;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pcohandshake.events.EventPublisher;
import org.pcohandshake.events.EventType;

/**
 * Told when a stored Planning Center connection changes state: created or healed by step 2, found
 * to need reauthorization, disconnected. Called after the change is stored; must not throw.
 */
@FunctionalInterface
public interface ConnectionListener {

  /** Hears nothing (a vault that publishes no events). */
  ConnectionListener NONE = (type, organizationId, personId, details) -> {};

  /**
   * @param details the event's own members beyond the ids (a reason, a time, a flag)
   */
  void changed(EventType type, String organizationId, String personId, Map<String, ?> details);

  /** Publishes each change as an EventBridge event: {@code organization_id}, {@code person_id}. */
  static ConnectionListener publishing(EventPublisher publisher) {
    return (type, organizationId, personId, details) -> {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("organization_id", organizationId);
      fields.put("person_id", personId);
      details.forEach(fields::putIfAbsent);
      publisher.publish(type, fields);
    };
  }
}
