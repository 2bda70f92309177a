package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.sam.SamTemplate;

class FunctionSettingsTest {

  static final SamTemplate TEMPLATE =
      SamTemplate.parse(
          """
          Transform: AWS::Serverless-2016-10-31
          Parameters:
            Scopes:
              Type: String
              Default: ""
            RefreshGraceSeconds:
              Type: Number
              Default: 60
          Globals:
            Function:
              Environment:
                Variables:
                  TABLE_NAME: !Ref Table
                  JAVA_TOOL_OPTIONS: "-XX:TieredStopAtLevel=1"
          Resources:
            Table:
              Type: AWS::DynamoDB::Table
            Prompt:
              Type: AWS::Serverless::Function
              Properties:
                Handler: x.Prompt::handleRequest
                Environment:
                  Variables:
                    SCOPES: !Ref Scopes
                    APP_NAME: Example
            Token:
              Type: AWS::Serverless::Function
              Properties:
                Handler: x.Token::handleRequest
                Environment:
                  Variables:
                    REFRESH_GRACE_SECONDS: !Ref RefreshGraceSeconds
          """);

  @Test
  void fromEnvironment_takesOnlyFunctionVariables_thatTheDevStackDoesNotSet() {
    Map<String, String> settings =
        FunctionSettings.fromEnvironment(
            Map.of(
                "SCOPES", "people services",
                "REFRESH_GRACE_SECONDS", "5",
                "APP_NAME", " ",
                "HOME", "/home/me",
                "JAVA_TOOL_OPTIONS", "-Xmx1g",
                "AWS_SECRET_ACCESS_KEY", "not ours",
                "ISSUER", "https://elsewhere.example",
                "TABLE_NAME", "other",
                "CLIENT_SECRET_ID", "other",
                "PCO_BASE_URL", "https://pco.example"));
    assertEquals(Map.of("REFRESH_GRACE_SECONDS", "5", "SCOPES", "people services"), settings);
  }

  @Test
  void configVariables_areConfigsNames_notItsOtherConstants() {
    var names = FunctionSettings.configVariables();
    assertTrue(
        names.containsAll(List.of("SCOPES", "REFRESH_GRACE_SECONDS", "APP_NAME")),
        names.toString());
    assertTrue(names.stream().allMatch(n -> n.matches("[A-Z][A-Z0-9_]*")), names.toString());
    assertTrue(!names.contains("DEFAULT_PCO_BASE_URL") && !names.contains("JWKS_PATH"));
  }

  @Test
  void resolve_setsTheParameterOfARef_replacesAnyOtherExpression_andNamesTheRest() {
    FunctionSettings settings =
        FunctionSettings.resolve(
            TEMPLATE,
            Map.of(
                "SCOPES", "people",
                "APP_NAME", "Overridden",
                "REFRESH_GRACE_SECONDS", "5",
                "SESSION_TTL_SECONDS", "600"));
    assertEquals(Map.of("Scopes", "people", "RefreshGraceSeconds", "5"), settings.parameters());
    assertEquals(Map.of("Prompt", Map.of("APP_NAME", "Overridden")), settings.variables());
    assertEquals(List.of("APP_NAME", "REFRESH_GRACE_SECONDS", "SCOPES"), settings.applied());
    assertEquals(List.of("SESSION_TTL_SECONDS"), settings.undeclared());

    Map<String, String> prompt = Map.of("APP_NAME", "Example", "TABLE_NAME", "t");
    assertEquals(
        Map.of("APP_NAME", "Overridden", "TABLE_NAME", "t"), settings.apply("Prompt", prompt));
    // a function that does not declare the variable does not get it
    Map<String, String> token = Map.of("REFRESH_GRACE_SECONDS", "5", "TABLE_NAME", "t");
    assertEquals(token, settings.apply("Token", token));
  }
}
