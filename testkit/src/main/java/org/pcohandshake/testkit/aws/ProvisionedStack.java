package org.pcohandshake.testkit.aws;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pcohandshake.testkit.sam.SamFunction;
import org.pcohandshake.testkit.sam.SamParameter;
import org.pcohandshake.testkit.sam.SamTemplate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The resources {@link Provisioner} created for one template in one emulator, and the environment
 * each function gets.
 *
 * @param stackName the unique name that prefixes every physical name
 * @param template the template the stack was provisioned from
 * @param endpoint the emulator endpoint ({@code AWS_ENDPOINT_URL})
 * @param physicalIds what {@code Ref} returns, by logical id: table name, KMS KeyId, secret ARN,
 *     alias name, HTTP API id ({@code local}), function name
 * @param attributes what {@code Fn::GetAtt} returns, by logical id then attribute name ({@code
 *     Arn}, {@code KeyId}, {@code Id}, ...)
 * @param secretValues the value each secret was created with, by logical id (for tests)
 */
public record ProvisionedStack(
    String stackName,
    SamTemplate template,
    URI endpoint,
    Map<String, String> physicalIds,
    Map<String, Map<String, String>> attributes,
    Map<String, String> secretValues) {

  /** The id {@code Ref} gives for an HTTP API locally (API Gateway's apiId). */
  public static final String LOCAL_API_ID = "local";

  public ProvisionedStack {
    Objects.requireNonNull(stackName, "stackName");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(endpoint, "endpoint");
    physicalIds = Collections.unmodifiableMap(new LinkedHashMap<>(physicalIds));
    Map<String, Map<String, String>> attributeCopy = new LinkedHashMap<>();
    attributes.forEach(
        (id, values) ->
            attributeCopy.put(id, Collections.unmodifiableMap(new LinkedHashMap<>(values))));
    attributes = Collections.unmodifiableMap(attributeCopy);
    secretValues = Collections.unmodifiableMap(new LinkedHashMap<>(secretValues));
  }

  /**
   * What {@code Ref} returns for a resource.
   *
   * @throws IllegalArgumentException naming the provisioned resources, when the id is not one
   */
  public String physicalId(String logicalId) {
    String id = physicalIds.get(logicalId);
    if (id == null) {
      throw new IllegalArgumentException(
          "Stack "
              + stackName
              + " has no provisioned resource '"
              + logicalId
              + "'; provisioned: "
              + physicalIds.keySet());
    }
    return id;
  }

  /**
   * The value a secret was created with.
   *
   * @throws IllegalArgumentException naming the secrets, when the id is not one
   */
  public String secretValue(String logicalId) {
    String value = secretValues.get(logicalId);
    if (value == null) {
      throw new IllegalArgumentException(
          "Stack "
              + stackName
              + " has no secret '"
              + logicalId
              + "'; secrets: "
              + secretValues.keySet());
    }
    return value;
  }

  /** {@link #environmentFor(String, String, Map)} with every parameter at its default. */
  public Map<String, String> environmentFor(String functionLogicalId, String baseUrl) {
    return environmentFor(functionLogicalId, baseUrl, Map.of());
  }

  /**
   * The environment variables of one function, resolved as CloudFormation would for this stack,
   * plus {@code AWS_ENDPOINT_URL}, {@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID} and {@code
   * AWS_SECRET_ACCESS_KEY} for the emulator. An execute-api URL of the template's HTTP API ({@code
   * https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}...}) becomes {@code baseUrl}.
   *
   * @param functionLogicalId the function's logical id
   * @param baseUrl where the local API listens, e.g. {@code http://127.0.0.1:3000}
   * @param parameterOverrides parameter values that replace the template's defaults
   * @throws IllegalArgumentException for an unknown function or parameter, or a value a parameter
   *     does not allow
   * @throws IllegalStateException naming the function, variable and expression that cannot be
   *     resolved locally
   */
  public Map<String, String> environmentFor(
      String functionLogicalId, String baseUrl, Map<String, String> parameterOverrides) {
    SamFunction function = template.function(functionLogicalId);
    TemplateExpressions expressions = expressions(baseUrl, parameterOverrides);
    Map<String, String> environment = new LinkedHashMap<>();
    function
        .environment()
        .forEach(
            (name, expression) -> {
              try {
                Object value = expressions.resolve(expression);
                if (value == TemplateExpressions.NO_VALUE) {
                  return;
                }
                environment.put(name, expressions.resolveString(value));
              } catch (TemplateExpressions.Unresolvable e) {
                throw new IllegalStateException(
                    "Cannot resolve environment variable "
                        + name
                        + " of function "
                        + functionLogicalId
                        + ", "
                        + TemplateExpressions.render(expression)
                        + ": "
                        + e.getMessage()
                        + ".",
                    e);
              }
            });
    environment.put("AWS_ENDPOINT_URL", endpointUrl());
    environment.put("AWS_REGION", AwsClients.REGION.id());
    environment.put("AWS_ACCESS_KEY_ID", AwsClients.ACCESS_KEY_ID);
    environment.put("AWS_SECRET_ACCESS_KEY", AwsClients.SECRET_ACCESS_KEY);
    return Collections.unmodifiableMap(environment);
  }

  /**
   * The template's Outputs (their Value), resolved like {@link #environmentFor}.
   *
   * @throws IllegalStateException naming the output and expression that cannot be resolved
   */
  public Map<String, String> outputs(String baseUrl, Map<String, String> parameterOverrides) {
    TemplateExpressions expressions = expressions(baseUrl, parameterOverrides);
    Map<String, String> outputs = new LinkedHashMap<>();
    template
        .outputs()
        .forEach(
            (name, output) -> {
              Object value = output instanceof Map<?, ?> map ? map.get("Value") : output;
              try {
                outputs.put(name, expressions.resolveString(value));
              } catch (TemplateExpressions.Unresolvable e) {
                throw new IllegalStateException(
                    "Cannot resolve output "
                        + name
                        + ", "
                        + TemplateExpressions.render(value)
                        + ": "
                        + e.getMessage()
                        + ".",
                    e);
              }
            });
    return Collections.unmodifiableMap(outputs);
  }

  /**
   * The template's parameter defaults, then its local values ({@link
   * SamTemplate#localParameterValues()}), then the overrides, each override checked against its
   * AllowedValues and AllowedPattern.
   *
   * @throws IllegalArgumentException for an override of a parameter the template does not have, or
   *     a value it does not allow (a parameter left with no value fails where it is used)
   */
  public Map<String, String> parameterValues(Map<String, String> parameterOverrides) {
    Map<String, String> values = new LinkedHashMap<>(template.localParameterValues());
    parameterOverrides.forEach(
        (name, value) -> {
          SamParameter parameter = template.parameters().get(name);
          if (parameter == null) {
            throw new IllegalArgumentException(
                "Parameter override '"
                    + name
                    + "' names no parameter of "
                    + template.source()
                    + "; its parameters are "
                    + template.parameters().keySet());
          }
          parameter.validate(Objects.requireNonNull(value, "override of " + name));
          values.put(name, value);
        });
    return Collections.unmodifiableMap(values);
  }

  /**
   * The {@code AssertDescription} of every assertion of the template's {@code Rules} that fails for
   * these parameter values (the template's defaults and local values, then the overrides): what
   * CloudFormation refuses a deployment with before it creates anything. Empty when every rule
   * whose {@code RuleCondition} holds is met.
   */
  public List<String> failedRules(Map<String, String> parameterOverrides) {
    TemplateExpressions expressions = expressions("https://rules.example.test", parameterOverrides);
    List<String> failed = new ArrayList<>();
    Object rules = template.document().get("Rules");
    if (!(rules instanceof Map<?, ?> byName)) {
      return failed;
    }
    for (Object rule : byName.values()) {
      Map<?, ?> body = (Map<?, ?>) rule;
      Object condition = body.get("RuleCondition");
      if (condition != null && !expressions.bool(condition)) {
        continue;
      }
      for (Object assertion : (List<?>) body.get("Assertions")) {
        Map<?, ?> check = (Map<?, ?>) assertion;
        if (!expressions.bool(check.get("Assert"))) {
          failed.add(String.valueOf(check.get("AssertDescription")));
        }
      }
    }
    return failed;
  }

  /** Every item of a provisioned table (all pages of a Scan), for tests that check writes. */
  public List<Map<String, AttributeValue>> scanTable(String tableLogicalId) {
    String tableName = physicalId(tableLogicalId);
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(endpoint)) {
      dynamoDb
          .scanPaginator(ScanRequest.builder().tableName(tableName).consistentRead(true).build())
          .items()
          .forEach(items::add);
    }
    return items;
  }

  /**
   * Puts a new value into a provisioned secret, as a rotation does: the new version becomes {@code
   * AWSCURRENT}, the one it replaces {@code AWSPREVIOUS}.
   */
  public void putSecretValue(String secretLogicalId, String value) {
    String secretId = physicalId(secretLogicalId);
    try (SecretsManagerClient secretsManager = AwsClients.secretsManager(endpoint)) {
      secretsManager.putSecretValue(r -> r.secretId(secretId).secretString(value));
    }
  }

  /**
   * Takes the {@code AWSPREVIOUS} stage off a provisioned secret's previous version, as the runbook
   * does to end a rotation's overlap at once; nothing happens when no version has it.
   */
  public void removePreviousSecretStage(String secretLogicalId) {
    String secretId = physicalId(secretLogicalId);
    try (SecretsManagerClient secretsManager = AwsClients.secretsManager(endpoint)) {
      secretsManager
          .describeSecret(r -> r.secretId(secretId))
          .versionIdsToStages()
          .entrySet()
          .stream()
          .filter(version -> version.getValue().contains("AWSPREVIOUS"))
          .forEach(
              version ->
                  secretsManager.updateSecretVersionStage(
                      r ->
                          r.secretId(secretId)
                              .versionStage("AWSPREVIOUS")
                              .removeFromVersionId(version.getKey())));
    }
  }

  /** The endpoint as a string without a trailing slash. */
  public String endpointUrl() {
    String url = endpoint.toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Leaves out the secret values. */
  @Override
  public String toString() {
    return "ProvisionedStack[stackName="
        + stackName
        + ", endpoint="
        + endpointUrl()
        + ", physicalIds="
        + physicalIds
        + ", secrets="
        + secretValues.keySet()
        + "]";
  }

  private TemplateExpressions expressions(String baseUrl, Map<String, String> parameterOverrides) {
    return new TemplateExpressions(
        template,
        parameterValues(parameterOverrides),
        physicalIds,
        attributes,
        stackName,
        Optional.of(trimBaseUrl(baseUrl)));
  }

  private static String trimBaseUrl(String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    String trimmed = baseUrl.trim();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    if (!trimmed.startsWith("http://") && !trimmed.startsWith("https://")) {
      throw new IllegalArgumentException(
          "baseUrl must be an absolute http(s) URL such as http://127.0.0.1:3000, not '"
              + baseUrl
              + "'");
    }
    return trimmed;
  }
}
