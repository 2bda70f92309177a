package org.pcohandshake.testkit.sam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SamTemplateExplicitRoutesTest {

  private static final String TEMPLATE =
      """
      Resources:
        Api:
          Type: AWS::ApiGatewayV2::Api
          Properties: { Name: x, ProtocolType: HTTP }
        TokenFunction:
          Type: AWS::Serverless::Function
          Properties: { Handler: "a.B::handleRequest", CodeUri: functions/token }
        TokenIntegration:
          Type: AWS::ApiGatewayV2::Integration
          Properties:
            ApiId: !Ref Api
            IntegrationType: AWS_PROXY
            IntegrationUri: !GetAtt TokenFunction.Arn
            PayloadFormatVersion: "2.0"
        TokenRoute:
          Type: AWS::ApiGatewayV2::Route
          Properties:
            ApiId: !Ref Api
            RouteKey: POST /oauth/token
            Target: !Sub "integrations/${TokenIntegration}"
      """;

  @Test
  void explicitRoute_mapsThroughItsIntegrationToTheFunction() {
    SamTemplate template = SamTemplate.parse(TEMPLATE);
    assertEquals(1, template.routes().size());
    SamRoute route = template.routes().get(0);
    assertEquals("POST /oauth/token", route.routeKey());
    assertEquals("TokenFunction", route.functionLogicalId());
  }

  @Test
  void integrationInvokingTheFunctionsAlias_mapsToTheFunction() {
    SamTemplate template =
        SamTemplate.parse(
            TEMPLATE.replace("!GetAtt TokenFunction.Arn", "!Ref TokenFunction.Alias"));
    assertEquals("TokenFunction", template.routes().get(0).functionLogicalId());
  }

  @Test
  void routeToUnknownIntegration_isAClearError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SamTemplate.parse(TEMPLATE.replace("${TokenIntegration}", "${Missing}")));
    assertTrue(e.getMessage().contains("Missing"), e.getMessage());
  }

  @Test
  void routeDeclaredTwice_isRefused() {
    String twice =
        TEMPLATE
            + """
              OtherRoute:
                Type: AWS::ApiGatewayV2::Route
                Properties:
                  ApiId: !Ref Api
                  RouteKey: POST /oauth/token
                  Target: !Sub "integrations/${TokenIntegration}"
            """;
    assertThrows(IllegalArgumentException.class, () -> SamTemplate.parse(twice));
  }
}
