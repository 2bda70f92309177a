package org.pcohandshake.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.pcohandshake.bench.Scenarios.Scenario;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.aws.Provisioner;
import org.pcohandshake.testkit.oidc.TestProvider;
import org.pcohandshake.testkit.pco.PcoSimulator;
import org.pcohandshake.testkit.sam.ProjectRoot;
import org.pcohandshake.testkit.sam.SamFunction;
import org.pcohandshake.testkit.sam.SamTemplate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The cold-start benchmark ({@code make bench}). For the two baselines and each function of
 * template.yaml it starts fresh JVMs the way Lambda does (see {@link LambdaProcess}) against a
 * {@link RuntimeApiServer} and the AWS emulator, serves real requests ({@link Scenarios}), and
 * writes {@code bench/target/results.md}.
 *
 * <p>Per target: {@code bench.runs} cold starts (default 5), each followed by {@code bench.warm}
 * warm requests (default 60); one probe run that times the AWS calls inside the JVM ({@code
 * bench.probeWarm} warm requests, default 200); one run that logs class loading; and {@code
 * bench.snapRuns} (default 3) runs of a simulated SnapStart init, where the runtime calls the CRaC
 * {@code beforeCheckpoint} hooks and then "restores" at once in the same JVM. {@code bench.only}
 * limits the targets (comma-separated names).
 *
 * <p>And the whole popup ({@link Popup}, name {@code popup} in {@code bench.only}) through the
 * popup's four functions ({@link PopupInstances}): one on-demand cold walk per round of cold
 * starts, each followed by {@code bench.popupWarm} warm walks on the same instances (default 20),
 * and {@code bench.snapRuns} walks on instances restored from a simulated SnapStart snapshot.
 */
public final class Bench {

  static final String ISSUER = "https://bench.example.test";
  static final Duration WAIT = Duration.ofSeconds(90);

  /** The baselines' Timeout (they have no template entry): the deadline of their invocations. */
  static final int BASELINE_TIMEOUT_SECONDS = 20;

  /** The name in {@code bench.only} that selects the popup scenario ({@link Popup}). */
  static final String POPUP = "popup";

  /** What to run. */
  record Options(
      int runs, int warm, int probeWarm, int snapRuns, int popupWarm, List<String> only) {
    static Options fromSystemProperties() {
      String only = System.getProperty("bench.only", "");
      return new Options(
          Integer.getInteger("bench.runs", 5),
          Integer.getInteger("bench.warm", 60),
          Integer.getInteger("bench.probeWarm", 200),
          Integer.getInteger("bench.snapRuns", 3),
          Integer.getInteger("bench.popupWarm", 20),
          only.isBlank() ? List.of() : List.of(only.split(",")));
    }

    boolean selects(String name) {
      return only.isEmpty() || only.contains(name);
    }
  }

  /**
   * The popup's walks: on-demand cold (one per round of cold starts), warm (on the same instances
   * after each cold walk), simulated SnapStart.
   */
  record PopupResult(List<Popup.Walk> cold, List<Popup.Walk> warm, List<Popup.Walk> snap) {}

  /** One thing to measure: a baseline or a function. */
  record Target(
      String name,
      Path artifact,
      String handler,
      int memoryMb,
      int timeoutSeconds,
      Map<String, String> environment,
      Optional<Scenario> scenario,
      String note) {}

  /** What one JVM showed. */
  record Run(
      double initMs,
      double firstResponseMs,
      double cpuToFirstResponseMs,
      List<Double> warmMs,
      long peakRssKb,
      List<Long> awsCalls,
      List<Double> awsMs,
      List<Double> ownMs,
      double restoreMs,
      double afterRestoreMs,
      long classes,
      long appClasses) {}

  /** Everything measured for one target. */
  record Result(
      Target target, long artifactBytes, List<Run> cold, Run probe, Run classes, List<Run> snap) {}

  private final Path root;
  private final Path out;
  private final Options options;
  private final List<Path> runtimeClasspath;
  private Scenarios scenarios;
  private Popup popup;
  private Map<Popup.Fn, Target> popupTargets;
  private final Map<Popup.Fn, Path> popupTasks = new LinkedHashMap<>();

