package org.pcohandshake.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.sam.SamTemplate;

/** Resolving environments against a stack whose ids are given (no emulator needed). */
class ProvisionedStackTest {

  private static final String TEMPLATE =
      """
      Parameters:
        Mode:
          Type: String
          Default: identify
          AllowedValues: [store, identify, skip]
        Digits:
          Type: String
          Default: "1"
          AllowedPattern: "^[0-9]+$"
        Required:
          Type: String
      Conditions:
        Stores: !Equals [!Ref Mode, store]
        Skips: !Equals [!Ref Mode, skip]
        Identifies: !Not [!Or [!Equals [!Ref Mode, store], !Equals [!Ref Mode, skip]]]
      Globals:
        Function:
          Environment:
            Variables:
              ISSUER: !Sub "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
              TABLE_NAME: !Ref Table
      Resources:
        HttpApi:
          Type: AWS::Serverless::HttpApi
        Table:
          Type: AWS::DynamoDB::Table
        Role:
          Type: AWS::IAM::Role
        Fn:
          Type: AWS::Serverless::Function
          Properties:
            Handler: x.Y::handleRequest
            Environment:
              Variables:
                PLAIN: plain
                NUMBER: 42
                MODE: !Ref Mode
                REGION: !Ref AWS::Region
                CALLBACK: !Sub "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/oauth/pco/complete"
                ARN: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root/${Table}/${!Literal}"
                SUB_VARS: !Sub ["${Name}-${Mode}", {Name: !GetAtt Table.Arn}]
                TABLE_ARN: !GetAtt Table.Arn
                API_ENDPOINT: !GetAtt HttpApi.ApiEndpoint
                IF_STORE: !If [Stores, stored, !Ref AWS::NoValue]
                IDENTIFIES: !If [Identifies, "yes", "no"]
                JOINED: !Join [";", !Split [",", "a.example,b.example"]]
                SECOND: !Select [1, !Split [",", "x,y,z"]]
        NeedsRequired:
          Type: AWS::Serverless::Function
          Properties:
            Handler: x.Z::handleRequest
            Environment:
              Variables:
                VALUE: !Ref Required
        NeedsRole:
          Type: AWS::Serverless::Function
          Properties:
            Handler: x.R::handleRequest
            Environment:
              Variables:
                ROLE: !GetAtt Role.Arn
                ROLE_NAME: !Ref Role
      """;

  private final ProvisionedStack stack =
      new ProvisionedStack(
          "local-test1234",
          SamTemplate.parse(TEMPLATE),
          URI.create("http://127.0.0.1:5555"),
          Map.of("HttpApi", "local", "Table", "local-test1234-Table"),
          Map.of("Table", Map.of("Arn", "arn:aws:dynamodb:us-east-1:123456789012:table/t")),
          Map.of("Secret", "s3cr3t-value"));

  private Map<String, String> env(Map<String, String> overrides) {
    return stack.environmentFor("Fn", "http://127.0.0.1:3000/", overrides);
  }

  @Test
  void plainValuesAndRefs_resolve() {
    Map<String, String> env = env(Map.of());
    assertEquals("plain", env.get("PLAIN"));
    assertEquals("42", env.get("NUMBER"));
    assertEquals("identify", env.get("MODE"));
    assertEquals("us-east-1", env.get("REGION"));
    assertEquals("local-test1234-Table", env.get("TABLE_NAME"));
  }

  @Test
  void executeApiUrls_becomeTheBaseUrlWithoutTrailingSlash() {
    Map<String, String> env = env(Map.of());
    assertEquals("http://127.0.0.1:3000", env.get("ISSUER"));
    assertEquals("http://127.0.0.1:3000/oauth/pco/complete", env.get("CALLBACK"));
    assertEquals("http://127.0.0.1:3000", env.get("API_ENDPOINT"));
  }

