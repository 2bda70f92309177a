package org.pcohandshake.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcohandshake.testkit.sam.ProjectRoot;

/**
 * The emulator choice on a real machine: what this one picks when nothing is forced, and that
 * forcing LocalStack where no Docker engine answers (none, or one that never answers) fails within
 * seconds, with the message.
 */
class EmulatorSelectionIT {

  /** Forcing LocalStack without Docker must fail well within this. */
  private static final Duration FAIL_FAST = Duration.ofSeconds(10);

  @TempDir Path dir;

  private static Map<String, String> environmentWith(String... keyValues) {
    Map<String, String> environment = new HashMap<>(System.getenv());
    for (int i = 0; i < keyValues.length; i += 2) {
      environment.put(keyValues[i], keyValues[i + 1]);
    }
    return environment;
  }

  private static IllegalStateException failsFast(EmulatorSettings settings) {
    long start = System.nanoTime();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Emulator.start(settings).close());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(FAIL_FAST) < 0, "took " + took.toMillis() + " ms");
    return e;
  }

  @Test
  void withNothingForced_thisMachineUsesMoto_andSaysSo() {
    EmulatorSettings settings = EmulatorSettings.current();
    assumeTrue(settings.endpointUrl().isEmpty(), "AWS_ENDPOINT_URL is set");
    assumeTrue(settings.forced().isEmpty(), "an emulator is forced: " + settings);
    assumeTrue(
        Emulator.findMotoServer(System.getenv(), ProjectRoot.tryFind()).isPresent(),
        "moto_server is not installed here");
    Emulator emulator = Emulator.shared();
    assertEquals(EmulatorChoice.Kind.MOTO, emulator.kind());
    assertTrue(
        emulator.description().matches("moto 127\\.0\\.0\\.1:\\d+ \\(serial\\) from .*"),
        emulator.description());
  }

  /**
   * Testcontainers reads {@code DOCKER_HOST} from the real environment, so a stand-in engine needs
   * a JVM of its own: this one forces LocalStack and prints how long the choice took and its
   * message.
   */
  public static final class ForcedLocalStack {
    public static void main(String[] args) {
      long start = System.nanoTime();
      try {
        Emulator.start(EmulatorSettings.current()).close();
        System.out.println("started");
      } catch (IllegalStateException e) {
        System.out.println((System.nanoTime() - start) / 1_000_000 + "\n" + e.getMessage());
      }
    }
  }

  /** Runs {@link ForcedLocalStack} with DOCKER_HOST; its lines: milliseconds, then the message. */
  private static List<String> forcedLocalStackWith(String dockerHost)
      throws IOException, InterruptedException {
    ProcessBuilder child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ForcedLocalStack.class.getName())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    child.environment().put("PCO_EMULATOR", "localstack");
    child.environment().put("DOCKER_HOST", dockerHost);
    Process process = child.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
    List<String> lines = output.lines().toList();
    assertTrue(lines.size() >= 2, output);
    assertTrue(Long.parseLong(lines.get(0)) < FAIL_FAST.toMillis(), "took " + lines.get(0) + " ms");
    return lines;
  }

  @Test
  void forcedLocalStack_withNoDockerSocket_failsFast_sayingWhatToDo()
      throws IOException, InterruptedException {
    Path socket = dir.resolve("docker.sock");
    String message = forcedLocalStackWith("unix://" + socket).get(1);
    assertTrue(
        message.startsWith(
            "PCO_EMULATOR=localstack asks for LocalStack, which runs in Docker through"
                + " Testcontainers, but no Docker engine answers (Testcontainers: "),
        message);
    assertTrue(
        message.endsWith(
            "). Install and start Docker (or point DOCKER_HOST at a running"
                + " engine), or drop PCO_EMULATOR=localstack to use moto (python3 -m venv .venv &&"
                + " .venv/bin/pip install 'moto[server]==5.2.1') or AWS_ENDPOINT_URL."),
        message);
  }

  @Test
  void forcedLocalStack_onThisMachineWithoutDocker_failsFast() {
    EmulatorSettings settings =
        new EmulatorSettings(System.getenv(), Map.of("pco.emulator", "localstack"));
    assumeFalse(LocalStackLauncher.docker().answers(), "Docker answers on this machine");
    IllegalStateException e = failsFast(settings);
    assertTrue(
        e.getMessage()
            .startsWith(
                "-Dpco.emulator=localstack asks for LocalStack, which runs in Docker through"
                    + " Testcontainers, but no Docker engine answers ("),
        e.getMessage());
    assertTrue(e.getMessage().contains("Install and start Docker"), e.getMessage());
  }

  @Test
  void forcedLocalStack_withADockerSocketThatNeverAnswers_failsWithinTheDiscoveryTimeout()
      throws IOException, InterruptedException {
    Path socket = dir.resolve("stuck.sock");
    List<SocketChannel> accepted = new ArrayList<>();
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(server.accept());
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      String message = forcedLocalStackWith("unix://" + socket).get(1);
      assertTrue(
          message.contains(
              "(Testcontainers had no answer within "
                  + LocalStackLauncher.DOCKER_TIMEOUT.toMillis()
                  + " ms)"),
          message);
    } finally {
      for (SocketChannel channel : accepted) {
        channel.close();
      }
    }
  }

  @Test
  void forcedMoto_startsMoto_evenWhenAnEndpointIsSet() {
    EmulatorSettings settings =
        EmulatorSettings.ofEnvironment(
            environmentWith("PCO_EMULATOR", "moto", "AWS_ENDPOINT_URL", "http://127.0.0.1:1"));
    assumeTrue(
        Emulator.findMotoServer(settings.environment(), ProjectRoot.tryFind()).isPresent(),
        "moto_server is not installed here");
    try (Emulator emulator = Emulator.start(settings)) {
      assertEquals(EmulatorChoice.Kind.MOTO, emulator.kind());
      assertTrue(
          emulator.description().endsWith("(forced by PCO_EMULATOR=moto)"), emulator.description());
    }
  }

  @Test
  void anEndpoint_isUsedAsIs_andDescribedAsExternal() {
    try (Emulator emulator =
        Emulator.start(
            EmulatorSettings.ofEnvironment(
                environmentWith("AWS_ENDPOINT_URL", "http://127.0.0.1:4566/")))) {
      assertEquals(EmulatorChoice.Kind.ENDPOINT, emulator.kind());
      assertEquals(
          "external AWS_ENDPOINT_URL=http://127.0.0.1:4566 (AWS_ENDPOINT_URL is set)",
          emulator.description());
    }
  }
}
