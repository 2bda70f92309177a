package org.pcohandshake.testkit.aws;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What the user asked for about the AWS emulator: the environment variables and system properties
 * {@link EmulatorChoice} reads. A value object, so the choice can be tested without touching the
 * real environment.
 *
 * @param environment environment variables ({@code AWS_ENDPOINT_URL}, {@code PCO_EMULATOR}, {@code
 *     PCO_LOCALSTACK_IMAGE}, {@code PATH}, {@code LOCALSTACK_AUTH_TOKEN}...)
 * @param properties system properties ({@code pco.emulator}, {@code pco.localstack.image}...)
 */
public record EmulatorSettings(Map<String, String> environment, Map<String, String> properties) {

  /** The environment variable with the endpoint of an emulator that is already running. */
  public static final String ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL";

  /** The system property that forces one emulator: auto, endpoint, moto or localstack. */
  public static final String EMULATOR_PROPERTY = "pco.emulator";

  /** The environment variable that forces one emulator, when the system property is not set. */
  public static final String EMULATOR_VARIABLE = "PCO_EMULATOR";

  /** The system property naming the LocalStack image to start instead of the pinned one. */
  public static final String IMAGE_PROPERTY = "pco.localstack.image";

  /** The environment variable naming the LocalStack image, when the property is not set. */
  public static final String IMAGE_VARIABLE = "PCO_LOCALSTACK_IMAGE";

  /**
   * The LocalStack image started through Testcontainers, pinned so every run gets the same
   * emulator. Override it with {@link #IMAGE_PROPERTY} or {@link #IMAGE_VARIABLE}.
   */
  public static final String DEFAULT_LOCALSTACK_IMAGE = "localstack/localstack:4.12.0";

  public EmulatorSettings {
    environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    properties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
  }

  /** This JVM's environment variables and system properties. */
  public static EmulatorSettings current() {
    return new EmulatorSettings(System.getenv(), stringProperties(System.getProperties()));
  }

  /** Settings from environment variables only (for tests). */
  public static EmulatorSettings ofEnvironment(Map<String, String> environment) {
    return new EmulatorSettings(environment, Map.of());
  }

  /** {@code AWS_ENDPOINT_URL}, trimmed, when set and not blank. */
  public Optional<String> endpointUrl() {
    return nonBlank(environment.get(ENDPOINT_VARIABLE));
  }

  /**
   * The forced choice as the user wrote it, e.g. {@code -Dpco.emulator=localstack} or {@code
   * PCO_EMULATOR=localstack}: the system property wins over the environment variable.
   */
  public Optional<Forced> forced() {
    Optional<String> property = nonBlank(properties.get(EMULATOR_PROPERTY));
    if (property.isPresent()) {
      return Optional.of(
          new Forced(property.get(), "-D" + EMULATOR_PROPERTY + "=" + property.get()));
    }
    return nonBlank(environment.get(EMULATOR_VARIABLE))
        .map(value -> new Forced(value, EMULATOR_VARIABLE + "=" + value));
  }

  /** The LocalStack image to start: the override, else {@link #DEFAULT_LOCALSTACK_IMAGE}. */
  public String localStackImage() {
    return nonBlank(properties.get(IMAGE_PROPERTY))
        .or(() -> nonBlank(environment.get(IMAGE_VARIABLE)))
        .orElse(DEFAULT_LOCALSTACK_IMAGE);
  }

  /** Leaves the environment out: it may hold secrets. */
  @Override
  public String toString() {
    return "EmulatorSettings[forced="
        + forced().map(Forced::source).orElse("none")
        + ", endpoint="
        + endpointUrl().orElse("none")
        + ", localStackImage="
        + localStackImage()
        + "]";
  }

  /**
   * A forced choice.
   *
   * @param value what the user wrote, e.g. {@code localstack}
   * @param source how, for messages, e.g. {@code PCO_EMULATOR=localstack}
   */
  public record Forced(String value, String source) {}

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  private static Map<String, String> stringProperties(Properties properties) {
    Map<String, String> map = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      map.put(name, properties.getProperty(name));
    }
    return map;
  }
}