  @Test
  void subPseudoParametersResourcesVariablesAndEscapes_resolve() {
    Map<String, String> env = env(Map.of());
    assertEquals("arn:aws:iam::123456789012:root/local-test1234-Table/${Literal}", env.get("ARN"));
    assertEquals("arn:aws:dynamodb:us-east-1:123456789012:table/t-identify", env.get("SUB_VARS"));
    assertEquals("arn:aws:dynamodb:us-east-1:123456789012:table/t", env.get("TABLE_ARN"));
  }

  @Test
  void conditions_followParameterOverrides_andNoValueDropsTheVariable() {
    Map<String, String> defaults = env(Map.of());
    assertFalse(defaults.containsKey("IF_STORE"));
    assertEquals("yes", defaults.get("IDENTIFIES"));
    Map<String, String> store = env(Map.of("Mode", "store"));
    assertEquals("stored", store.get("IF_STORE"));
    assertEquals("no", store.get("IDENTIFIES"));
    assertEquals("store", store.get("MODE"));
  }

  @Test
  void listFunctions_resolve() {
    Map<String, String> env = env(Map.of());
    assertEquals("a.example;b.example", env.get("JOINED"));
    assertEquals("y", env.get("SECOND"));
  }

  @Test
  void emulatorVariables_areAdded() {
    Map<String, String> env = env(Map.of());
    assertEquals("http://127.0.0.1:5555", env.get("AWS_ENDPOINT_URL"));
    assertEquals("us-east-1", env.get("AWS_REGION"));
    assertEquals(AwsClients.ACCESS_KEY_ID, env.get("AWS_ACCESS_KEY_ID"));
    assertEquals(AwsClients.SECRET_ACCESS_KEY, env.get("AWS_SECRET_ACCESS_KEY"));
  }

  @Test
  void overrideOfUnknownParameter_isRejectedNamingIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> env(Map.of("Mdoe", "store")));
    assertTrue(e.getMessage().contains("'Mdoe'"), e.getMessage());
  }

  @Test
  void overrideBreakingAllowedValuesOrPattern_isRejected() {
    IllegalArgumentException values =
        assertThrows(IllegalArgumentException.class, () -> env(Map.of("Mode", "everything")));
    assertTrue(values.getMessage().contains("AllowedValues"), values.getMessage());
    IllegalArgumentException pattern =
        assertThrows(IllegalArgumentException.class, () -> env(Map.of("Digits", "12a")));
    assertTrue(pattern.getMessage().contains("AllowedPattern"), pattern.getMessage());
  }

  @Test
  void parameterWithoutDefault_needsAnOverride() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> stack.environmentFor("NeedsRequired", "http://localhost:1"));
    assertTrue(e.getMessage().contains("variable VALUE of function NeedsRequired"), e.getMessage());
    assertTrue(e.getMessage().contains("Required"), e.getMessage());
    assertEquals(
        "given",
        stack
            .environmentFor("NeedsRequired", "http://localhost:1", Map.of("Required", "given"))
            .get("VALUE"));
  }

  @Test
  void unprovisionedResource_failsNamingFunctionVariableAndExpression() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> stack.environmentFor("NeedsRole", "http://localhost:1"));
    assertTrue(e.getMessage().contains("function NeedsRole"), e.getMessage());
    assertTrue(e.getMessage().contains("ROLE"), e.getMessage());
    assertTrue(e.getMessage().contains("Role"), e.getMessage());
  }

  @Test
  void baseUrlMustBeAbsolute() {
    assertThrows(IllegalArgumentException.class, () -> stack.environmentFor("Fn", "localhost"));
  }

  @Test
  void toString_leavesOutSecretValues() {
    assertFalse(stack.toString().contains("s3cr3t-value"), stack.toString());
    assertTrue(stack.toString().contains("Secret"), stack.toString());
  }

  @Test
  void unknownLogicalIds_areRejectedNamingWhatExists() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> stack.physicalId("Tabel"));
    assertTrue(e.getMessage().contains("Table"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> stack.secretValue("Nope"));
  }
}
