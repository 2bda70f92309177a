package org.pcohandshake.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.sam.SamFunction;
import org.pcohandshake.testkit.sam.SamResource;
import org.pcohandshake.testkit.sam.SamTemplate;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The project's template.yaml provisioned into the real emulator. */
class ProvisionerIT {

  private static final String BASE_URL = "http://127.0.0.1:3000";

  private static SamTemplate template;
  private static ProvisionedStack stack;

  @BeforeAll
  static void provision() {
    template = SamTemplate.fromProjectRoot();
    stack = new Provisioner(template, Emulator.shared()).provision();
  }

  private static String firstOfType(String type) {
    return template.resourcesOfType(type).keySet().iterator().next();
  }

  private static String keyWithSpec(String keySpec) {
    return template.resourcesOfType(Provisioner.KEY_TYPE).values().stream()
        .filter(r -> keySpec.equals(r.properties().getOrDefault("KeySpec", "SYMMETRIC_DEFAULT")))
        .map(SamResource::logicalId)
        .findFirst()
        .orElseThrow(() -> new AssertionError("template.yaml has no " + keySpec + " key"));
  }

  @Test
  void everyTable_existsWithItsKeySchema_andTtlEnabled() {
    try (DynamoDbClient dynamoDb = Emulator.shared().dynamoDb()) {
      for (SamResource table : template.resourcesOfType(Provisioner.TABLE_TYPE).values()) {
        String name = stack.physicalId(table.logicalId());
        assertTrue(name.startsWith(stack.stackName() + "-"), name);
        TableDescription description = dynamoDb.describeTable(b -> b.tableName(name)).table();
        assertEquals(
            List.of(KeyType.HASH, KeyType.RANGE),
            description.keySchema().stream().map(k -> k.keyType()).toList());
        Object ttl = table.properties().get("TimeToLiveSpecification");
        if (ttl instanceof Map<?, ?> spec && Boolean.TRUE.equals(spec.get("Enabled"))) {
          TimeToLiveDescription live =
              dynamoDb.describeTimeToLive(b -> b.tableName(name)).timeToLiveDescription();
          assertEquals(TimeToLiveStatus.ENABLED, live.timeToLiveStatus());
          assertEquals(spec.get("AttributeName"), live.attributeName());
        }
      }
    }
  }

