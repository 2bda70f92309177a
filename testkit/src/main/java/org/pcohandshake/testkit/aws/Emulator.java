package org.pcohandshake.testkit.aws;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.pcohandshake.testkit.sam.ProjectRoot;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The AWS endpoint (DynamoDB, KMS, Secrets Manager) that local runs and tests talk to.
 *
 * <p>{@link EmulatorChoice} decides which: the endpoint in {@code AWS_ENDPOINT_URL} when set
 * (nothing is started); else {@code moto_server} (on the PATH, else in {@code <project
 * root>/.venv/bin}), started on a free loopback port, serving one request at a time, with its
 * output in {@code target/moto-<port>.log} under the working directory; else, when a Docker engine
 * answers, LocalStack started with Testcontainers; else it fails saying what to install. {@code
 * -Dpco.emulator} or {@code PCO_EMULATOR} forces one. {@link #close()} stops what was started.
 */
public final class Emulator implements AutoCloseable {

  /** The environment variable the AWS SDK (and this class) read the endpoint from. */
  public static final String ENDPOINT_VARIABLE = EmulatorSettings.ENDPOINT_VARIABLE;

  /**
   * How the line {@link #shared()} prints once per JVM starts, e.g. {@code AWS emulator: moto
   * 127.0.0.1:40123 (serial) ...}.
   */
  public static final String ANNOUNCEMENT_PREFIX = "AWS emulator: ";

  /** How long a started moto_server may take to answer HTTP. */
  public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

  private static final String EXECUTABLE = "moto_server";
  private static final String INSTALL_HINT =
      "Install it in the project: "
          + EmulatorChoice.MOTO_INSTALL
          + " (run that in the directory holding template.yaml), or put moto_server on the PATH,"
          + " or set "
          + ENDPOINT_VARIABLE
          + " to a running emulator (e.g. http://127.0.0.1:5000).";
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 20;

  private static Emulator shared;
  private static RuntimeException sharedFailure;

  private final URI endpoint;
  private final EmulatorChoice.Kind kind;
  private final String description;
  private final Process process;
  private final Path log;
  private final AutoCloseable container;

  private Emulator(
      URI endpoint,
      EmulatorChoice.Kind kind,
      String description,
      Process process,
      Path log,
      AutoCloseable container) {
    this.endpoint = endpoint;
    this.kind = kind;
    this.description = description;
    this.process = process;
    this.log = log;
    this.container = container;
  }

  /**
   * The emulator {@link EmulatorChoice} picks for this JVM's environment variables and system
   * properties, started if need be. Close it when done (that stops what it started, if anything).
   *
   * @throws IllegalStateException saying what to install when no emulator is available, or when the
   *     chosen one does not start
   */
  public static Emulator start() {
    return start(EmulatorSettings.current());
  }

  /** {@link #start()} with the given settings instead of this JVM's. */
  public static Emulator start(EmulatorSettings settings) {
    return start(choose(settings), settings);
  }

  /**
   * Which emulator {@link #start(EmulatorSettings)} would use, without starting it: looks for
   * moto_server, and probes Docker only when moto is missing or LocalStack is forced.
   */
  public static EmulatorChoice choose(EmulatorSettings settings) {
    return EmulatorChoice.choose(
        settings,
        findMotoServer(settings.environment(), ProjectRoot.tryFind()),
        () -> LocalStackLauncher.docker());
  }

  /** Starts (or, for an endpoint, just uses) what {@code choice} names. */
  static Emulator start(EmulatorChoice choice, EmulatorSettings settings) {
    return switch (choice) {
      case EmulatorChoice.External external ->
          new Emulator(
              external.endpoint(),
              EmulatorChoice.Kind.ENDPOINT,
              "external "
                  + ENDPOINT_VARIABLE
                  + "="
                  + trimSlash(external.endpoint())
                  + " ("
                  + external.reason()
                  + ")",
              null,
              null,
              null);
      case EmulatorChoice.Moto moto -> startMoto(moto.executable(), moto.reason());
      case EmulatorChoice.LocalStack localStack -> startLocalStack(localStack, settings);
      case EmulatorChoice.Unavailable unavailable ->
          throw new IllegalStateException(unavailable.message());
    };
  }

  /** An emulator that is already running at {@code endpoint}; close() leaves it running. */
  public static Emulator external(URI endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    return new Emulator(
        endpoint,
        EmulatorChoice.Kind.ENDPOINT,
        "external " + trimSlash(endpoint),
        null,
        null,
        null);
  }

  /**
   * One emulator per JVM, started on first use and stopped by a shutdown hook, so every test class
   * shares it. Prints which emulator it is to stderr, once ({@code AWS emulator: ...}). Do not
   * close it.
   *
   * @throws IllegalStateException when no emulator is available; later calls throw the same failure
   *     at once, without looking again
   */
  public static synchronized Emulator shared() {
    if (shared == null) {
      if (sharedFailure != null) {
        throw new IllegalStateException(sharedFailure.getMessage(), sharedFailure);
      }
      Emulator emulator;
      try {
        emulator = start();
      } catch (RuntimeException e) {
        sharedFailure = e;
        System.err.println(ANNOUNCEMENT_PREFIX + "none. " + e.getMessage());
        throw e;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(emulator::stop, "testkit-emulator-shutdown"));
      shared = emulator;
      System.err.println(ANNOUNCEMENT_PREFIX + emulator.description());
    }
    return shared;
  }

  /** The endpoint, e.g. {@code http://127.0.0.1:43127}. */
  public URI endpoint() {
    return endpoint;
  }

  /** The endpoint as a string without a trailing slash, for {@code AWS_ENDPOINT_URL}. */
  public String endpointUrl() {
    return trimSlash(endpoint);
  }

  /** True when this instance started (and will stop) a moto_server process. */
  public boolean startedProcess() {
    return process != null;
  }

  /** Which kind of emulator this is: ENDPOINT (external), MOTO or LOCALSTACK. */
  public EmulatorChoice.Kind kind() {
    return kind;
  }

  /**
   * What the emulator is and why it was chosen, e.g. {@code moto 127.0.0.1:40123 (serial) ...},
   * {@code LocalStack (Testcontainers) localstack/localstack:... at http://...}, or {@code external
   * AWS_ENDPOINT_URL=http://...}.
   */
  public String description() {
    return description;
  }

  /** The file the started moto_server writes its output to, if this instance started one. */
  public Optional<Path> logFile() {
    return Optional.ofNullable(log);
  }

  /** A new DynamoDB client for this emulator; close it when done. */
  public DynamoDbClient dynamoDb() {
    return AwsClients.dynamoDb(endpoint);
  }

  /** A new KMS client for this emulator; close it when done. */
  public KmsClient kms() {
    return AwsClients.kms(endpoint);
  }

  /** A new Secrets Manager client for this emulator; close it when done. */
  public SecretsManagerClient secretsManager() {
    return AwsClients.secretsManager(endpoint);
  }

  /**
   * Stops the moto_server this instance started (and its child processes). Does nothing for an
   * external endpoint, nor for {@link #shared()} (its shutdown hook stops it).
   */
  @Override
  public void close() {
    synchronized (Emulator.class) {
      if (this == shared) {
        return;
      }
    }
    stop();
  }

  @Override
  public String toString() {
    return "Emulator[" + endpointUrl() + ", " + kind.value() + "]";
  }

  private void stop() {
    if (container != null) {
      try {
        container.close();
      } catch (Exception e) {
        System.err.println("Could not stop the LocalStack container: " + e.getMessage());
      }
    }
    if (process == null) {
      return;
    }
    List<ProcessHandle> children = process.descendants().toList();
    children.forEach(ProcessHandle::destroy);
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
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * The moto_server found on the PATH, else in {@code <project root>/.venv/bin}.
   *
   * @throws IllegalStateException saying how to install it, when there is none
   */
  static Path findExecutable() {
    return findMotoServer(System.getenv(), ProjectRoot.tryFind())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Cannot find "
                        + EXECUTABLE
                        + " (the AWS emulator) on the PATH nor in <project root>/.venv/bin. "
                        + INSTALL_HINT));
  }

  /**
   * The first executable {@code moto_server} in the directories of {@code PATH}, else in {@code
   * <projectRoot>/.venv/bin}.
   */
  static Optional<Path> findMotoServer(
      Map<String, String> environment, Optional<Path> projectRoot) {
    List<Path> candidates = new ArrayList<>();
    String path = Objects.requireNonNullElse(environment.get("PATH"), "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isBlank()) {
        candidates.add(Path.of(dir, EXECUTABLE));
      }
    }
    projectRoot.ifPresent(root -> candidates.add(root.resolve(".venv/bin/" + EXECUTABLE)));
    return candidates.stream()
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }

  /**
   * The command that starts moto serving one request at a time (see {@code moto_serial.py}): the
   * Python next to moto runs the launcher. Falls back to plain {@code moto_server} when no such
   * Python is found.
   */
  static List<String> serialLauncher(Path executable) {
    List<Path> pythons = new ArrayList<>();
    pythons.add(executable.resolveSibling("python"));
    pythons.add(executable.resolveSibling("python3"));
    String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isBlank()) {
        pythons.add(Path.of(dir, "python3"));
      }
    }
    for (Path python : pythons) {
      if (Files.isExecutable(python) && importsMoto(python)) {
        try {
          Path launcher = Files.createTempFile("moto_serial", ".py");
          launcher.toFile().deleteOnExit();
          try (var in = Emulator.class.getResourceAsStream("moto_serial.py")) {
            Files.write(launcher, in.readAllBytes());
          }
          return List.of(python.toString(), launcher.toString());
        } catch (IOException e) {
          break;
        }
      }
    }
    return List.of(executable.toString());
  }

  private static boolean importsMoto(Path python) {
    try {
      Process check =
          // find_spec locates the packages without importing moto, which takes seconds
          new ProcessBuilder(
                  python.toString(),
                  "-c",
                  "import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in"
                      + " ('moto', 'werkzeug', 'flask')) else 1)")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return check.waitFor(20, TimeUnit.SECONDS) && check.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Emulator startMoto(Path executable, String reason) {
    IllegalStateException lastFailure = null;
    List<String> launcher = serialLauncher(executable);
    boolean serial = !launcher.get(0).equals(executable.toString());
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = freePort();
      Path log = logFile(port);
      Process process;
      try {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(port)));
        process =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
      } catch (IOException e) {
        throw new IllegalStateException(
            "Cannot run " + executable + ": " + e.getMessage() + ". " + INSTALL_HINT, e);
      }
      String description =
          "moto 127.0.0.1:"
              + port
              + (serial
                  ? " (serial)"
                  : " (threaded: no Python that imports moto was found, so conditional writes"
                      + " are not atomic)")
              + " from "
              + executable
              + ", log "
              + log
              + (reason.isEmpty() ? "" : " (" + reason + ")");
      Emulator emulator =
          new Emulator(
              URI.create("http://127.0.0.1:" + port),
              EmulatorChoice.Kind.MOTO,
              description,
              process,
              log,
              null);
      try {
        emulator.awaitReady();
        return emulator;
      } catch (IllegalStateException e) {
        emulator.stop();
        lastFailure = e;
        if (process.isAlive() || !tail(log).contains("already in use")) {
          throw e;
        }
        // Another process took the port between probing and binding: try another one.
      }
    }
    throw lastFailure;
  }

  private static Emulator startLocalStack(
      EmulatorChoice.LocalStack choice, EmulatorSettings settings) {
    System.err.println(
        "Starting LocalStack ("
            + choice.image()
            + ") through Testcontainers on "
            + choice.dockerHost()
            + "; the first run pulls the image");
    LocalStackLauncher.Started started;
    try {
      started = LocalStackLauncher.start(choice.image(), settings.environment());
    } catch (NoClassDefFoundError e) {
      throw new IllegalStateException(
          "LocalStack was chosen ("
              + choice.reason()
              + "), but Testcontainers' LocalStack module"
              + " (org.testcontainers:testcontainers-localstack) is not on the classpath: add it"
              + " to the test dependencies, or use moto ("
              + EmulatorChoice.MOTO_INSTALL
              + ").",
          e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "LocalStack ("
              + choice.image()
              + ") did not start through Testcontainers on the Docker engine at "
              + choice.dockerHost()
              + ": "
              + e.getMessage()
              + ". If the image needs a license, set "
              + LocalStackLauncher.AUTH_TOKEN_VARIABLE
              + "; another image can be chosen with -D"
              + EmulatorSettings.IMAGE_PROPERTY
              + " or "
              + EmulatorSettings.IMAGE_VARIABLE
              + "; or use moto: "
              + EmulatorChoice.MOTO_INSTALL
              + ".",
          e);
    }
    String description =
        "LocalStack (Testcontainers) "
            + choice.image()
            + " at "
            + trimSlash(started.endpoint())
            + ", container "
            + started.containerId().substring(0, Math.min(12, started.containerId().length()))
            + " on "
            + choice.dockerHost()
            + (choice.reason().isEmpty() ? "" : " (" + choice.reason() + ")");
    return new Emulator(
        started.endpoint(),
        EmulatorChoice.Kind.LOCALSTACK,
        description,
        null,
        null,
        started.stop());
  }

  private static String trimSlash(URI uri) {
    String url = uri.toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            EXECUTABLE
                + " exited with code "
                + process.exitValue()
                + " before answering at "
                + endpointUrl()
                + ". Last lines of "
                + log
                + ":\n"
                + tail(log));
      }
      if (answers()) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + EXECUTABLE, e);
      }
    }
    throw new IllegalStateException(
        EXECUTABLE
            + " did not answer HTTP at "
            + endpointUrl()
            + " within "
            + STARTUP_TIMEOUT.toSeconds()
            + " s. Last lines of "
            + log
            + ":\n"
            + tail(log));
  }

  private boolean answers() {
    try {
      HttpURLConnection connection =
          (HttpURLConnection) URI.create(endpointUrl() + "/moto-api/").toURL().openConnection();
      connection.setConnectTimeout(500);
      connection.setReadTimeout(2000);
      try {
        return connection.getResponseCode() > 0;
      } finally {
        connection.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free loopback port for the emulator", e);
    }
  }

  private static Path logFile(int port) {
    Path dir = Path.of("target").toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + dir + " for the emulator log", e);
    }
    return dir.resolve("moto-" + port + ".log");
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