  private Bench(Path root, Options options) throws IOException {
    this.root = root;
    this.out = root.resolve("bench/target");
    this.options = options;
    try (Stream<Path> jars = Files.list(out.resolve("runtime"))) {
      this.runtimeClasspath =
          jars.filter(p -> p.toString().endsWith(".jar"))
              .sorted(
                  Comparator.comparing(
                          (Path p) ->
                              !p.getFileName().toString().contains("runtime-interface-client"))
                      .thenComparing(Path::toString))
              .toList();
    }
    if (runtimeClasspath.isEmpty()) {
      throw new IllegalStateException("no Runtime Interface Client in " + out.resolve("runtime"));
    }
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.fromSystemProperties();
    Path root = ProjectRoot.find();
    new Bench(root, options).run();
  }

  private void run() throws Exception {
    Machine machine = Machine.describe();
    System.out.println("bench: " + machine.summary());
    List<Result> results = new ArrayList<>();
    try (Emulator emulator = Emulator.start();
        DynamoDbClient dynamo = emulator.dynamoDb();
        KmsClient kms = emulator.kms();
        PcoSimulator pco = Scenarios.startPco(ISSUER);
        // the login callback signs in at a real OpenID Provider over HTTP
        TestProvider oidc = TestProvider.start()) {
      // stop the emulator this run started even when the run is interrupted
      Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "bench-emulator-shutdown"));
      // with the local values of the parameters a deployment must set (parameters.local.properties)
      SamTemplate template = SamTemplate.fromProjectRoot();
      ProvisionedStack stack = new Provisioner(template, emulator).provision(Scenarios.SECRETS);
      JwksServer jwks = new JwksServer(Scenarios.jwks(stack, kms, ISSUER));
      Runtime.getRuntime().addShutdownHook(new Thread(jwks::close, "bench-jwks-shutdown"));
      scenarios = new Scenarios(stack, dynamo, kms, ISSUER, pco, jwks.url(), Optional.of(oidc));
      List<Target> all = targets(template, stack, scenarios);
      List<Target> selected = new ArrayList<>();
      for (Target target : all) {
        if (options.selects(target.name())) {
          selected.add(target);
        }
      }
      if (options.selects(POPUP)) {
        popupTargets = new java.util.EnumMap<>(Popup.Fn.class);
        for (Popup.Fn fn : Popup.Fn.values()) {
          Target target =
              all.stream()
                  .filter(t -> t.name().equals(fn.target) && t.scenario().isPresent())
                  .findFirst()
                  .orElseThrow(
                      () -> new IllegalStateException("popup: no artifact for " + fn.target));
          popupTargets.put(fn, target);
        }
        popup =
            new Popup(
                ISSUER,
                scenarios.environmentFor(Popup.Fn.PROMPT.logicalId),
                stack.secretValue("LoginBridgeKey"),
                stack.secretValue("IntegratorClientSecret"),
                pco.advanceUrl(),
                scenarios::pcoCode);
      }
      try (jwks) {
        results.addAll(measure(selected));
      }
    }
    String report = Report.markdown(machine, Machine.loadAverage(), options, results, popupResult);
    Files.writeString(out.resolve("results.md"), report);
    System.out.println(report);
    System.out.println("bench: written to " + out.resolve("results.md"));
  }

  private List<Target> targets(SamTemplate template, ProvisionedStack stack, Scenarios scenarios)
      throws IOException {
    List<Target> targets = new ArrayList<>();
    Map<String, String> globals = new LinkedHashMap<>();
    // the baselines get the same JVM options as the functions (template Globals) and the token
    // function's environment, whose table, key and secret the bare-SDK handler reads
    Map<String, String> tokenEnvironment = stack.environmentFor("TokenFunction", ISSUER);
    // (without the token function's trust store: a baseline trusts the JDK's cacerts, as a
    // straightforward function does, and has no such file in its task directory)
    globals.put(
        "JAVA_TOOL_OPTIONS",
        tokenEnvironment
            .getOrDefault("JAVA_TOOL_OPTIONS", "")
            .replaceAll("\\s*-Djavax\\.net\\.ssl\\.trustStore=\\S+", ""));
    globals.put("AWS_REGION", tokenEnvironment.get("AWS_REGION"));
    globals.put("AWS_ACCESS_KEY_ID", tokenEnvironment.get("AWS_ACCESS_KEY_ID"));
    globals.put("AWS_SECRET_ACCESS_KEY", tokenEnvironment.get("AWS_SECRET_ACCESS_KEY"));
    int memory =
        template.functions().values().stream()
            .findFirst()
            .map(SamFunction::memorySize)
            .orElse(1024);
    targets.add(
        new Target(
            "hello-world",
            out.resolve("baseline-hello-lambda.jar"),
            "org.pcohandshake.bench.baseline.HelloWorldHandler::handleRequest",
            memory,
            BASELINE_TIMEOUT_SECONDS,
            globals,
            Optional.of(Scenarios.ok("/hello")),
            "baseline: the JVM floor"));
    targets.add(
        new Target(
            "bare-sdk",
            out.resolve("baseline-bare-sdk-lambda.jar"),
            "org.pcohandshake.bench.baseline.BareSdkHandler::handleRequest",
            memory,
            BASELINE_TIMEOUT_SECONDS,
            tokenEnvironment,
            Optional.of(Scenarios.ok("/bare")),
            "baseline: default SDK clients, GetItem + Sign + GetSecretValue"));
    for (SamFunction function : template.functions().values()) {
      Path dir = root.resolve(function.codeUri()).resolve("target");
      String name = root.resolve(function.codeUri()).getFileName().toString();
      Path artifact = shadedJar(dir, name);
      Optional<Scenario> scenario = scenarios.forFunction(function.logicalId());
      String note = "";
      if (artifact == null) {
        note = "no artifact: build it first";
      } else if (!containsClass(artifact, function.handler())) {
        note = "skipped: its handler class is not in the artifact (not written yet)";
        scenario = Optional.empty();
      } else if (scenario.isEmpty()) {
        note = "skipped: no benchmark scenario for it yet";
      }
      int memoryMb = function.memorySize() > 0 ? function.memorySize() : memory;
      targets.add(
          new Target(
              name,
              artifact,
              function.handler(),
              memoryMb,
              function.timeoutSeconds(),
              scenarios.environmentFor(function.logicalId()),
              scenario,
              note));
      if (scenario.isPresent()) {
        // the function's other requests (the token function's refresh, PCO's other wait on it;
        // the broker's refresh and listing; ...), on the same artifact and environment
        scenarios
            .variants(function.logicalId())
            .forEach(
                (suffix, variant) ->
                    targets.add(
                        new Target(
                            name + "-" + suffix,
                            artifact,
                            function.handler(),
                            memoryMb,
                            function.timeoutSeconds(),
                            scenarios.environmentFor(function.logicalId()),
                            Optional.of(variant),
                            "")));
      }
      if (function.logicalId().equals("PcoCompleteFunction")
          && !scenarios.defaultPcoTokenMode().equals("store")
          && scenario.isPresent()) {
        // the other mode that calls PCO: it also encrypts and stores PCO's tokens
        targets.add(
            new Target(
                name + "-store",
                artifact,
                function.handler(),
                memoryMb,
                function.timeoutSeconds(),
                scenarios.pcoCompleteEnvironment("store"),
                Optional.of(scenarios.pcoComplete("store")),
                ""));
      }
    }
    return targets;
  }

  private static Path shadedJar(Path dir, String name) throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, name + "-*-lambda.jar")) {
      for (Path jar : jars) {
        return jar;
      }
    }
    return null;
  }

  private static boolean containsClass(Path jar, String handler) throws IOException {
    String className =
        handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
    try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
      return zip.getEntry(className.replace('.', '/') + ".class") != null;
    }
  }

  /**
   * Measures every target. The cold starts go round-robin (one of each target, then the next
   * round), so that a burst of other load on the machine hits all targets alike and the ratios
   * between them stay fair.
   */
  private List<Result> measure(List<Target> targets) throws Exception {
    if (popup != null) {
      for (Popup.Fn fn : Popup.Fn.values()) {
        Target target = popupTargets.get(fn);
        popupTasks.put(
            fn, extract(target.artifact(), out.resolve("tasks").resolve("popup-" + target.name())));
      }
    }
    List<Popup.Walk> popupCold = new ArrayList<>();
    List<Popup.Walk> popupWarm = new ArrayList<>();
    Map<Target, Path> tasks = new LinkedHashMap<>();
    Map<Target, List<Run>> cold = new LinkedHashMap<>();
    for (Target target : targets) {
      if (target.scenario().isPresent()) {
        tasks.put(target, extract(target.artifact(), out.resolve("tasks").resolve(target.name())));
        cold.put(target, new ArrayList<>());
      } else {
        System.out.println("bench: " + target.name() + ": " + target.note());
      }
    }
    for (int i = 0; i < options.runs(); i++) {
      for (Target target : cold.keySet()) {
        Scenario scenario = target.scenario().orElseThrow();
        prepare(scenario, 1 + options.warm());
        Run run =
            runOnce(target, tasks.get(target), scenario, options.warm(), Mode.COLD, "cold-" + i);
        cold.get(target).add(run);
        System.out.printf(
            Locale.ROOT,
            "bench: %s cold %d: init %.0f ms, first response %.0f ms (CPU %.0f ms), warm p50 %.2f ms,"
                + " peak RSS %d MB (load %s)%n",
            target.name(),
            i + 1,
            run.initMs(),
            run.firstResponseMs(),
            run.cpuToFirstResponseMs(),
            Stats.median(run.warmMs()),
            run.peakRssKb() / 1024,
            Machine.loadAverage());
      }
      if (popup != null) {
        // the popup's cold walk in the same round as every target's cold start
        scenarios.wipe();
        try (PopupInstances instances = PopupInstances.onDemand(launcher("cold-" + i))) {
          Popup.Walk walk = popup.walk(instances);
          popupCold.add(walk);
          print("cold " + (i + 1), walk);
          for (int w = 0; w < options.popupWarm(); w++) {
            popupWarm.add(popup.walk(instances));
          }
        }
      }
    }
    List<Result> results = new ArrayList<>();
    for (Target target : targets) {
      if (!cold.containsKey(target)) {
        long size = target.artifact() == null ? 0 : Files.size(target.artifact());
        results.add(new Result(target, size, List.of(), null, null, List.of()));
        continue;
      }
      Scenario scenario = target.scenario().orElseThrow();
      Path task = tasks.get(target);
      prepare(scenario, 1 + options.probeWarm());
      Run probe = runOnce(target, task, scenario, options.probeWarm(), Mode.PROBE, "probe");
      System.out.printf(
          Locale.ROOT,
          "bench: %s probe: AWS calls cold %d, warm %d; own work p50 %.2f ms (load %s)%n",
          target.name(),
          probe.awsCalls().get(0),
          probe.awsCalls().size() > 1 ? probe.awsCalls().get(1) : 0,
          Stats.median(
              probe.ownMs().subList(Math.min(1, probe.ownMs().size()), probe.ownMs().size())),
          Machine.loadAverage());
      prepare(scenario, 1);
      Run classes = runOnce(target, task, scenario, 0, Mode.CLASSES, "classes");
      List<Run> snap = new ArrayList<>();
      for (int i = 0; i < options.snapRuns(); i++) {
        prepare(scenario, 1);
        snap.add(runOnce(target, task, scenario, 0, Mode.SNAPSTART, "snap-" + i));
      }
      results.add(
          new Result(
              target, Files.size(target.artifact()), cold.get(target), probe, classes, snap));
    }
    if (popup != null) {
      List<Popup.Walk> popupSnap = new ArrayList<>();
      for (int i = 0; i < options.snapRuns(); i++) {
        scenarios.wipe();
        try (PopupInstances instances = PopupInstances.snapStart(launcher("snap-" + i))) {
          Popup.Walk walk = popup.walk(instances);
          popupSnap.add(walk);
          print("SnapStart " + (i + 1), walk);
        }
      }
      popupResult = new PopupResult(popupCold, popupWarm, popupSnap);
    }
    return results;
  }

  private PopupResult popupResult;

  /** How the popup starts a function's JVM: as {@link #runOnce} does, logs per run. */
  private PopupInstances.Launcher launcher(String label) {
    return (fn, snapStart) -> {
      Target target = popupTargets.get(fn);
      List<String> flags = new ArrayList<>();
      Map<String, String> extraEnv = new LinkedHashMap<>();
      if (snapStart) {
        snapStart(flags, extraEnv);
      }
      return new LambdaProcess.Launch(
          target.name(),
          target.handler(),
          popupTasks.get(fn),
          runtimeClasspath,
          target.memoryMb(),
          target.environment(),
          flags,
          extraEnv,
          out.resolve("logs").resolve("popup-" + target.name() + "-" + label + ".log"));
    };
  }

  /** What Lambda does for a SnapStart version: the runtime runs the CRaC hooks, then restores. */
  private static void snapStart(List<String> flags, Map<String, String> extraEnv) {
    flags.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
    extraEnv.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
  }

  private static void print(String what, Popup.Walk walk) {
    StringBuilder hops = new StringBuilder();
    for (Popup.Step step : walk.steps()) {
      hops.append(String.format(Locale.ROOT, " %.0f", step.ms()));
    }
    System.out.printf(
        Locale.ROOT,
        "bench: popup %s: total %.0f ms (hops%s), CPU %.0f ms, login app %.1f ms (load %s)%n",
        what,
        walk.totalMs(),
        hops,
        walk.cpuMs(),
        walk.loginAppMs(),
        Machine.loadAverage());
  }

  enum Mode {
    COLD,
    PROBE,
    CLASSES,
    SNAPSTART
  }

  private Run runOnce(
      Target target, Path task, Scenario scenario, int warm, Mode mode, String label)
      throws Exception {
    List<String> flags = new ArrayList<>();
    Map<String, String> extraEnv = new LinkedHashMap<>();
    Path probeFile = null;
    Path classLog = null;
    Path lib = task.resolve("lib");
    switch (mode) {
      case COLD -> {}
      case PROBE -> {
        probeFile = Files.createTempFile(out, "probe-", ".bin");
        Files.write(probeFile, new byte[16]);
        flags.add("-Dpcohandshake.bench.probeFile=" + probeFile);
        Files.createDirectories(lib);
        Files.copy(
            out.resolve("aws-time-probe.jar"),
            lib.resolve("aws-time-probe.jar"),
            StandardCopyOption.REPLACE_EXISTING);
      }
      case CLASSES -> {
        classLog = out.resolve("logs").resolve(target.name() + "-classes.log");
        Files.createDirectories(classLog.getParent());
        Files.deleteIfExists(classLog);
        flags.add("-Xlog:class+load=info:file=" + classLog);
      }
      case SNAPSTART -> {
        snapStart(flags, extraEnv);
      }
    }
    Path log = out.resolve("logs").resolve(target.name() + "-" + label + ".log");
    Files.createDirectories(log.getParent());
    Files.deleteIfExists(log);
    LambdaProcess.Launch launch =
        new LambdaProcess.Launch(
            target.name(),
            target.handler(),
            task,
            runtimeClasspath,
            target.memoryMb(),
            target.environment(),
            flags,
            extraEnv,
            log);
    String arn = "arn:aws:lambda:us-east-1:123456789012:function:" + target.name();
    // each invocation's deadline is the function's Timeout, as in Lambda (keep-alive budgets by it)
    try (RuntimeApiServer api =
        new RuntimeApiServer(arn, Duration.ofSeconds(target.timeoutSeconds()))) {
      // the cold request is waiting when the JVM starts, as it is for a cold start in Lambda
      RuntimeApiServer.Invocation first = api.invoke(scenario.payload(0));
      LongBuffer totals = probeFile == null ? null : map(probeFile);
      long[] before = {0, 0};
      try (LambdaProcess process = LambdaProcess.start(launch, api)) {
        process.failOnExit(api, target.name(), log);
        RuntimeApiServer.Outcome outcome = await(first, log);
        check(scenario, outcome, target, log);
        double init = Stats.millis(api.initDone.get() - process.startedNanos());
        double firstResponse = Stats.millis(outcome.receivedNanos() - process.startedNanos());
        double cpu = process.cpuMillis();
        double restore = Double.NaN;
        double afterRestore = Double.NaN;
        if (mode == Mode.SNAPSTART) {
          long restoreAt = api.restoreNext.get();
          restore = Stats.millis(restoreAt - process.startedNanos());
          afterRestore = Stats.millis(outcome.receivedNanos() - restoreAt);
        }
        List<Long> awsCalls = new ArrayList<>();
        List<Double> awsMs = new ArrayList<>();
        List<Double> ownMs = new ArrayList<>();
        if (totals != null) {
          awsCalls.add(totals.get(0));
          awsMs.add(Stats.millis(totals.get(1)));
          ownMs.add(Double.NaN); // the cold request waited for init: no own time
          before = new long[] {totals.get(0), totals.get(1)};
        }
        List<Double> warmMs = new ArrayList<>();
        for (int i = 1; i <= warm; i++) {
          RuntimeApiServer.Invocation invocation = api.invoke(scenario.payload(i));
          RuntimeApiServer.Outcome answer = await(invocation, log);
          double total = Stats.millis(answer.receivedNanos() - invocation.enqueuedNanos);
          check(scenario, answer, target, log);
          warmMs.add(total);
          if (totals != null) {
            long calls = totals.get(0) - before[0];
            long nanos = totals.get(1) - before[1];
            before = new long[] {totals.get(0), totals.get(1)};
            awsCalls.add(calls);
            awsMs.add(Stats.millis(nanos));
            ownMs.add(total - Stats.millis(nanos));
          }
        }
        long rss = process.peakRssKb();
        long classes = 0;
        long appClasses = 0;
        if (classLog != null) {
          // the log is written as classes load; the first response has been sent
          List<String> lines = Files.readAllLines(classLog);
          classes = lines.stream().filter(l -> l.contains("source:")).count();
          appClasses =
              lines.stream()
                  .filter(l -> l.contains("source:"))
                  .filter(l -> !l.contains("source: jrt:/") && !l.contains("shared objects file"))
                  .count();
        }
        return new Run(
            init,
            firstResponse,
            cpu,
            warmMs,
            rss,
            awsCalls,
            awsMs,
            ownMs,
            restore,
            afterRestore,
            classes,
            appClasses);
      } finally {
        if (probeFile != null) {
          Files.deleteIfExists(lib.resolve("aws-time-probe.jar"));
          Files.deleteIfExists(probeFile);
        }
      }
    }
  }

  private static RuntimeApiServer.Outcome await(RuntimeApiServer.Invocation invocation, Path log)
      throws InterruptedException, TimeoutException {
    try {
      return invocation.outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          e.getCause().getMessage() + " (log: " + log + ")", e.getCause());
    }
  }

  private static void check(
      Scenario scenario, RuntimeApiServer.Outcome outcome, Target target, Path log) {
    if (outcome.error()) {
      throw new IllegalStateException(
          target.name() + " answered an error: " + outcome.body() + " (log: " + log + ")");
    }
    try {
      scenario.checkAnswer(outcome.body());
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          target.name() + ": " + e.getMessage() + " (log: " + log + ")", e);
    }
  }

  private static LongBuffer map(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return channel.map(FileChannel.MapMode.READ_ONLY, 0, 16).asLongBuffer();
    }
  }

  private void prepare(Scenario scenario, int invocations) {
    scenarios.wipe();
    scenario.prepare(invocations);
  }

  /** Unzips the artifact into a fresh task root, as Lambda unpacks a .jar or .zip package. */
  static Path extract(Path artifact, Path task) throws IOException {
    if (Files.exists(task)) {
      try (Stream<Path> walk = Files.walk(task)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(task);
    try (InputStream in = Files.newInputStream(artifact);
        ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
        Path target = task.resolve(entry.getName()).normalize();
        if (!target.startsWith(task)) {
          throw new IOException("entry outside the task root: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return task;
  }
}
