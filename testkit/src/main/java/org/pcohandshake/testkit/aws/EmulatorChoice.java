package org.pcohandshake.testkit.aws;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which AWS endpoint the tests use. {@link #choose} is the one place that decides, in this order:
 *
 * <ol>
 *   <li>{@code AWS_ENDPOINT_URL}, when set: an emulator that is already running;
 *   <li>else moto ({@code moto_server} on the PATH or in {@code <project root>/.venv/bin});
 *   <li>else, when a Docker engine answers, LocalStack started through Testcontainers;
 *   <li>else nothing, with a message that says what to install.
 * </ol>
 *
 * <p>{@code -Dpco.emulator=endpoint|moto|localstack} (or the environment variable {@code
 * PCO_EMULATOR}) forces one of them, and fails with the same kind of message when it is not
 * available; {@code auto} is the default order.
 *
 * <p>The decision is a pure function of its inputs, so every branch is unit-testable without
 * starting anything.
 */
public sealed interface EmulatorChoice {

  /** The command that installs moto into the project's virtual environment. */
  String MOTO_INSTALL = "python3 -m venv .venv && .venv/bin/pip install 'moto[server]==5.2.1'";

  /** The values {@code pco.emulator} / {@code PCO_EMULATOR} take. */
  enum Kind {
    AUTO,
    ENDPOINT,
    MOTO,
    LOCALSTACK;

    /** The value as written in {@code pco.emulator}. */
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Kind> parse(String value) {
      for (Kind kind : values()) {
        if (kind.value().equalsIgnoreCase(value.trim())) {
          return Optional.of(kind);
        }
      }
      return Optional.empty();
    }
  }

  /** Why this emulator, for the line the suite prints, e.g. {@code AWS_ENDPOINT_URL is set}. */
  String reason();

  /** Use the emulator already running at {@code endpoint}. */
  record External(URI endpoint, String reason) implements EmulatorChoice {}

  /** Start this {@code moto_server}. */
  record Moto(Path executable, String reason) implements EmulatorChoice {}

  /** Start LocalStack from {@code image} through Testcontainers, on the engine at dockerHost. */
  record LocalStack(String image, String dockerHost, String reason) implements EmulatorChoice {}

  /**
   * Whether a Docker engine answers, as Testcontainers' own discovery finds it.
   *
   * @param answers true when an engine answered
   * @param detail the engine that answered (e.g. {@code unix:///var/run/docker.sock}), or why none
   */
  record Docker(boolean answers, String detail) {

    /** An engine answered at {@code host}. */
    public static Docker answering(String host) {
      return new Docker(true, host);
    }

    /** No engine answered; {@code detail} says why. */
    public static Docker none(String detail) {
      return new Docker(false, detail);
    }
  }

  /** Nothing to use; {@code message} says exactly what to install or set. */
  record Unavailable(String message) implements EmulatorChoice {
    @Override
    public String reason() {
      return message;
    }
  }

  /**
   * Picks the emulator.
   *
   * @param settings the environment variables and system properties
   * @param motoServer the {@code moto_server} found on the PATH or in the project's {@code .venv}
   * @param docker probes whether a Docker engine answers; called only when the choice depends on it
   *     (moto missing, or LocalStack forced), so nothing touches Docker otherwise
   */
  static EmulatorChoice choose(
      EmulatorSettings settings, Optional<Path> motoServer, Supplier<Docker> docker) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(motoServer, "motoServer");
    Objects.requireNonNull(docker, "docker");
    Optional<EmulatorSettings.Forced> forced = settings.forced();
    Kind kind = Kind.AUTO;
    if (forced.isPresent()) {
      Optional<Kind> parsed = Kind.parse(forced.get().value());
      if (parsed.isEmpty()) {
        return new Unavailable(
            forced.get().source()
                + " is not an emulator this project knows: use auto, endpoint, moto or localstack"
                + " (-D"
                + EmulatorSettings.EMULATOR_PROPERTY
                + "=... or "
                + EmulatorSettings.EMULATOR_VARIABLE
                + "=...).");
      }
      kind = parsed.get();
    }
    String by = forced.map(f -> "forced by " + f.source()).orElse("");
    return switch (kind) {
      case ENDPOINT -> endpoint(settings, by).orElseGet(() -> endpointMissing(forced.get()));
      case MOTO ->
          motoServer
              .<EmulatorChoice>map(path -> new Moto(path, by))
              .orElseGet(() -> motoMissing(forced.get()));
      case LOCALSTACK -> localStack(settings, docker.get(), by, forced.get());
      case AUTO -> auto(settings, motoServer, docker, forced.isPresent() ? by + ": " : "");
    };
  }

  private static EmulatorChoice auto(
      EmulatorSettings settings,
      Optional<Path> motoServer,
      Supplier<Docker> docker,
      String prefix) {
    Optional<EmulatorChoice> endpoint =
        endpoint(settings, prefix + EmulatorSettings.ENDPOINT_VARIABLE + " is set");
    if (endpoint.isPresent()) {
      return endpoint.get();
    }
    if (motoServer.isPresent()) {
      return new Moto(
          motoServer.get(),
          prefix + EmulatorSettings.ENDPOINT_VARIABLE + " is not set and moto_server is installed");
    }
    Docker status = docker.get();
    if (status.answers()) {
      return new LocalStack(
          settings.localStackImage(),
          status.detail(),
          prefix
              + EmulatorSettings.ENDPOINT_VARIABLE
              + " is not set, moto_server is not installed, and Docker answers");
    }
    return new Unavailable(
        "No AWS emulator for the tests: "
            + EmulatorSettings.ENDPOINT_VARIABLE
            + " is not set, moto_server is neither on the PATH nor in <project root>/.venv/bin,"
            + " and no Docker engine answers ("
            + status.detail()
            + "). Do one of these:\n"
            + "  - install moto, in the project root (the directory holding template.yaml): "
            + MOTO_INSTALL
            + "\n"
            + "  - or install and start Docker: the tests then run LocalStack ("
            + settings.localStackImage()
            + ") through Testcontainers\n"
            + "  - or set "
            + EmulatorSettings.ENDPOINT_VARIABLE
            + " to an AWS emulator that is already running, e.g. "
            + EmulatorSettings.ENDPOINT_VARIABLE
            + "=http://127.0.0.1:4566");
  }

  private static Optional<EmulatorChoice> endpoint(EmulatorSettings settings, String reason) {
    return settings
        .endpointUrl()
        .map(
            url -> {
              try {
                URI uri = new URI(url);
                if (uri.getScheme() == null || uri.getHost() == null) {
                  throw new URISyntaxException(url, "needs a scheme and a host");
                }
                return new External(uri, reason);
              } catch (URISyntaxException e) {
                return new Unavailable(
                    EmulatorSettings.ENDPOINT_VARIABLE
                        + "="
                        + url
                        + " is not an endpoint URL ("
                        + e.getMessage()
                        + "): set it to e.g. http://127.0.0.1:4566, or unset it.");
              }
            });
  }

  private static EmulatorChoice endpointMissing(EmulatorSettings.Forced forced) {
    return new Unavailable(
        forced.source()
            + " asks for the emulator in "
            + EmulatorSettings.ENDPOINT_VARIABLE
            + ", but "
            + EmulatorSettings.ENDPOINT_VARIABLE
            + " is not set. Set it to an AWS emulator that is already running, e.g. "
            + EmulatorSettings.ENDPOINT_VARIABLE
            + "=http://127.0.0.1:4566, or choose another emulator (auto, moto, localstack).");
  }

  private static EmulatorChoice motoMissing(EmulatorSettings.Forced forced) {
    return new Unavailable(
        forced.source()
            + " asks for moto, but moto_server is neither on the PATH nor in <project"
            + " root>/.venv/bin. Install it in the project root (the directory holding"
            + " template.yaml): "
            + MOTO_INSTALL
            + ", or put moto_server on the PATH.");
  }

  private static EmulatorChoice localStack(
      EmulatorSettings settings, Docker status, String reason, EmulatorSettings.Forced forced) {
    if (status.answers()) {
      return new LocalStack(settings.localStackImage(), status.detail(), reason);
    }
    return new Unavailable(
        forced.source()
            + " asks for LocalStack, which runs in Docker through Testcontainers, but no Docker"
            + " engine answers ("
            + status.detail()
            + "). Install and start Docker (or point DOCKER_HOST at a running engine), or drop "
            + forced.source()
            + " to use moto ("
            + MOTO_INSTALL
            + ") or "
            + EmulatorSettings.ENDPOINT_VARIABLE
            + ".");
  }
}
