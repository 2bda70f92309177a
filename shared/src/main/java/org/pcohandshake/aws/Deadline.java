package org.pcohandshake.aws;

import java.time.Duration;
import java.util.Optional;

/**
 * The time the current request may still spend in AWS calls. Each call is bounded on its own
 * ({@link AwsClients#CALL_TIMEOUT}); a request makes up to four of them, so without a bound on
 * their sum a degraded (not down) AWS could keep a request past the function timeout, where API
 * Gateway answers with its own bare 5xx instead of ours. {@link org.pcohandshake.http.Endpoint}
 * starts a deadline of {@link #REQUEST_BUDGET} for every request; {@link DeadlineInterceptor}
 * shortens each call's timeout to what is left and refuses to start a call when almost nothing is,
 * and the caller answers 503 as for any dependency that does not answer in time.
 */
public final class Deadline {

  /**
   * What one request may spend in AWS calls altogether: inside the template's function timeout (10
   * s; 20 s for step 2, whose calls to Planning Center have their own bounds), with time left to
   * answer.
   */
  public static final Duration REQUEST_BUDGET = Duration.ofSeconds(8);

  /** A call is not started with less than this left: it could not finish. */
  public static final Duration MIN_CALL = Duration.ofMillis(250);

  /** Ends a deadline's scope, restoring the one around it (if any). */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  private static final ThreadLocal<Long> ENDS_AT_NANOS = new ThreadLocal<>();

  private Deadline() {}

  /** Starts a deadline {@code budget} from now for this thread, until the scope is closed. */
  public static Scope start(Duration budget) {
    Long outer = ENDS_AT_NANOS.get();
    ENDS_AT_NANOS.set(System.nanoTime() + budget.toNanos());
    return () -> {
      if (outer == null) {
        ENDS_AT_NANOS.remove();
      } else {
        ENDS_AT_NANOS.set(outer);
      }
    };
  }

  /** The time left, or empty outside a request (no deadline). */
  public static Optional<Duration> remaining() {
    Long endsAt = ENDS_AT_NANOS.get();
    return endsAt == null
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(endsAt - System.nanoTime()));
  }
}
