package org.pcohandshake.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@link DockerProbe} looks for an engine, and its answers for hosts that cannot exist. */
class DockerProbeTest {

  @TempDir Path home;

  @Test
  void dockerHost_isTheOnlyCandidate_whenSet() {
    EmulatorSettings settings =
        EmulatorSettings.ofEnvironment(
            Map.of("DOCKER_HOST", "tcp://10.0.0.1:2375", "HOME", home.toString()));
    assertEquals(List.of("tcp://10.0.0.1:2375"), DockerProbe.candidates(settings));
  }

  @Test
  void withoutDockerHost_theUsualSocketsAreTried() {
    EmulatorSettings settings =
        EmulatorSettings.ofEnvironment(
            Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", "/run/user/1000"));
    List<String> candidates = DockerProbe.candidates(settings);
    assertTrue(candidates.contains("unix:///var/run/docker.sock"), candidates.toString());
    assertTrue(candidates.contains("unix:///run/user/1000/docker.sock"), candidates.toString());
    assertTrue(
        candidates.contains("unix://" + home.resolve(".docker/run/docker.sock")),
        candidates.toString());
  }

  @Test
  void testcontainersProperties_comeFirst() throws IOException {
    Files.writeString(
        home.resolve(".testcontainers.properties"), "docker.host=tcp\\://127.0.0.1\\:2375\n");
    EmulatorSettings settings = EmulatorSettings.ofEnvironment(Map.of("HOME", home.toString()));
    assertEquals("tcp://127.0.0.1:2375", DockerProbe.candidates(settings).get(0));
  }

  @Test
  void missingSocket_isReportedAtOnce() {
    Path socket = home.resolve("docker.sock");
    long start = System.nanoTime();
    DockerProbe.Status status =
        DockerProbe.probe(List.of("unix://" + socket), Duration.ofSeconds(2));
    assertFalse(status.answers());
    assertEquals("tried unix://" + socket + ": no such socket", status.detail());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 1000);
  }

  @Test
  void unsupportedOrMalformedHosts_doNotAnswer() {
    assertEquals(
        Optional.of("unsupported scheme 'ssh'"),
        DockerProbe.ping("ssh://user@host", Duration.ofSeconds(1)));
    assertEquals(
        Optional.of("not a Docker host URL"),
        DockerProbe.ping("unix://a b", Duration.ofSeconds(1)));
  }

  @Test
  void noCandidates_saysSo() {
    DockerProbe.Status status = DockerProbe.probe(List.of(), Duration.ofSeconds(1));
    assertFalse(status.answers());
    assertEquals("no Docker host to try", status.detail());
  }
}
