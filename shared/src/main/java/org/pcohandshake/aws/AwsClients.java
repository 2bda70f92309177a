package org.pcohandshake.aws;

import java.net.URI;
import java.time.Duration;
import org.pcohandshake.config.Config;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds the AWS clients once, at init, the fast way: the URL-connection HTTP client, the region
 * and credentials provider named explicitly (no provider chain lookups), {@code AWS_ENDPOINT_URL}
 * honoured for emulators, and deliberate retries: the SDK's standard mode (3 attempts with jittered
 * exponential backoff), each attempt bounded so that a whole call stays far inside the function
 * timeout and API Gateway's 30 s limit.
 */
public final class AwsClients {

  /** One attempt at an AWS call. */
  public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

  /** A whole AWS call including retries. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(6);

  private final Config config;
  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;

  public AwsClients(Config config) {
    this.config = config;
    this.credentials = credentials(config.raw());
    this.http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(ATTEMPT_TIMEOUT)
            .build();
  }

  public DynamoDbClient dynamoDb() {
    return configure(DynamoDbClient.builder()).httpClient(http).build();
  }

  public KmsClient kms() {
    return configure(KmsClient.builder()).httpClient(http).build();
  }

  public SecretsManagerClient secretsManager() {
    return configure(SecretsManagerClient.builder()).httpClient(http).build();
  }

  /**
   * Credentials from the function's environment, as Lambda provides them: the variables {@code
   * AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN}, or, where
   * Lambda serves them from a container endpoint (SnapStart), that endpoint.
   */
  static AwsCredentialsProvider credentials(java.util.Map<String, String> env) {
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (id != null && secret != null) {
      String session = env.get("AWS_SESSION_TOKEN");
      return StaticCredentialsProvider.create(
          session == null
              ? AwsBasicCredentials.create(id, secret)
              : AwsSessionCredentials.create(id, secret, session));
    }
    if (env.containsKey("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
      return ContainerCredentialsProvider.create();
    }
    return EnvironmentVariableCredentialsProvider.create();
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
    builder
        .region(Region.of(config.awsRegion()))
        .credentialsProvider(credentials)
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD)
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .apiCallTimeout(CALL_TIMEOUT)
                .build());
    if (!config.awsEndpointUrl().isEmpty()) {
      builder.endpointOverride(URI.create(config.awsEndpointUrl()));
    }
    return builder;
  }
}
