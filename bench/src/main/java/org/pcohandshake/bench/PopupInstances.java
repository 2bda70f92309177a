package org.pcohandshake.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.pcohandshake.bench.Popup.Fn;
import org.pcohandshake.bench.Popup.Served;
import org.pcohandshake.testkit.lambda.HttpApiEventJson;

/**
 * One instance of each popup function, each a JVM under the Runtime Interface Client as {@link
 * Bench} starts them, serving the popup's hops the way Lambda would route requests that follow one
 * another: a function's first request meets a new instance; its later ones (authorize-prompt serves
 * three hops) the same, now warm, instance.
 *
 * <ul>
 *   <li>{@link #onDemand}: an instance is started when its first request arrives (the request is
 *       queued, then the JVM started): that hop's time is process start to the answer, its CPU the
 *       process's so far;
 *   <li>{@link #snapStart}: every instance started beforehand in SnapStart mode, through its init
 *       and CRaC {@code beforeCheckpoint} hooks (priming) to {@code /restore/next}, where it is
 *       held as a snapshot would be; the first request releases it: that hop's time is the request
 *       being queued to the answer ({@code afterRestore} hooks included), its CPU what the process
 *       used from the release;
 *   <li>a later request to a running instance: queued to the answer, CPU used in that time.
 * </ul>
 *
 * CPU is read from {@code /proc} at the kernel's 10 ms resolution.
 */
final class PopupInstances implements Popup.Functions, AutoCloseable {

  /** How to start one function's JVM: the launch for (function, SnapStart or not). */
  interface Launcher extends BiFunction<Fn, Boolean, LambdaProcess.Launch> {}

  private record Instance(RuntimeApiServer api, LambdaProcess process, Path log) {}

  private final Launcher launcher;
  private final Map<Fn, Instance> running = new EnumMap<>(Fn.class);
  private final Map<Fn, Boolean> held = new EnumMap<>(Fn.class);

  private PopupInstances(Launcher launcher) {
    this.launcher = launcher;
  }

  /** On-demand: each function's JVM starts with its first request. */
  static PopupInstances onDemand(Launcher launcher) {
    return new PopupInstances(launcher);
  }

  /** SnapStart: every function initialized and primed beforehand, held at the snapshot point. */
  static PopupInstances snapStart(Launcher launcher) throws Exception {
    PopupInstances instances = new PopupInstances(launcher);
    try {
      for (Fn fn : Fn.values()) {
        Instance instance = instances.start(fn, true, null);
        await(instance.api().restoreNext, instance.log());
        instances.held.put(fn, true);
      }
    } catch (Exception e) {
      instances.close();
      throw e;
    }
    return instances;
  }

  @Override
  public Served serve(Fn fn, APIGatewayV2HTTPEvent event) throws Exception {
    String json = HttpApiEventJson.eventToJson(event);
    Instance instance = running.get(fn);
    if (instance == null) {
      RuntimeApiServer.Invocation[] first = new RuntimeApiServer.Invocation[1];
      instance = start(fn, false, api -> first[0] = api.invoke(json));
      RuntimeApiServer.Outcome outcome = await(first[0].outcome, instance.log());
      double ms = Stats.millis(outcome.receivedNanos() - instance.process().startedNanos());
      return new Served(answer(fn, outcome, instance), ms, instance.process().cpuMillis(), true);
    }
    boolean restore = held.remove(fn) != null;
    long cpuBefore = instance.process().cpuMillis();
    RuntimeApiServer.Invocation invocation = instance.api().invoke(json);
    if (restore) {
      instance.api().releaseRestore();
    }
    RuntimeApiServer.Outcome outcome = await(invocation.outcome, instance.log());
    double ms = Stats.millis(outcome.receivedNanos() - invocation.enqueuedNanos);
    double cpu = instance.process().cpuMillis() - cpuBefore;
    return new Served(answer(fn, outcome, instance), ms, cpu, restore);
  }

  private Instance start(
      Fn fn, boolean snapStart, java.util.function.Consumer<RuntimeApiServer> queue)
      throws Exception {
    LambdaProcess.Launch launch = launcher.apply(fn, snapStart);
    Files.createDirectories(launch.log().getParent());
    Files.deleteIfExists(launch.log());
    String arn = "arn:aws:lambda:us-east-1:123456789012:function:" + fn.target;
    RuntimeApiServer api = new RuntimeApiServer(arn, Duration.ofSeconds(20), snapStart);
    if (queue != null) {
      // the cold request is waiting when the JVM starts, as it is for a cold start in Lambda
      queue.accept(api);
    }
    LambdaProcess process;
    try {
      process = LambdaProcess.start(launch, api);
    } catch (Exception e) {
      api.close();
      throw e;
    }
    Instance instance = new Instance(api, process, launch.log());
    running.put(fn, instance);
    process.failOnExit(api, fn.target, launch.log());
    return instance;
  }

  private static APIGatewayV2HTTPResponse answer(
      Fn fn, RuntimeApiServer.Outcome outcome, Instance instance) {
    if (outcome.error()) {
      throw new IllegalStateException(
          fn.target + " answered an error: " + outcome.body() + " (log: " + instance.log() + ")");
    }
    return HttpApiEventJson.parseResponse(outcome.body());
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> future, Path log)
      throws Exception {
    try {
      return future.get(Bench.WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          e.getCause().getMessage() + " (log: " + log + ")", e.getCause());
    }
  }

  @Override
  public void close() {
    for (Instance instance : running.values()) {
      instance.process().close();
      instance.api().close();
    }
    running.clear();
  }
}
