package org.pcohandshake.bench.probe;

import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Adds up, inside a function's JVM, how many AWS calls it made and how long it spent inside them
 * (from the SDK's {@code beforeExecution} to {@code afterExecution}: marshalling, signing, HTTP,
 * parsing), and publishes the two totals in a memory-mapped file that the harness reads after each
 * response. The file is named by the system property {@value #FILE_PROPERTY}; without it the probe
 * does nothing.
 *
 * <p>It reaches a function only in the harness's probe run, as {@code lib/aws-time-probe.jar} in
 * the task directory, registered by the SDK's global interceptor file inside that jar.
 */
public final class AwsTimeProbe implements ExecutionInterceptor {

  /** The system property naming the 16-byte totals file: calls, then nanoseconds. */
  public static final String FILE_PROPERTY = "pcohandshake.bench.probeFile";

  private static final ExecutionAttribute<Long> STARTED =
      new ExecutionAttribute<>("org.pcohandshake.bench.probe.AwsTimeProbe.started");

  private static final LongBuffer TOTALS = open(System.getProperty(FILE_PROPERTY));

  private static LongBuffer open(String file) {
    if (file == null) {
      return null;
    }
    try (FileChannel channel =
        FileChannel.open(Path.of(file), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      return channel.map(FileChannel.MapMode.READ_WRITE, 0, 16).asLongBuffer();
    } catch (IOException e) {
      throw new IllegalStateException("cannot map " + file, e);
    }
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    attributes.putAttribute(STARTED, System.nanoTime());
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    record(attributes);
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    record(attributes);
  }

  private static synchronized void record(ExecutionAttributes attributes) {
    Long started = attributes.getAttribute(STARTED);
    if (started == null || TOTALS == null) {
      return;
    }
    long elapsed = System.nanoTime() - started;
    TOTALS.put(0, TOTALS.get(0) + 1);
    TOTALS.put(1, TOTALS.get(1) + elapsed);
  }
}
