package org.pcohandshake.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The selection order of {@link EmulatorChoice}, every branch, without starting anything. */
class EmulatorChoiceTest {

  private static final Path MOTO = Path.of("/opt/venv/bin/moto_server");
  private static final String ENDPOINT = "http://127.0.0.1:4566";
  private static final String SOCKET = "unix:///var/run/docker.sock";
  private static final String NO_DOCKER = "tried unix:///var/run/docker.sock: no such socket";

  /** A Docker probe that must not run: the choice did not depend on Docker. */
  private static final Supplier<EmulatorChoice.Docker> DOCKER_UNTOUCHED =
      () -> {
        throw new AssertionError("Docker was probed although the choice did not need it");
      };

  private static final Supplier<EmulatorChoice.Docker> DOCKER_ANSWERS =
      () -> EmulatorChoice.Docker.answering(SOCKET);

  private static final Supplier<EmulatorChoice.Docker> NO_DOCKER_ENGINE =
      () -> EmulatorChoice.Docker.none(NO_DOCKER);

  private static EmulatorSettings env(String... keyValues) {
    return new EmulatorSettings(pairs(keyValues), Map.of());
  }

  private static Map<String, String> pairs(String... keyValues) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  // --- the automatic order -------------------------------------------------------------------

  @Test
  void endpointUrl_comesFirst_evenWhenMotoIsInstalled() {
    EmulatorChoice choice =
        EmulatorChoice.choose(
            env("AWS_ENDPOINT_URL", ENDPOINT), Optional.of(MOTO), DOCKER_UNTOUCHED);
    EmulatorChoice.External external = assertInstanceOf(EmulatorChoice.External.class, choice);
    assertEquals(URI.create(ENDPOINT), external.endpoint());
    assertEquals("AWS_ENDPOINT_URL is set", external.reason());
  }

  @Test
  void endpointUrl_isTrimmed() {
    EmulatorChoice choice =
        EmulatorChoice.choose(
            env("AWS_ENDPOINT_URL", "  " + ENDPOINT + " \n"), Optional.empty(), DOCKER_UNTOUCHED);
    assertEquals(
        URI.create(ENDPOINT), assertInstanceOf(EmulatorChoice.External.class, choice).endpoint());
  }

  @Test
  void blankEndpointUrl_countsAsUnset() {
    EmulatorChoice choice =
        EmulatorChoice.choose(env("AWS_ENDPOINT_URL", "  "), Optional.of(MOTO), DOCKER_UNTOUCHED);
    assertInstanceOf(EmulatorChoice.Moto.class, choice);
  }

  @Test
  void moto_comesSecond_andDockerIsNotProbed() {
    EmulatorChoice choice = EmulatorChoice.choose(env(), Optional.of(MOTO), DOCKER_UNTOUCHED);
    EmulatorChoice.Moto moto = assertInstanceOf(EmulatorChoice.Moto.class, choice);
    assertEquals(MOTO, moto.executable());
    assertEquals("AWS_ENDPOINT_URL is not set and moto_server is installed", moto.reason());
  }

  @Test
  void localStack_comesThird_whenDockerAnswers() {
    EmulatorChoice choice = EmulatorChoice.choose(env(), Optional.empty(), DOCKER_ANSWERS);
    EmulatorChoice.LocalStack localStack =
        assertInstanceOf(EmulatorChoice.LocalStack.class, choice);
    assertEquals(EmulatorSettings.DEFAULT_LOCALSTACK_IMAGE, localStack.image());
    assertEquals(SOCKET, localStack.dockerHost());
    assertEquals(
        "AWS_ENDPOINT_URL is not set, moto_server is not installed, and Docker answers",
        localStack.reason());
  }

  @Test
  void localStackImage_isPinned() {
    assertTrue(
        EmulatorSettings.DEFAULT_LOCALSTACK_IMAGE.matches(
            "localstack/localstack:\\d+\\.\\d+\\.\\d+"),
        EmulatorSettings.DEFAULT_LOCALSTACK_IMAGE);
  }

  @Test
  void localStackImage_canBeOverridden_propertyBeforeVariable() {
    EmulatorChoice byVariable =
        EmulatorChoice.choose(
            env("PCO_LOCALSTACK_IMAGE", "localstack/localstack:9.9.9"),
            Optional.empty(),
            DOCKER_ANSWERS);
    assertEquals(
        "localstack/localstack:9.9.9",
        assertInstanceOf(EmulatorChoice.LocalStack.class, byVariable).image());
    EmulatorChoice byProperty =
        EmulatorChoice.choose(
            new EmulatorSettings(
                Map.of("PCO_LOCALSTACK_IMAGE", "localstack/localstack:9.9.9"),
                Map.of("pco.localstack.image", "localstack/localstack:8.8.8")),
            Optional.empty(),
            DOCKER_ANSWERS);
    assertEquals(
        "localstack/localstack:8.8.8",
        assertInstanceOf(EmulatorChoice.LocalStack.class, byProperty).image());
  }

