package org.pcohandshake.testkit.aws;

import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pcohandshake.testkit.sam.SamResource;
import org.pcohandshake.testkit.sam.SamTemplate;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretResponse;

/**
 * Creates the template's DynamoDB tables, KMS keys and Secrets Manager secrets in an emulator,
 * under physical names that carry a unique stack name, so several stacks can share one emulator.
 * Other resource types (roles, the API, functions) get ids but nothing is created.
 *
 * <p>It needs only the endpoint and the plain AWS APIs, so the same code provisions moto,
 * LocalStack or any other emulator (see {@link EmulatorChoice}).
 */
public final class Provisioner {

  public static final String TABLE_TYPE = "AWS::DynamoDB::Table";
  public static final String KEY_TYPE = "AWS::KMS::Key";
  public static final String SECRET_TYPE = "AWS::SecretsManager::Secret";

  /** Table properties template.yaml does not use, refused rather than left out. */
  private static final List<String> UNSUPPORTED_TABLE_PROPERTIES =
      List.of("LocalSecondaryIndexes", "StreamSpecification");

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SUFFIX_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final SamTemplate template;
  private final URI endpoint;

  /** Provisions into the emulator at {@code endpoint} ({@code AWS_ENDPOINT_URL}). */
  public Provisioner(SamTemplate template, URI endpoint) {
    this.template = Objects.requireNonNull(template, "template");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
  }

  /** Provisions into {@code emulator}, whichever kind it is. */
  public Provisioner(SamTemplate template, Emulator emulator) {
    this(template, Objects.requireNonNull(emulator, "emulator").endpoint());
  }

  /** Provisions with generated (or literal) secret values. */
  public ProvisionedStack provision() {
    return provision(Map.of());
  }

  /**
   * Provisions everything.
   *
   * @param secretValues secret values by logical id that replace what the template would generate
   *     or set
   * @throws IllegalArgumentException when {@code secretValues} names a resource that is not a
   *     secret of the template
   * @throws IllegalStateException naming the resource, when the emulator refuses to create it
   */
  public ProvisionedStack provision(Map<String, String> secretValues) {
    Map<String, ?> secrets = template.resourcesOfType(SECRET_TYPE);
    secretValues
        .keySet()
        .forEach(
            id -> {
              if (!secrets.containsKey(id)) {
                throw new IllegalArgumentException(
                    "Secret override '"
                        + id
                        + "' names no "
                        + SECRET_TYPE
                        + " of "
                        + template.source()
                        + "; its secrets are "
                        + secrets.keySet());
              }
            });
    return new Run(newStackName(), secretValues).provision();
  }

  private static String newStackName() {
    StringBuilder name = new StringBuilder("local-");
    for (int i = 0; i < 8; i++) {
      name.append(SUFFIX_CHARS.charAt(RANDOM.nextInt(SUFFIX_CHARS.length())));
    }
    return name.toString();
  }

  /** One provisioning run: the ids created so far, so later resources can refer to earlier ones. */
  private final class Run {
    private final String stackName;
    private final Map<String, String> secretOverrides;
    private final Map<String, String> physicalIds = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> attributes = new LinkedHashMap<>();
    private final Map<String, String> secretValues = new LinkedHashMap<>();
    private final TemplateExpressions expressions;

    Run(String stackName, Map<String, String> secretOverrides) {
      this.stackName = stackName;
      this.secretOverrides = secretOverrides;
      this.expressions =
          new TemplateExpressions(
              template,
              template.localParameterValues(),
              physicalIds,
              attributes,
              stackName,
              Optional.empty());
    }

    ProvisionedStack provision() {
      template.httpApiIds().forEach(id -> physicalIds.put(id, ProvisionedStack.LOCAL_API_ID));
      template
          .functions()
          .keySet()
          .forEach(
              id -> {
                String name = physicalName(id);
                physicalIds.put(id, name);
                attributes.put(
                    id,
                    Map.of(
                        "Arn",
                        "arn:aws:lambda:"
                            + AwsClients.REGION.id()
                            + ":"
                            + AwsClients.ACCOUNT_ID
                            + ":function:"
                            + name));
              });
      // a managed policy is not created locally; its Ref (the policy's ARN) is named for outputs
      template
          .resourcesOfType("AWS::IAM::ManagedPolicy")
          .keySet()
          .forEach(
              id ->
                  physicalIds.put(
                      id, "arn:aws:iam::" + AwsClients.ACCOUNT_ID + ":policy/" + physicalName(id)));
      try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(endpoint)) {
        template.resourcesOfType(TABLE_TYPE).values().forEach(r -> createTable(dynamoDb, r));
      }
      try (KmsClient kms = AwsClients.kms(endpoint)) {
        template.resourcesOfType(KEY_TYPE).values().forEach(r -> createKey(kms, r));
      }
      try (SecretsManagerClient secretsManager = AwsClients.secretsManager(endpoint)) {
        template
            .resourcesOfType(SECRET_TYPE)
            .values()
            .forEach(r -> createSecret(secretsManager, r));
      }
      return new ProvisionedStack(
          stackName, template, endpoint, physicalIds, attributes, secretValues);
    }

