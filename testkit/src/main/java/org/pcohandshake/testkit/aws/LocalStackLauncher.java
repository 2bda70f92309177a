package org.pcohandshake.testkit.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Asks Testcontainers whether a Docker engine answers, and starts LocalStack (DynamoDB, KMS,
 * Secrets Manager) there with Testcontainers' LocalStack module. The only class of the testkit that
 * refers to Testcontainers: the JVM loads it, and so Testcontainers, only when the emulator choice
 * depends on Docker (moto missing, or LocalStack forced).
 */
final class LocalStackLauncher {

  /** The services the template needs. */
  static final String[] SERVICES = {"dynamodb", "kms", "secretsmanager"};

  /** How long the container may take to say it is ready (the image pull comes before). */
  static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

  /** The environment variable holding a LocalStack auth token, passed on when set. */
  static final String AUTH_TOKEN_VARIABLE = "LOCALSTACK_AUTH_TOKEN";

  /** How long Docker discovery may take: a stuck engine costs this, never a hang. */
  static final Duration DOCKER_TIMEOUT = Duration.ofSeconds(5);

  private LocalStackLauncher() {}

  /**
   * Whether Testcontainers' own discovery ({@code DOCKER_HOST}, {@code
   * ~/.testcontainers.properties}, the usual sockets) finds an engine that answers, within {@link
   * #DOCKER_TIMEOUT}: on an engine that accepts connections and never answers it would wait without
   * bound.
   */
  static EmulatorChoice.Docker docker() {
    FutureTask<EmulatorChoice.Docker> discovery =
        new FutureTask<>(
            () -> {
              DockerClientFactory factory = DockerClientFactory.instance();
              factory.client();
              return EmulatorChoice.Docker.answering(
                  String.valueOf(factory.getTransportConfig().getDockerHost()));
            });
    Thread.ofPlatform().daemon().name("docker-discovery").start(discovery);
    try {
      return discovery.get(DOCKER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return EmulatorChoice.Docker.none("Testcontainers: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      return EmulatorChoice.Docker.none(
          "Testcontainers had no answer within " + DOCKER_TIMEOUT.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EmulatorChoice.Docker.none("interrupted while looking for Docker");
    }
  }

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
