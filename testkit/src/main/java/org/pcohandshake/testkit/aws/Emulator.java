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
 * <p>When the environment variable {@code AWS_ENDPOINT_URL} is set, that endpoint is used and
 * nothing is started. Otherwise {@code moto_server} is started on a free loopback port (found on
 * the PATH, else in {@code <project root>/.venv/bin}); its output goes to {@code
 * target/moto-<port>.log} under the working directory, and {@link #close()} stops it.
 */
public final class Emulator implements AutoCloseable {

  /** The environment variable the AWS SDK (and this class) read the endpoint from. */
  public static final String ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL";

  /** How long a started moto_server may take to answer HTTP. */
  public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

  private static final String EXECUTABLE = "moto_server";
  private static final String INSTALL_HINT =
      "Install it in the project: python3 -m venv .venv && .venv/bin/pip install 'moto[server]'"
          + " (run that in the directory holding template.yaml), or put moto_server on the PATH,"
          + " or set "
          + ENDPOINT_VARIABLE
          + " to a running emulator (e.g. http://127.0.0.1:5000).";
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 20;

  private static Emulator shared;

  private final URI endpoint;
  private final Process process;
  private final Path log;

  private Emulator(URI endpoint, Process process, Path log) {
    this.endpoint = endpoint;
    this.process = process;
    this.log = log;
  }

  /**
   * The endpoint in {@code AWS_ENDPOINT_URL} if set, else a newly started moto_server. Close it
   * when done (that stops the process it started, if any).
   *
   * @throws IllegalStateException when moto_server is missing, or does not answer in time
   */
  public static Emulator start() {
    String configured = System.getenv(ENDPOINT_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      return external(URI.create(configured.trim()));
    }
    return startMoto(findExecutable());
  }

  /** An emulator that is already running at {@code endpoint}; close() leaves it running. */
  public static Emulator external(URI endpoint) {
    return new Emulator(Objects.requireNonNull(endpoint, "endpoint"), null, null);
  }

  /**
   * One emulator per JVM, started on first use and stopped by a shutdown hook, so every test class
   * shares it. Do not close it.
   */
  public static synchronized Emulator shared() {
    if (shared == null) {
      Emulator emulator = start();
      Runtime.getRuntime().addShutdownHook(new Thread(emulator::stop, "testkit-emulator-shutdown"));
      shared = emulator;
    }
    return shared;
  }

  /** The endpoint, e.g. {@code http://127.0.0.1:43127}. */
  public URI endpoint() {
    return endpoint;
  }

  /** The endpoint as a string without a trailing slash, for {@code AWS_ENDPOINT_URL}. */
  public String endpointUrl() {
    String url = endpoint.toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** True when this instance started (and will stop) a moto_server process. */
  public boolean startedProcess() {
    return process != null;
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
    return "Emulator[" + endpointUrl() + (process == null ? ", external]" : ", moto_server]");
  }

  private void stop() {
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

  static Path findExecutable() {
    List<Path> candidates = new ArrayList<>();
    String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isBlank()) {
        candidates.add(Path.of(dir, EXECUTABLE));
      }
    }
    ProjectRoot.tryFind()
        .ifPresent(root -> candidates.add(root.resolve(".venv/bin/" + EXECUTABLE)));
    return candidates.stream()
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Cannot find "
                        + EXECUTABLE
                        + " (the AWS emulator) on the PATH nor in <project root>/.venv/bin. "
                        + INSTALL_HINT));
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

  private static Emulator startMoto(Path executable) {
    IllegalStateException lastFailure = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = freePort();
      Path log = logFile(port);
      Process process;
      try {
        List<String> command = new ArrayList<>(serialLauncher(executable));
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
      Emulator emulator = new Emulator(URI.create("http://127.0.0.1:" + port), process, log);
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
