package org.pcohandshake.testkit.aws;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * SDK clients pointed at an emulator endpoint: region us-east-1, the static credentials {@link
 * #ACCESS_KEY_ID}/{@link #SECRET_ACCESS_KEY}, the URL-connection HTTP client. Each call builds a
 * new client; the caller closes it.
 */
public final class AwsClients {

  /** The region every local resource lives in. */
  public static final Region REGION = Region.US_EAST_1;

  /**
   * The account every local resource belongs to. moto puts everything in this account whatever the
   * credentials; LocalStack uses a 12-digit access key id as the account id, so with {@link
   * #ACCESS_KEY_ID} both emulators report the same ARNs, and {@code AWS::AccountId} matches them.
   */
  public static final String ACCOUNT_ID = "123456789012";

  /** The access key id clients and functions send: the account id (see {@link #ACCOUNT_ID}). */
  public static final String ACCESS_KEY_ID = ACCOUNT_ID;

  /** The secret access key clients and functions send; the emulators accept any. */
  public static final String SECRET_ACCESS_KEY = "test";

  private AwsClients() {}

  /** A new DynamoDB client for the endpoint. */
  public static DynamoDbClient dynamoDb(URI endpoint) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(REGION)
        .credentialsProvider(credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /** A new KMS client for the endpoint. */
  public static KmsClient kms(URI endpoint) {
    return KmsClient.builder()
        .endpointOverride(endpoint)
        .region(REGION)
        .credentialsProvider(credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /** A new Secrets Manager client for the endpoint. */
  public static SecretsManagerClient secretsManager(URI endpoint) {
    return SecretsManagerClient.builder()
        .endpointOverride(endpoint)
        .region(REGION)
        .credentialsProvider(credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /** The static credentials every local client sends. */
  public static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
  }
}
