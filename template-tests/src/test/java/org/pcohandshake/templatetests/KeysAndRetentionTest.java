package org.pcohandshake.templatetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.sam.SamResource;
import org.pcohandshake.testkit.sam.SamTemplate;

/**
 * What the signing keys' key policies let sign, and what a production stack keeps when it is
 * deleted or a resource is replaced.
 */
class KeysAndRetentionTest {

  /** The only role that signs access tokens (TokenFunction's). */
  static final String SIGNER_ROLE = "TokenRole";

  static final Set<String> STATEFUL_TYPES =
      Set.of("AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::SecretsManager::Secret");

  private final SamTemplate template = SamTemplate.fromProjectRoot();

  /**
   * The attack: the key policy gives the account root {@code kms:*}, so any principal an IAM policy
   * in the account grants {@code kms:Sign} (an over-broad admin or CI role, another stack's
   * function) can mint access tokens every verifier trusts. Only the token function's role may
   * sign.
   */
  @Test
  void theSigningKeysPolicies_letOnlyTheTokenRoleSign() {
    Map<String, String> wrong = new TreeMap<>();
    int signingKeys = 0;
    for (SamResource key : template.resourcesOfType("AWS::KMS::Key").values()) {
      if (!"SIGN_VERIFY".equals(key.properties().get("KeyUsage"))) {
        continue;
      }
      signingKeys++;
      boolean signerAllowed = false;
      for (Map<String, Object> statement : statements(key.properties().get("KeyPolicy"))) {
        if (!"Allow".equals(statement.get("Effect")) || !coversSign(statement)) {
          continue;
        }
        if (namesOnlySignerRole(statement.get("Principal"))) {
          signerAllowed = true;
        } else {
          wrong.put(
              key.logicalId() + "." + statement.get("Sid"),
              "allows kms:Sign to " + statement.get("Principal"));
        }
      }
      if (!signerAllowed) {
        wrong.put(key.logicalId(), "no statement lets " + SIGNER_ROLE + " sign");
      }
    }
    assertEquals(2, signingKeys, "the ES256 and RS256 signing keys");
    assertEquals(Map.of(), wrong);
  }

  /**
   * The attack: the account keeps {@code kms:CreateGrant} through IAM (it administers the key), and
   * a KMS grant can allow {@code Sign}: a principal with {@code kms:*} on {@code *} grants itself
   * {@code Sign} on the signing key and mints access tokens every verifier trusts. Only an explicit
   * deny in the key policy wins over grants: each signing key denies {@code kms:Sign} to every
   * principal but the token function's role.
   */
  @Test
  void theSigningKeysPolicies_denySignToEveryoneElse_soNoGrantCanAllowIt() {
    Map<String, Object> expectedCondition =
        Map.of(
            "ArnNotEquals",
            Map.of("aws:PrincipalArn", Map.of("Fn::GetAtt", List.of(SIGNER_ROLE, "Arn"))));
    Map<String, String> wrong = new TreeMap<>();
    for (SamResource key : template.resourcesOfType("AWS::KMS::Key").values()) {
      if (!"SIGN_VERIFY".equals(key.properties().get("KeyUsage"))) {
        continue;
      }
      boolean denied =
          statements(key.properties().get("KeyPolicy")).stream()
              .anyMatch(
                  statement ->
                      "Deny".equals(statement.get("Effect"))
                          && Map.of("AWS", "*").equals(statement.get("Principal"))
                          && list(statement.get("Action")).contains("kms:Sign")
                          && expectedCondition.equals(statement.get("Condition")));
      if (!denied) {
        wrong.put(key.logicalId(), "no explicit deny of kms:Sign to all but " + SIGNER_ROLE);
      }
    }
    assertEquals(Map.of(), wrong);
  }

  /**
   * The attack: {@code sam delete} (or a stack update that replaces a resource) of a production
   * stack deletes the table of live grants, schedules the keys that decrypt stored PCO tokens and
   * sign access tokens for deletion, and deletes the client secrets. In production they are
   * retained (AWS::LanguageExtensions lets DeletionPolicy and UpdateReplacePolicy take Fn::If).
   */
  @Test
  void statefulResources_areRetainedInProduction_andDeletedElsewhere() {
    Object transform = template.document().get("Transform");
    assertEquals(
        List.of("AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"),
        transform,
        "intrinsics in DeletionPolicy need AWS::LanguageExtensions, applied before SAM");
    assertEquals(
        Map.of("Fn::Equals", List.of(Map.of("Ref", "Environment"), "production")),
        template.conditions().get("IsProduction"));
    Map<String, Object> expected = Map.of("Fn::If", List.of("IsProduction", "Retain", "Delete"));
    Map<String, String> wrong = new TreeMap<>();
    Map<String, Object> resources = mapping(template.document().get("Resources"));
    for (SamResource resource : template.resources().values()) {
      if (!STATEFUL_TYPES.contains(resource.type())) {
        continue;
      }
      Map<String, Object> entry = mapping(resources.get(resource.logicalId()));
      for (String policy : List.of("DeletionPolicy", "UpdateReplacePolicy")) {
        if (!expected.equals(entry.get(policy))) {
          wrong.put(resource.logicalId() + "." + policy, String.valueOf(entry.get(policy)));
        }
      }
    }
    assertFalse(resources.isEmpty());
    assertEquals(Map.of(), wrong);
  }

  /** Whether a statement's Action (or NotAction) includes {@code kms:Sign}. */
  static boolean coversSign(Map<String, Object> statement) {
    if (statement.containsKey("NotAction")) {
      return list(statement.get("NotAction")).stream().noneMatch(KeysAndRetentionTest::matchesSign);
    }
    return list(statement.get("Action")).stream().anyMatch(KeysAndRetentionTest::matchesSign);
  }

  private static boolean matchesSign(Object action) {
    String pattern = String.valueOf(action).toLowerCase(java.util.Locale.ROOT);
    String regex = pattern.replace("*", ".*").replace("?", ".");
    return "kms:sign".matches(regex);
  }

  /** {@code {AWS: !GetAtt TokenRole.Arn}} and nothing else. */
  private static boolean namesOnlySignerRole(Object principal) {
    if (!(principal instanceof Map<?, ?> map) || map.size() != 1) {
      return false;
    }
    List<Object> aws = list(map.get("AWS"));
    return aws.size() == 1 && Map.of("Fn::GetAtt", List.of(SIGNER_ROLE, "Arn")).equals(aws.get(0));
  }

  private static List<Map<String, Object>> statements(Object policy) {
    return list(mapping(policy).get("Statement")).stream()
        .map(KeysAndRetentionTest::mapping)
        .toList();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    return value instanceof List<?> l
        ? (List<Object>) l
        : value == null ? List.of() : List.of(value);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapping(Object value) {
    assertTrue(value instanceof Map<?, ?>, "not a mapping: " + value);
    return (Map<String, Object>) value;
  }
}
