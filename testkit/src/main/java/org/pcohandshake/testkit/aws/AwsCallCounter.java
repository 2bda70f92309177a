package org.pcohandshake.testkit.aws;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts AWS SDK calls by service and operation ({@code DynamoDb.GetItem}) and the time spent
 * inside them, for tests that pin how many calls a flow makes.
 *
 * <p>Production code knows nothing of it: a test classpath registers it for every SDK client with
 * the SDK's global interceptor file, {@code
 * software/amazon/awssdk/global/handlers/execution.interceptors}, naming this class. The counts are
 * process-wide: {@link #reset()} before the step to count, {@link #counts()} after it, and make no
 * other AWS calls in between.
 */
public final class AwsCallCounter implements ExecutionInterceptor {

  private static final ExecutionAttribute<Long> STARTED =
      new ExecutionAttribute<>("org.pcohandshake.testkit.aws.AwsCallCounter.started");

  private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();
  private static final LongAdder NANOS = new LongAdder();

  /** Forgets every count and time so far. */
  public static void reset() {
    COUNTS.clear();
    NANOS.reset();
  }

  /** The calls since the last reset, {@code Service.Operation} to count, sorted by name. */
  public static Map<String, Long> counts() {
    Map<String, Long> snapshot = new TreeMap<>();
    COUNTS.forEach((name, count) -> snapshot.put(name, count.sum()));
    return snapshot;
  }

  /** The number of calls since the last reset. */
  public static long total() {
    return counts().values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The wall time spent inside calls since the last reset (marshalling, signing, HTTP, parsing).
   */
  public static long nanos() {
    return NANOS.sum();
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String name =
        attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)
            + "."
            + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    COUNTS.computeIfAbsent(name, n -> new LongAdder()).increment();
    attributes.putAttribute(STARTED, System.nanoTime());
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    stop(attributes);
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    stop(attributes);
  }

  private static void stop(ExecutionAttributes attributes) {
    Long started = attributes.getAttribute(STARTED);
    if (started != null) {
      NANOS.add(System.nanoTime() - started);
    }
  }
}