  @Test
  void nothingAvailable_failsSayingExactlyWhatToInstall() {
    EmulatorChoice choice = EmulatorChoice.choose(env(), Optional.empty(), NO_DOCKER_ENGINE);
    EmulatorChoice.Unavailable unavailable =
        assertInstanceOf(EmulatorChoice.Unavailable.class, choice);
    assertEquals(
        "No AWS emulator for the tests: AWS_ENDPOINT_URL is not set, moto_server is neither on"
            + " the PATH nor in <project root>/.venv/bin, and no Docker engine answers (tried"
            + " unix:///var/run/docker.sock: no such socket). Do one of these:\n"
            + "  - install moto, in the project root (the directory holding template.yaml):"
            + " python3 -m venv .venv && .venv/bin/pip install 'moto[server]==5.2.1'\n"
            + "  - or install and start Docker: the tests then run LocalStack"
            + " (localstack/localstack:4.12.0) through Testcontainers\n"
            + "  - or set AWS_ENDPOINT_URL to an AWS emulator that is already running, e.g."
            + " AWS_ENDPOINT_URL=http://127.0.0.1:4566",
        unavailable.message());
  }

  @Test
  void dockerIsProbedOnce_andOnlyWhenMotoIsMissing() {
    AtomicInteger probes = new AtomicInteger();
    EmulatorChoice.choose(
        env(),
        Optional.empty(),
        () -> {
          probes.incrementAndGet();
          return NO_DOCKER_ENGINE.get();
        });
    assertEquals(1, probes.get());
  }

  @Test
  void malformedEndpointUrl_isReported() {
    EmulatorChoice choice =
        EmulatorChoice.choose(
            env("AWS_ENDPOINT_URL", "127.0.0.1:4566"), Optional.of(MOTO), DOCKER_UNTOUCHED);
    String message = assertInstanceOf(EmulatorChoice.Unavailable.class, choice).message();
    assertTrue(
        message.startsWith("AWS_ENDPOINT_URL=127.0.0.1:4566 is not an endpoint URL"), message);
    assertTrue(message.endsWith("set it to e.g. http://127.0.0.1:4566, or unset it."), message);
  }

  // --- forced choices ------------------------------------------------------------------------

  @Test
  void forcedLocalStack_winsOverEndpointAndMoto() {
    EmulatorChoice choice =
        EmulatorChoice.choose(
            env("AWS_ENDPOINT_URL", ENDPOINT, "PCO_EMULATOR", "localstack"),
            Optional.of(MOTO),
            DOCKER_ANSWERS);
    EmulatorChoice.LocalStack localStack =
        assertInstanceOf(EmulatorChoice.LocalStack.class, choice);
    assertEquals("forced by PCO_EMULATOR=localstack", localStack.reason());
  }

  @Test
  void forcedLocalStack_withoutDocker_failsSayingWhatToDo() {
    EmulatorChoice choice =
        EmulatorChoice.choose(
            env("PCO_EMULATOR", "localstack"), Optional.of(MOTO), NO_DOCKER_ENGINE);
    assertEquals(
        "PCO_EMULATOR=localstack asks for LocalStack, which runs in Docker through Testcontainers,"
            + " but no Docker engine answers (tried unix:///var/run/docker.sock: no such socket)."
            + " Install and start Docker (or point DOCKER_HOST at a running engine), or drop"
            + " PCO_EMULATOR=localstack to use moto (python3 -m venv .venv && .venv/bin/pip"
            + " install 'moto[server]==5.2.1') or AWS_ENDPOINT_URL.",
        assertInstanceOf(EmulatorChoice.Unavailable.class, choice).message());
  }

  @Test
  void forcedLocalStack_bySystemProperty_namesThePropertyInTheMessage() {
    EmulatorChoice choice =
        EmulatorChoice.choose(
            new EmulatorSettings(Map.of(), Map.of("pco.emulator", "localstack")),
            Optional.empty(),
            NO_DOCKER_ENGINE);
    String message = assertInstanceOf(EmulatorChoice.Unavailable.class, choice).message();
    assertTrue(message.startsWith("-Dpco.emulator=localstack asks for LocalStack"), message);
  }

  @Test
  void forcedMoto_winsOverEndpoint_withoutProbingDocker() {
    EmulatorChoice choice =
        EmulatorChoice.choose(
            env("AWS_ENDPOINT_URL", ENDPOINT, "PCO_EMULATOR", "moto"),
            Optional.of(MOTO),
            DOCKER_UNTOUCHED);
    EmulatorChoice.Moto moto = assertInstanceOf(EmulatorChoice.Moto.class, choice);
    assertEquals(MOTO, moto.executable());
    assertEquals("forced by PCO_EMULATOR=moto", moto.reason());
  }

