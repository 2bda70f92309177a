package org.pcohandshake.aws;

import com.amazonaws.services.lambda.runtime.Context;
import java.time.Duration;
import java.util.Optional;

/**
 * The time the current invocation may still spend in AWS calls: what Lambda says is left of the
 * function timeout ({@link Context#getRemainingTimeInMillis()}) less {@link #MARGIN} to answer.
 * Each call is bounded on its own ({@link AwsClients#CALL_TIMEOUT}), but a request makes several,
 * and step 2 and the PCO token vault also wait for Planning Center; without a bound on the sum, a
 * degraded (not down) dependency could keep a request past the function timeout, where Lambda stops
 * it mid-work and API Gateway answers with its own bare 5xx instead of ours. {@link
 * org.pcohandshake.http.Endpoint} starts the deadline for every invocation; {@link
 * DeadlineInterceptor} shortens each AWS call's timeout to what is left and refuses to start a call
 * when almost nothing is, and the caller answers 503 as for any dependency that does not answer in
 * time. Time spent elsewhere (Planning Center, our own work) counts too, since Lambda's clock does,
 * but only the function timeout limits it: nothing is cut short before it has to be.
 */
public final class Deadline {

  /** Kept back from the function timeout to write the answer and its log lines. */
  public static final Duration MARGIN = Duration.ofSeconds(1);

  /** A call is not started with less than this left: it could not finish. */
  public static final Duration MIN_CALL = Duration.ofMillis(250);

  /** Ends a deadline's scope, restoring the one around it (if any). */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  private static final ThreadLocal<Long> ENDS_AT_NANOS = new ThreadLocal<>();

  private static final Scope NONE = () -> {};

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

  /**
   * The invocation's deadline: Lambda's remaining time less {@link #MARGIN}. No deadline when there
   * is no context or it tells no time (a direct call from a test or a tool).
   */
  public static Scope forInvocation(Context context) {
    int remainingMillis = context == null ? 0 : context.getRemainingTimeInMillis();
    if (remainingMillis <= 0) {
      return NONE;
    }
    Duration budget = Duration.ofMillis(remainingMillis).minus(MARGIN);
    return start(budget.isNegative() ? Duration.ZERO : budget);
  }

  /** The time left, or empty outside a request (no deadline). */
  public static Optional<Duration> remaining() {
    Long endsAt = ENDS_AT_NANOS.get();
    return endsAt == null
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(endsAt - System.nanoTime()));
  }
}
