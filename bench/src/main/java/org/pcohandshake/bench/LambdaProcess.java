package org.pcohandshake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One fresh JVM started the way Lambda's java21 managed runtime starts one: the Runtime Interface
 * Client's {@code AWSLambda} main with the handler as its argument, the RIC and its dependencies on
 * the classpath, the working directory the task root that holds the unzipped artifact, a clean
 * environment with Lambda's reserved variables plus the function's own, and the runtime's JVM
 * flags.
 */
final class LambdaProcess implements AutoCloseable {

  static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

  /**
   * The java21 runtime's flags: C1 only, the serial collector, class data sharing when available,
   * and a maximum heap of 85% of the function's memory.
   */
  static List<String> lambdaJvmFlags(int memoryMb) {
    return List.of(
        "-XX:+TieredCompilation",
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Xshare:auto",
        "-XX:MaxHeapSize=" + (memoryMb * 1024L * 85 / 100) + "k");
  }

  /**
   * Flags from {@code bench.jvmFlags} (space-separated) for every JVM the harness starts, baselines
   * included: for profiling a run (e.g. {@code -Xlog:class+load:file=...} or a flight recording),
   * never for the numbers that are reported, which use the runtime's flags only.
   */
  static List<String> profilingFlags() {
    String flags = System.getProperty("bench.jvmFlags", "").trim();
    return flags.isEmpty() ? List.of() : List.of(flags.split("\\s+"));
  }

  /** What to start. */
  record Launch(
      String functionName,
      String handler,
      Path taskRoot,
      List<Path> runtimeClasspath,
      int memoryMb,
      Map<String, String> functionEnvironment,
      List<String> extraJvmFlags,
      Map<String, String> extraEnvironment,
      Path log) {}

  private final Process process;
  private final long startedNanos;

  private LambdaProcess(Process process, long startedNanos) {
    this.process = process;
    this.startedNanos = startedNanos;
  }

  static LambdaProcess start(Launch launch, RuntimeApiServer api) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(lambdaJvmFlags(launch.memoryMb()));
    command.addAll(launch.extraJvmFlags());
    command.addAll(profilingFlags());
    command.add("-classpath");
    command.add(String.join(":", launch.runtimeClasspath().stream().map(Path::toString).toList()));
    command.add(RIC_MAIN);
    command.add(launch.handler());

    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(launch.taskRoot().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.log().toFile()));
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(reservedEnvironment(launch, api));
    env.putAll(launch.functionEnvironment());
    env.putAll(launch.extraEnvironment());
    Files.createDirectories(launch.log().getParent());
    long started = System.nanoTime();
    Process process = builder.start();
    return new LambdaProcess(process, started);
  }

  /** The variables Lambda sets for every function (the function's own come on top). */
  static Map<String, String> reservedEnvironment(Launch launch, RuntimeApiServer api) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("LANG", "en_US.UTF-8");
    env.put("TZ", ":UTC");
    env.put("_HANDLER", launch.handler());
    env.put("AWS_LAMBDA_RUNTIME_API", api.address());
    env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
    env.put("AWS_LAMBDA_FUNCTION_NAME", launch.functionName());
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(launch.memoryMb()));
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + launch.functionName());
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/01/01/[$LATEST]bench");
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    env.put("LAMBDA_TASK_ROOT", launch.taskRoot().toString());
    env.put("LAMBDA_RUNTIME_DIR", launch.runtimeClasspath().get(0).getParent().toString());
    return env;
  }

  /** {@link System#nanoTime()} just before the process was started. */
  long startedNanos() {
    return startedNanos;
  }

  /** Fails whatever {@code api} still waits for when this process exits. */
  void failOnExit(RuntimeApiServer api, String name, Path log) {
    process
        .onExit()
        .thenRun(() -> api.fail(new IllegalStateException(name + " exited; see " + log)));
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The process's peak resident set size (VmHWM), in kB; 0 when it cannot be read. */
  long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or the process is gone
    }
    return 0;
  }

  /**
   * CPU time the process has used so far (user + system, every thread), in milliseconds at the
   * kernel's tick resolution (usually 10 ms); -1 when it cannot be read. Less sensitive than wall
   * time to other load on the machine.
   */
  long cpuMillis() {
    try {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields after the command: state is index 0, so utime (14th) is 11 and stime 12
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 1000 / CLOCK_TICKS;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static final long CLOCK_TICKS = 100;

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
