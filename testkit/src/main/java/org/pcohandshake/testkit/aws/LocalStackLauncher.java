package org.pcohandshake.testkit.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Starts LocalStack (DynamoDB, KMS, Secrets Manager) in Docker with Testcontainers' LocalStack
 * module. The only class of the testkit that refers to Testcontainers: the JVM loads it, and so
 * Testcontainers, only when {@link EmulatorChoice} picked LocalStack.
 */
final class LocalStackLauncher {

  /** The services the template needs. */
  static final String[] SERVICES = {"dynamodb", "kms", "secretsmanager"};

  /** How long the container may take to say it is ready (the image pull comes before). */
  static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

  /** The environment variable holding a LocalStack auth token, passed on when set. */
  static final String AUTH_TOKEN_VARIABLE = "LOCALSTACK_AUTH_TOKEN";

  private LocalStackLauncher() {}

  /**
   * A running LocalStack.
   *
   * @param endpoint where it answers, e.g. {@code http://127.0.0.1:32771}
   * @param containerId the Docker container id
   * @param stop stops and removes the container
   */
  record Started(URI endpoint, String containerId, AutoCloseable stop) {}

  /**
   * Starts a container from {@code image}.
   *
   * @param environment where {@value #AUTH_TOKEN_VARIABLE} is read from
   * @throws RuntimeException from Testcontainers when Docker cannot start it
   */
  static Started start(String image, Map<String, String> environment) {
    LocalStackContainer container =
        new LocalStackContainer(DockerImageName.parse(image))
            .withServices(SERVICES)
            .withStartupTimeout(STARTUP_TIMEOUT);
    String token = environment.get(AUTH_TOKEN_VARIABLE);
    if (token != null && !token.isBlank()) {
      container.withEnv(AUTH_TOKEN_VARIABLE, token);
    }
    try {
      container.start();
    } catch (RuntimeException e) {
      container.close();
      throw e;
    }
    return new Started(container.getEndpoint(), container.getContainerId(), container::stop);
  }
}
