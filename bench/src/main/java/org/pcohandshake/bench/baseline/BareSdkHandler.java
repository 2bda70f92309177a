package org.pcohandshake.bench.baseline;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * What a straightforward implementation costs: the DynamoDB, KMS and Secrets Manager clients built
 * with the SDK's defaults (its default HTTP client, the default region and credentials chains) in
 * the constructor, and one call to each per request (GetItem, Sign, GetSecretValue). It reads the
 * token function's environment ({@code TABLE_NAME}, {@code SIGNING_KEY_ID}, {@code
 * CLIENT_SECRET_ID}).
 */
public final class BareSdkHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  private final DynamoDbClient dynamo = DynamoDbClient.create();
  private final KmsClient kms = KmsClient.create();
  private final SecretsManagerClient secrets = SecretsManagerClient.create();
  private final String table = System.getenv("TABLE_NAME");
  private final String keyId = System.getenv("SIGNING_KEY_ID");
  private final String secretId = System.getenv("CLIENT_SECRET_ID");

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                r ->
                    r.tableName(table)
                        .key(
                            Map.of(
                                "pk", AttributeValue.fromS("BENCH#baseline"),
                                "sk", AttributeValue.fromS("BENCH"))))
            .item();
    byte[] signature =
        kms.sign(
                r ->
                    r.keyId(keyId)
                        .messageType(MessageType.RAW)
                        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
                        .message(SdkBytes.fromUtf8String(event.getRawPath())))
            .signature()
            .asByteArray();
    String secret = secrets.getSecretValue(r -> r.secretId(secretId)).secretString();
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(200)
        .withHeaders(Map.of("content-type", "application/json"))
        .withBody(
            "{\"item\":"
                + (item != null && !item.isEmpty())
                + ",\"signature\":"
                + signature.length
                + ",\"secret\":"
                + secret.length()
                + "}")
        .build();
  }
}
