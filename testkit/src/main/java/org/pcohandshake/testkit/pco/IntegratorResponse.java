package org.pcohandshake.testkit.pco;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * An answer from one of the integrator's endpoints, as the simulator (playing PCO's servers)
 * received it. {@link #toString()} shows the status and the JSON member names only, never the body,
 * so token values do not reach logs or assertion messages.
 *
 * @param status HTTP status
 * @param body response body as text
 * @param json the body parsed as a JSON object; empty when it was not one
 */
public record IntegratorResponse(int status, String body, Map<String, Object> json) {
  public IntegratorResponse {
    Objects.requireNonNull(body, "body");
    json = json == null ? Map.of() : Collections.unmodifiableMap(json);
  }

  /** A string-valued JSON member. */
  public Optional<String> string(String name) {
    return json.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
  }

  /** A numeric JSON member as a long. */
  public Optional<Long> number(String name) {
    return json.get(name) instanceof Number n ? Optional.of(n.longValue()) : Optional.empty();
  }

  /** The OAuth {@code error} member, when present. */
  public Optional<String> error() {
    return string("error");
  }

  @Override
  public String toString() {
    return "IntegratorResponse[status="
        + status
        + ", jsonMembers="
        + new TreeSet<>(json.keySet())
        + error().map(e -> ", error=" + e).orElse("")
        + "]";
  }
}
