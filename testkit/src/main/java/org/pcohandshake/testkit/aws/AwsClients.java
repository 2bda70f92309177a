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
 * SDK clients pointed at an emulator endpoint: region us-east-1, static credentials test/test, the
 * URL-connection HTTP client. Each call builds a new client; the caller closes it.
 */
public final class AwsClients {

  /** The region every local resource lives in. */
  public static final Region REGION = Region.US_EAST_1;

  /** The access key id and secret the emulator accepts. */
  public static final String CREDENTIAL = "test";

  /** The account id moto reports. */
  public static final String ACCOUNT_ID = "123456789012";

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

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(CREDENTIAL, CREDENTIAL));
  }
}
