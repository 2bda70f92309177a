package org.pcohandshake.testkit.pco;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A fault the simulator injects into one call of one of its endpoints, queued with {@link
 * PcoSimulator#failNextTokenCalls(int, Fault)} or {@link PcoSimulator#failNextMeCalls(int, Fault)}.
 */
public sealed interface Fault {

  /**
   * Answer with this status, headers and body instead of the real answer.
   *
   * @param status HTTP status
   * @param headers response headers (a {@code Content-Type} of {@code application/json} is added
   *     when absent)
   * @param body response body
   */
  record Status(int status, Map<String, String> headers, String body) implements Fault {
    public Status {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("HTTP status out of range: " + status);
      }
      headers = Map.copyOf(headers);
      Objects.requireNonNull(body, "body");
    }
  }

  /**
   * Answer as if the grant were invalid: at the token endpoint 400 {@code invalid_grant}; at {@code
   * /people/v2/me} 401 Unauthorized.
   */
  record InvalidGrant() implements Fault {}

  /**
   * Wait this long, then answer normally.
   *
   * @param delay how long to wait before answering
   */
  record Delay(Duration delay) implements Fault {
    public Delay {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("negative delay");
      }
    }
  }

  /** Close the connection without sending a response. */
  record DropConnection() implements Fault {}

  /** A status with a JSON:API-style error body, e.g. {@code status(503)}. */
  static Fault status(int status) {
    return status(
        status, "{\"errors\":[{\"status\":\"" + status + "\",\"title\":\"Simulated failure\"}]}");
  }

  /** A status with the given JSON body. */
  static Fault status(int status, String jsonBody) {
    return new Status(status, Map.of("Content-Type", "application/json"), jsonBody);
  }

  /** 429 Too Many Requests with {@code Retry-After: seconds}, like PCO's rate limiter. */
  static Fault tooManyRequests(int retryAfterSeconds) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Retry-After", Integer.toString(retryAfterSeconds));
    return new Status(
        429,
        headers,
        "{\"errors\":[{\"code\":\"429\",\"title\":\"Too Many Requests\","
            + "\"detail\":\"Rate limit exceeded: 100 of 100 requests per 20 seconds\"}]}");
  }

  /** See {@link InvalidGrant}. */
  static Fault invalidGrant() {
    return new InvalidGrant();
  }

  /** See {@link Delay}. */
  static Fault delay(Duration delay) {
    return new Delay(delay);
  }

  /** See {@link Delay}. */
  static Fault delayMillis(long millis) {
    return new Delay(Duration.ofMillis(millis));
  }

  /** See {@link DropConnection}. */
  static Fault dropConnection() {
    return new DropConnection();
  }
}
