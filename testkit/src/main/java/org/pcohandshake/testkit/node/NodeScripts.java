package org.pcohandshake.testkit.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Node scripts of a directory that has a {@code package.json} and {@code
 * package-lock.json} ({@code local/src/test/node}): installs their packages once with {@code npm
 * ci} (again only when the lock is newer than {@code node_modules}), then runs {@code node script
 * args} with the given environment and returns what it printed.
 */
public final class NodeScripts {

  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  private final Path directory;

  private NodeScripts(Path directory) {
    this.directory = directory;
  }

  /**
   * The scripts of {@code directory}, their packages installed.
   *
   * @throws IllegalStateException when node or npm is missing or the install fails, saying what to
   *     do
   */
  public static synchronized NodeScripts in(Path directory) {
    Path lock = directory.resolve("package-lock.json");
    Path modules = directory.resolve("node_modules");
    try {
      if (!Files.isDirectory(modules)
          || Files.getLastModifiedTime(lock).compareTo(Files.getLastModifiedTime(modules)) > 0) {
        System.err.println(
            "[testkit] npm ci in " + directory + " (the AWS SDK for JavaScript) ...");
        Result install =
            run(
                directory,
                List.of("npm", "ci", "--no-audit", "--no-fund"),
                Map.of(),
                INSTALL_TIMEOUT);
        if (install.exitCode() != 0) {
          throw new IllegalStateException(
              "npm ci failed in "
                  + directory
                  + " (exit "
                  + install.exitCode()
                  + "):\n"
                  + install.stderr());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new NodeScripts(directory);
  }

  /** What a script printed and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {}

  /** Runs {@code node script args...} in the directory with {@code environment} added. */
  public Result node(String script, Map<String, String> environment, String... args) {
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    return run(directory, command, environment, RUN_TIMEOUT);
  }

  private static Result run(
      Path directory, List<String> command, Map<String, String> environment, Duration timeout) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().putAll(environment);
    try {
      Path out = Files.createTempFile("node-out", ".txt");
      Path err = Files.createTempFile("node-err", ".txt");
      try {
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(
              String.join(" ", command) + " took longer than " + timeout);
        }
        return new Result(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot run "
              + command.get(0)
              + " ("
              + e.getMessage()
              + "): install Node.js and npm"
              + " (Debian: apt-get install nodejs npm); .ci/run does.",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