  @Test
  void eccSigningKey_signsRawMessages_verifiableWithItsPublicKey() throws Exception {
    String keyId = stack.physicalId(keyWithSpec("ECC_NIST_P256"));
    byte[] message = "header.payload".getBytes(StandardCharsets.US_ASCII);
    try (KmsClient kms = Emulator.shared().kms()) {
      KeyMetadata metadata = kms.describeKey(b -> b.keyId(keyId)).keyMetadata();
      assertEquals("SIGN_VERIFY", metadata.keyUsageAsString());
      byte[] signature =
          kms.sign(
                  b ->
                      b.keyId(keyId)
                          .message(SdkBytes.fromByteArray(message))
                          .messageType(MessageType.RAW)
                          .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256))
              .signature()
              .asByteArray();
      byte[] der = kms.getPublicKey(b -> b.keyId(keyId)).publicKey().asByteArray();
      PublicKey publicKey =
          KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(publicKey);
      verifier.update(message);
      assertTrue(verifier.verify(signature), "signature verifies with the KMS public key");
    }
  }

  @Test
  void symmetricKey_encryptsAndDecryptsWithEncryptionContext() {
    String keyId = stack.physicalId(keyWithSpec("SYMMETRIC_DEFAULT"));
    try (KmsClient kms = Emulator.shared().kms()) {
      SdkBytes ciphertext =
          kms.encrypt(
                  b ->
                      b.keyId(keyId)
                          .plaintext(SdkBytes.fromUtf8String("pco-token"))
                          .encryptionContext(Map.of("row", "1")))
              .ciphertextBlob();
      String plaintext =
          kms.decrypt(b -> b.ciphertextBlob(ciphertext).encryptionContext(Map.of("row", "1")))
              .plaintext()
              .asUtf8String();
      assertEquals("pco-token", plaintext);
    }
  }

  @Test
  void secrets_areReadableWithTheValuesSet() {
    try (SecretsManagerClient secrets = Emulator.shared().secretsManager()) {
      for (SamResource secret : template.resourcesOfType(Provisioner.SECRET_TYPE).values()) {
        String arn = stack.physicalId(secret.logicalId());
        assertTrue(arn.startsWith("arn:aws:secretsmanager:us-east-1:"), arn);
        String value = secrets.getSecretValue(b -> b.secretId(arn)).secretString();
        assertEquals(stack.secretValue(secret.logicalId()), value);
        if (secret.properties().get("SecretString") instanceof String literal) {
          assertEquals(literal, value);
        } else if (secret.properties().get("GenerateSecretString") instanceof Map<?, ?> generate) {
          Object length = generate.get("PasswordLength");
          int expected = length == null ? 32 : Integer.parseInt(length.toString());
          assertEquals(expected, value.length(), secret.logicalId());
          assertTrue(value.matches("[A-Za-z0-9]+"), secret.logicalId() + " is alphanumeric");
        }
      }
    }
  }

  @Test
  void secretOverrides_replaceTheTemplateValues() {
    String secretId = firstOfType(Provisioner.SECRET_TYPE);
    ProvisionedStack overridden =
        new Provisioner(template, Emulator.shared())
            .provision(Map.of(secretId, "chosen-by-the-test"));
    try (SecretsManagerClient secrets = Emulator.shared().secretsManager()) {
      String arn = overridden.physicalId(secretId);
      assertEquals(
          "chosen-by-the-test", secrets.getSecretValue(b -> b.secretId(arn)).secretString());
    }
    assertEquals("chosen-by-the-test", overridden.secretValue(secretId));
  }

  @Test
  void secretOverrideForUnknownSecret_isRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Provisioner(template, Emulator.shared()).provision(Map.of("Nope", "x")));
    assertTrue(e.getMessage().contains("'Nope'"), e.getMessage());
  }

  @Test
  void everyArnTheEmulatorReports_isInTheLocalAccountAndRegion() {
    // AWS::AccountId and the Lambda ARNs use AwsClients.ACCOUNT_ID: the emulator must agree.
    String prefix = ":" + AwsClients.REGION.id() + ":" + AwsClients.ACCOUNT_ID + ":";
    for (String type :
        List.of(Provisioner.TABLE_TYPE, Provisioner.KEY_TYPE, Provisioner.SECRET_TYPE)) {
      for (String id : template.resourcesOfType(type).keySet()) {
        Map<String, String> attributes = stack.attributes().get(id);
        String arn = attributes.getOrDefault("Arn", attributes.get("Id"));
        assertTrue(arn.startsWith("arn:aws:") && arn.contains(prefix), id + ": " + arn);
      }
    }
  }

  @Test
  void twoStacks_liveSideBySideInOneEmulator() {
    ProvisionedStack other = new Provisioner(template, Emulator.shared()).provision();
    assertNotEquals(stack.stackName(), other.stackName());
    String table = firstOfType(Provisioner.TABLE_TYPE);
    assertNotEquals(stack.physicalId(table), other.physicalId(table));
  }

  @Test
  void environmentFor_resolvesEveryVariableOfEveryFunction() {
    for (SamFunction function : template.functions().values()) {
      Map<String, String> env = stack.environmentFor(function.logicalId(), BASE_URL + "/");
      for (String name : function.environment().keySet()) {
        assertTrue(env.containsKey(name), function.logicalId() + " lacks " + name);
        assertFalse(env.get(name).contains("${"), function.logicalId() + " " + name);
      }
      assertEquals(Emulator.shared().endpointUrl(), env.get("AWS_ENDPOINT_URL"));
      assertEquals("us-east-1", env.get("AWS_REGION"));
      assertEquals(AwsClients.ACCESS_KEY_ID, env.get("AWS_ACCESS_KEY_ID"));
      assertEquals(AwsClients.SECRET_ACCESS_KEY, env.get("AWS_SECRET_ACCESS_KEY"));
      if (function.environment().containsKey("ISSUER")) {
        assertEquals(BASE_URL, env.get("ISSUER"));
      }
      if (function.environment().containsKey("TABLE_NAME")) {
        assertEquals(stack.physicalId(firstOfType(Provisioner.TABLE_TYPE)), env.get("TABLE_NAME"));
      }
    }
  }

  @Test
  void environmentFor_pointsKeyAndSecretVariablesAtProvisionedResources() {
    for (SamFunction function : template.functions().values()) {
      Map<String, String> env = stack.environmentFor(function.logicalId(), BASE_URL);
      function
          .environment()
          .forEach(
              (name, expression) -> {
                if (expression instanceof Map<?, ?> ref
                    && ref.get("Ref") instanceof String id
                    && stack.physicalIds().containsKey(id)) {
                  assertEquals(
                      stack.physicalId(id), env.get(name), function.logicalId() + " " + name);
                }
              });
    }
  }

  @Test
  void parameterOverrides_reachTheEnvironment() {
    SamFunction function =
        template.functions().values().stream()
            .filter(f -> Map.of("Ref", "PcoBaseUrl").equals(f.environment().get("PCO_BASE_URL")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no function reads PcoBaseUrl"));
    Map<String, String> env =
        stack.environmentFor(
            function.logicalId(), BASE_URL, Map.of("PcoBaseUrl", "http://127.0.0.1:4000"));
    assertEquals("http://127.0.0.1:4000", env.get("PCO_BASE_URL"));
  }

  @Test
  void scanTable_seesWhatWasWritten() {
    ProvisionedStack fresh = new Provisioner(template, Emulator.shared()).provision();
    String table = firstOfType(Provisioner.TABLE_TYPE);
    assertEquals(List.of(), fresh.scanTable(table));
    try (DynamoDbClient dynamoDb = Emulator.shared().dynamoDb()) {
      dynamoDb.putItem(
          b ->
              b.tableName(fresh.physicalId(table))
                  .item(Map.of("pk", AttributeValue.fromS("a"), "sk", AttributeValue.fromS("b"))));
    }
    List<Map<String, AttributeValue>> items = fresh.scanTable(table);
    assertEquals(1, items.size());
    assertEquals("a", items.get(0).get("pk").s());
  }

  @Test
  void outputs_resolveAgainstTheBaseUrl() {
    Map<String, String> outputs = stack.outputs(BASE_URL, Map.of());
    outputs.forEach(
        (name, value) -> assertFalse(value.contains("${"), name + " unresolved: " + value));
    if (outputs.containsKey("TokenUrl")) {
      assertEquals(BASE_URL + "/oauth/token", outputs.get("TokenUrl"));
    }
  }

  @Test
  void tableKeyAndJsonSecrets_areProvisioned() throws Exception {
    SamTemplate shapes =
        SamTemplate.parse(
            """
            Resources:
              Items:
                Type: AWS::DynamoDB::Table
                Properties:
                  AttributeDefinitions:
                    - {AttributeName: pk, AttributeType: S}
                  KeySchema: [{AttributeName: pk, KeyType: HASH}]
              Key:
                Type: AWS::KMS::Key
              Credentials:
                Type: AWS::SecretsManager::Secret
                Properties:
                  GenerateSecretString:
                    SecretStringTemplate: '{"username": "app"}'
                    GenerateStringKey: password
                    PasswordLength: 24
            """);
    ProvisionedStack provisioned = new Provisioner(shapes, Emulator.shared()).provision();
    try (DynamoDbClient dynamoDb = Emulator.shared().dynamoDb();
        KmsClient kms = Emulator.shared().kms()) {
      TableDescription table =
          dynamoDb.describeTable(b -> b.tableName(provisioned.physicalId("Items"))).table();
      assertEquals("pk", table.keySchema().get(0).attributeName());
      assertEquals(
          provisioned.physicalId("Key"),
          kms.describeKey(b -> b.keyId(provisioned.physicalId("Key"))).keyMetadata().keyId());
    }
    Map<String, Object> credentials = TestJson.object(provisioned.secretValue("Credentials"));
    assertEquals("app", credentials.get("username"));
    assertEquals(24, credentials.get("password").toString().length());
  }
}
