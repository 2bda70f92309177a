package org.pcohandshake.aws;

import java.net.URI;
import java.time.Duration;
import org.pcohandshake.config.Config;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
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

  public AwsClients(Config config) {
    this.config = config;
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

  private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
    builder
        .region(Region.of(config.awsRegion()))
        .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
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