  @Test
  void forcedMoto_missing_failsEvenWhenDockerAnswers() {
    EmulatorChoice choice =
        EmulatorChoice.choose(env("PCO_EMULATOR", "moto"), Optional.empty(), DOCKER_UNTOUCHED);
    assertEquals(
        "PCO_EMULATOR=moto asks for moto, but moto_server is neither on the PATH nor in <project"
            + " root>/.venv/bin. Install it in the project root (the directory holding"
            + " template.yaml): python3 -m venv .venv && .venv/bin/pip install 'moto[server]==5.2.1', or"
            + " put moto_server on the PATH.",
        assertInstanceOf(EmulatorChoice.Unavailable.class, choice).message());
  }

  @Test
  void forcedEndpoint_usesAwsEndpointUrl() {
    EmulatorChoice choice =
        EmulatorChoice.choose(
            env("AWS_ENDPOINT_URL", ENDPOINT, "PCO_EMULATOR", "endpoint"),
            Optional.of(MOTO),
            DOCKER_UNTOUCHED);
    EmulatorChoice.External external = assertInstanceOf(EmulatorChoice.External.class, choice);
    assertEquals(URI.create(ENDPOINT), external.endpoint());
    assertEquals("forced by PCO_EMULATOR=endpoint", external.reason());
  }

  @Test
  void forcedEndpoint_withoutAwsEndpointUrl_failsInsteadOfFallingBack() {
    EmulatorChoice choice =
        EmulatorChoice.choose(env("PCO_EMULATOR", "endpoint"), Optional.of(MOTO), DOCKER_UNTOUCHED);
    assertEquals(
        "PCO_EMULATOR=endpoint asks for the emulator in AWS_ENDPOINT_URL, but AWS_ENDPOINT_URL is"
            + " not set. Set it to an AWS emulator that is already running, e.g."
            + " AWS_ENDPOINT_URL=http://127.0.0.1:4566, or choose another emulator (auto, moto,"
            + " localstack).",
        assertInstanceOf(EmulatorChoice.Unavailable.class, choice).message());
  }

  @Test
  void forcedAuto_isTheDefaultOrder() {
    EmulatorChoice choice =
        EmulatorChoice.choose(env("PCO_EMULATOR", "auto"), Optional.of(MOTO), DOCKER_UNTOUCHED);
    EmulatorChoice.Moto moto = assertInstanceOf(EmulatorChoice.Moto.class, choice);
    assertEquals(
        "forced by PCO_EMULATOR=auto: AWS_ENDPOINT_URL is not set and moto_server is installed",
        moto.reason());
  }

  @Test
  void systemProperty_winsOverEnvironmentVariable() {
    EmulatorChoice choice =
        EmulatorChoice.choose(
            new EmulatorSettings(
                Map.of("PCO_EMULATOR", "localstack"), Map.of("pco.emulator", "moto")),
            Optional.of(MOTO),
            DOCKER_UNTOUCHED);
    assertEquals(
        "forced by -Dpco.emulator=moto",
        assertInstanceOf(EmulatorChoice.Moto.class, choice).reason());
  }

  @Test
  void forcedValue_ignoresCaseAndSpaces() {
    EmulatorChoice choice =
        EmulatorChoice.choose(
            env("PCO_EMULATOR", " LocalStack "), Optional.of(MOTO), DOCKER_ANSWERS);
    assertInstanceOf(EmulatorChoice.LocalStack.class, choice);
  }

  @Test
  void unknownForcedValue_listsTheKnownOnes() {
    EmulatorChoice choice =
        EmulatorChoice.choose(env("PCO_EMULATOR", "docker"), Optional.of(MOTO), DOCKER_UNTOUCHED);
    assertEquals(
        "PCO_EMULATOR=docker is not an emulator this project knows: use auto, endpoint, moto or"
            + " localstack (-Dpco.emulator=... or PCO_EMULATOR=...).",
        assertInstanceOf(EmulatorChoice.Unavailable.class, choice).message());
  }

  @Test
  void blankForcedValue_countsAsUnset() {
    EmulatorChoice choice =
        EmulatorChoice.choose(
            new EmulatorSettings(Map.of("PCO_EMULATOR", " "), Map.of("pco.emulator", "")),
            Optional.of(MOTO),
            DOCKER_UNTOUCHED);
    assertEquals(
        "AWS_ENDPOINT_URL is not set and moto_server is installed",
        assertInstanceOf(EmulatorChoice.Moto.class, choice).reason());
  }
}