    private String physicalName(String logicalId) {
      return stackName + "-" + logicalId;
    }

    private void createTable(DynamoDbClient dynamoDb, SamResource table) {
      String name = physicalName(table.logicalId());
      CreateTableRequest.Builder request =
          CreateTableRequest.builder()
              .tableName(name)
              .billingMode(BillingMode.PAY_PER_REQUEST)
              .attributeDefinitions(
                  maps(table, "AttributeDefinitions").stream()
                      .map(
                          d ->
                              AttributeDefinition.builder()
                                  .attributeName(text(d, "AttributeName", table))
                                  .attributeType(text(d, "AttributeType", table))
                                  .build())
                      .toList())
              .keySchema(keySchema(maps(table, "KeySchema"), table));
      if (table.properties().containsKey("GlobalSecondaryIndexes")) {
        request.globalSecondaryIndexes(
            maps(table, "GlobalSecondaryIndexes").stream()
                .map(index -> globalSecondaryIndex(map(index, table), table))
                .toList());
      }
      for (String unsupported : UNSUPPORTED_TABLE_PROPERTIES) {
        if (table.properties().containsKey(unsupported)) {
          throw new IllegalStateException(
              table.logicalId()
                  + " ("
                  + TABLE_TYPE
                  + ") has "
                  + unsupported
                  + ", which the local stack does not create; teach the testkit's Provisioner.");
        }
      }
      TableDescription description;
      try {
        description = dynamoDb.createTable(request.build()).tableDescription();
        dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(name));
        Map<String, Object> ttl = map(property(table, "TimeToLiveSpecification"), table);
        if ("true".equalsIgnoreCase(String.valueOf(ttl.get("Enabled")))) {
          dynamoDb.updateTimeToLive(
              b ->
                  b.tableName(name)
                      .timeToLiveSpecification(
                          TimeToLiveSpecification.builder()
                              .attributeName(text(ttl, "AttributeName", table))
                              .enabled(true)
                              .build()));
        }
      } catch (SdkException e) {
        throw refused(table, e);
      }
      physicalIds.put(table.logicalId(), name);
      attributes.put(table.logicalId(), Map.of("Arn", description.tableArn()));
    }

    private void createKey(KmsClient kms, SamResource key) {
      String keySpec = stringProperty(key, "KeySpec").orElse("SYMMETRIC_DEFAULT");
      String keyUsage = stringProperty(key, "KeyUsage").orElse("ENCRYPT_DECRYPT");
      String description =
          stackName
              + "/"
              + key.logicalId()
              + stringProperty(key, "Description").map(d -> ": " + d).orElse("");
      KeyMetadata metadata;
      try {
        metadata =
            kms.createKey(b -> b.keySpec(keySpec).keyUsage(keyUsage).description(description))
                .keyMetadata();
        boolean rotation =
            "true".equalsIgnoreCase(stringProperty(key, "EnableKeyRotation").orElse("false"));
        if (rotation && keySpec.equals("SYMMETRIC_DEFAULT")) {
          kms.enableKeyRotation(b -> b.keyId(metadata.keyId()));
        }
      } catch (SdkException e) {
        throw refused(key, e);
      }
      physicalIds.put(key.logicalId(), metadata.keyId());
      attributes.put(key.logicalId(), Map.of("Arn", metadata.arn(), "KeyId", metadata.keyId()));
    }

    private void createSecret(SecretsManagerClient secretsManager, SamResource secret) {
      String name = physicalName(secret.logicalId());
      String value = secretOverrides.get(secret.logicalId());
      if (value == null) {
        Object generate = property(secret, "GenerateSecretString");
        Optional<String> literal = stringProperty(secret, "SecretString");
        if (literal.isPresent()) {
          value = literal.get();
        } else {
          value =
              SecretGenerator.generate(
                  map(generate, secret),
                  "secret " + secret.logicalId() + " in " + template.source());
        }
      }
      String secretValue = value;
      String description =
          stackName
              + "/"
              + secret.logicalId()
              + stringProperty(secret, "Description").map(d -> ": " + d).orElse("");
      CreateSecretResponse created;
      try {
        created =
            secretsManager.createSecret(
                b -> b.name(name).secretString(secretValue).description(description));
      } catch (SdkException e) {
        throw refused(secret, e);
      }
      physicalIds.put(secret.logicalId(), created.arn());
      attributes.put(secret.logicalId(), Map.of("Id", created.arn()));
      secretValues.put(secret.logicalId(), secretValue);
    }

    private Object property(SamResource resource, String name) {
      Object expression = resource.properties().get(name);
      if (expression == null) {
        return null;
      }
      try {
        Object value = expressions.resolve(expression);
        return value == TemplateExpressions.NO_VALUE ? null : value;
      } catch (TemplateExpressions.Unresolvable e) {
        throw new IllegalStateException(
            "Cannot resolve property "
                + name
                + " of "
                + resource.logicalId()
                + " ("
                + resource.type()
                + "), "
                + TemplateExpressions.render(expression)
                + ": "
                + e.getMessage()
                + ".",
            e);
      }
    }

    private Optional<String> stringProperty(SamResource resource, String name) {
      Object value = property(resource, name);
      return value instanceof String s ? Optional.of(s) : Optional.empty();
    }

    private List<Map<String, Object>> maps(SamResource resource, String name) {
      return list(property(resource, name), resource).stream().map(i -> map(i, resource)).toList();
    }

    private List<?> list(Object value, SamResource resource) {
      if (value == null) {
        return List.of();
      }
      if (value instanceof List<?> list) {
        return list;
      }
      throw malformed(resource, "a list", value);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Object value, SamResource resource) {
      if (value == null) {
        return Map.of();
      }
      if (value instanceof Map<?, ?> map) {
        return (Map<String, Object>) map;
      }
      throw malformed(resource, "a mapping", value);
    }

    private String text(Map<String, Object> map, String key, SamResource resource) {
      Object value = map.get(key);
      if (value instanceof String s) {
        return s;
      }
      throw new IllegalStateException(
          resource.logicalId()
              + " ("
              + resource.type()
              + ") needs "
              + key
              + " in "
              + TemplateExpressions.render(map)
              + ".");
    }

    /** An index as template.yaml declares it: name, key schema, projection (on-demand table). */
    private GlobalSecondaryIndex globalSecondaryIndex(
        Map<String, Object> index, SamResource table) {
      Map<String, Object> projection = map(index.get("Projection"), table);
      Projection.Builder built =
          Projection.builder().projectionType(text(projection, "ProjectionType", table));
      if (projection.get("NonKeyAttributes") instanceof List<?> attributes) {
        built.nonKeyAttributes(attributes.stream().map(String::valueOf).toList());
      }
      Object schema = index.get("KeySchema");
      if (!(schema instanceof List<?> elements)) {
        throw malformed(table, "a KeySchema list in each of GlobalSecondaryIndexes", schema);
      }
      return GlobalSecondaryIndex.builder()
          .indexName(text(index, "IndexName", table))
          .keySchema(keySchema(elements, table))
          .projection(built.build())
          .build();
    }

    private List<KeySchemaElement> keySchema(List<?> elements, SamResource table) {
      List<KeySchemaElement> result = new ArrayList<>();
      for (Object element : elements) {
        Map<String, Object> e = map(element, table);
        result.add(
            KeySchemaElement.builder()
                .attributeName(text(e, "AttributeName", table))
                .keyType(text(e, "KeyType", table).toUpperCase(Locale.ROOT))
                .build());
      }
      return result;
    }

    private IllegalStateException malformed(SamResource resource, String expected, Object value) {
      return new IllegalStateException(
          resource.logicalId()
              + " ("
              + resource.type()
              + "): expected "
              + expected
              + ", got "
              + TemplateExpressions.render(value)
              + ".");
    }

    private IllegalStateException refused(SamResource resource, SdkException e) {
      return new IllegalStateException(
          "The emulator at "
              + endpoint
              + " refused to create "
              + resource.logicalId()
              + " ("
              + resource.type()
              + ") for stack "
              + stackName
              + ": "
              + e.getMessage()
              + " Check the resource's properties in "
              + template.source()
              + ".",
          e);
    }
  }
}
