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
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds the AWS clients once, at init, the fast way: the URL-connection HTTP client, the region
 * and credentials provider named explicitly (no provider chain lookups), {@code AWS_ENDPOINT_URL}
 * honoured for emulators, and deliberate retries (see {@link #retryStrategy()} and
 * docs/reliability.md): at most {@value #MAX_ATTEMPTS} attempts with full-jitter exponential
 * backoff, each attempt and each whole call bounded, so that a call that cannot succeed ends well
 * inside the function timeout and API Gateway's 30 s limit, and the caller answers 503; and all the
 * calls of one request together stay within its {@link Deadline}.
 */
public final class AwsClients {

  /** Attempts per AWS call, the first included (the SDK's standard mode). */
  public static final int MAX_ATTEMPTS = 3;

  /**
   * Backoff before a retry after a 5xx, a timeout or an I/O error: full jitter up to 2^n × this.
   */
  public static final Duration BACKOFF_BASE = Duration.ofMillis(100);

  /** Backoff before a retry after throttling (the services ask for a longer pause). */
  public static final Duration THROTTLING_BACKOFF_BASE = Duration.ofMillis(500);

  /** No single backoff is longer than this. */
  public static final Duration BACKOFF_MAX = Duration.ofSeconds(2);

  /** Connecting to an AWS endpoint. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /** One attempt at an AWS call. */
  public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

  /** A whole AWS call including retries and backoff. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(6);

  private final Config config;
  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;

  /**
   * The trust store the functions that call only AWS name in {@code JAVA_TOOL_OPTIONS}
   * (template.yaml): the roots AWS service endpoints chain to, five certificates where the JDK's
   * cacerts has about 140, which every cold start parses (scripts/aws-trust-roots.sh,
   * docs/benchmarks.md).
   */
  public static final String AWS_TRUST_ROOTS = "aws-trust-roots.p12";

  public AwsClients(Config config) {
    this.config = config;
    warnIfTrustStoreUnreadable(System.getProperty("javax.net.ssl.trustStore"));
    this.credentials = credentials(config.raw());
    this.http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(CONNECT_TIMEOUT)
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
   * Any other service's client builder configured the same way (region, credentials, retries,
   * timeouts, endpoint, HTTP client): for the services only some functions call, whose client
   * classes only those functions carry (EventBridge: {@code
   * aws.configured(EventBridgeClient.builder()).build()}).
   */
  public <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configured(B builder) {
    return configure(builder).httpClient(http);
  }

  /**
   * The JDK falls back to its own cacerts, silently, when the trust store it is given cannot be
   * read: say so once, at init (the function still works, trusting more and starting slower).
   *
   * @return whether {@code path} (the {@code javax.net.ssl.trustStore} property, null when unset)
   *     is unset or names a readable file
   */
  static boolean warnIfTrustStoreUnreadable(String path) {
    if (path == null || path.isEmpty() || "NONE".equals(path)) {
      return true;
    }
    java.io.File file = new java.io.File(path);
    if (file.isFile() && file.canRead()) {
      return true;
    }
    org.pcohandshake.log.Log.warn(
        "init", "trust_store_unreadable", java.util.Map.of("trust_store", file.getName()));
    return false;
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

  /**
   * The SDK's standard retry strategy (retries throttling, 5xx, timeouts and I/O errors, with the
   * AWS-specific throttling codes; a client-side token bucket stops retrying when most calls fail)
   * with explicit numbers: {@value #MAX_ATTEMPTS} attempts, full-jitter exponential backoff from
   * {@link #BACKOFF_BASE} (from {@link #THROTTLING_BACKOFF_BASE} after throttling), capped at
   * {@link #BACKOFF_MAX}. The SDK's throttling default (1 s base, 20 s cap) is longer than a person
   * or an add-on waiting for an answer should wait.
   */
  public static RetryStrategy retryStrategy() {
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(MAX_ATTEMPTS)
        .backoffStrategy(BackoffStrategy.exponentialDelay(BACKOFF_BASE, BACKOFF_MAX))
        .throttlingBackoffStrategy(
            BackoffStrategy.exponentialDelay(THROTTLING_BACKOFF_BASE, BACKOFF_MAX))
        .build();
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
    builder
        .region(Region.of(config.aws().region()))
        .credentialsProvider(credentials)
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .retryStrategy(retryStrategy())
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .apiCallTimeout(CALL_TIMEOUT)
                .addExecutionInterceptor(new DeadlineInterceptor(CALL_TIMEOUT))
                .build());
    if (!config.aws().endpointUrl().isEmpty()) {
      builder.endpointOverride(URI.create(config.aws().endpointUrl()));
    }
    return builder;
  }
}
