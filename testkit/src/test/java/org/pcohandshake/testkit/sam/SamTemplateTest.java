package org.pcohandshake.testkit.sam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamTemplateTest {

  private static final String TEMPLATE =
      """
      AWSTemplateFormatVersion: 2010-09-09
      Transform: AWS::Serverless-2016-10-31
      Parameters:
        Stage:
          Type: String
          Default: dev
          AllowedValues: [dev, prod]
        Count:
          Type: Number
          Default: 3
        Required:
          Type: String
      Conditions:
        IsProd: !Equals [!Ref Stage, prod]
        NotProd: !Not [!Equals [!Ref Stage, prod]]
        Both: !And [!Equals [!Ref Stage, prod], !Or [!Equals [!Ref Count, "3"], "true"]]
      Rules:
        ProdNeedsCount:
          RuleCondition: !Equals [!Ref Stage, prod]
          Assertions:
            - Assert: !Contains [["3", "5"], !Ref Count]
      Globals:
        Function:
          Runtime: java21
          MemorySize: 512
          Timeout: 20
          Environment:
            Variables:
              SHARED: from-globals
              OVERRIDDEN: from-globals
      Resources:
        Api:
          Type: AWS::Serverless::HttpApi
        Table:
          Type: AWS::DynamoDB::Table
          Condition: IsProd
          Properties:
            TableName: !Sub "${AWS::StackName}-table"
        Fn:
          Type: AWS::Serverless::Function
          Properties:
            Handler: com.example.ThingHandler::handle
            CodeUri: functions/thing
            MemorySize: 1024
            Environment:
              Variables:
                OVERRIDDEN: own
                REF: !Ref Table
                SUB: !Sub "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/x"
                SUB_LIST: !Sub ["${A}-b", {A: !Ref Stage}]
                ATT: !GetAtt Table.Arn
                ATT_DOTTED: !GetAtt Table.Endpoint.Address
                ATT_LIST: !GetAtt [Table, StreamArn]
                IF: !If [IsProd, a, !Ref "AWS::NoValue"]
                JOIN: !Join [",", [a, !Select [0, !Split ["-", !Ref Stage]]]]
                LONG_FORM: {"Fn::Join": ["", [x, y]]}
            Events:
              Get:
                Type: HttpApi
                Properties: {ApiId: !Ref Api, Method: get, Path: "/things/{id}"}
              Post:
                Type: HttpApi
                Properties: {Method: POST, Path: /things}
              Queue:
                Type: SQS
                Properties: {Queue: !GetAtt Queue.Arn}
        Plain:
          Type: AWS::Serverless::Function
          Properties:
            Handler: com.example.PlainHandler
            Events:
              CatchAll:
                Type: HttpApi
      """;

  private final SamTemplate template = SamTemplate.parse(TEMPLATE);

  private Object variable(String name) {
    return template.function("Fn").environment().get(name);
  }

  @Test
  void shortRefAndSubScalars_becomeLongForm() {
    assertEquals(Map.of("Ref", "Table"), variable("REF"));
    assertEquals(
        Map.of("Fn::Sub", "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/x"),
        variable("SUB"));
  }

  @Test
  void subSequenceForm_keepsStringAndVariableMap() {
    assertEquals(
        Map.of("Fn::Sub", List.of("${A}-b", Map.of("A", Map.of("Ref", "Stage")))),
        variable("SUB_LIST"));
  }

  @Test
  void getAttScalar_splitsOnFirstDotOnly_andSequenceFormIsKept() {
    assertEquals(Map.of("Fn::GetAtt", List.of("Table", "Arn")), variable("ATT"));
    assertEquals(
        Map.of("Fn::GetAtt", List.of("Table", "Endpoint.Address")), variable("ATT_DOTTED"));
    assertEquals(Map.of("Fn::GetAtt", List.of("Table", "StreamArn")), variable("ATT_LIST"));
  }

  @Test
  void nestedShortTags_becomeNestedLongForm() {
    assertEquals(
        Map.of("Fn::If", List.of("IsProd", "a", Map.of("Ref", "AWS::NoValue"))), variable("IF"));
    assertEquals(
        Map.of(
            "Fn::Join",
            List.of(
                ",",
                List.of(
                    "a",
                    Map.of(
                        "Fn::Select",
                        List.of(0, Map.of("Fn::Split", List.of("-", Map.of("Ref", "Stage")))))))),
        variable("JOIN"));
  }

  @Test
  void longForm_isKeptAsIs() {
    assertEquals(Map.of("Fn::Join", List.of("", List.of("x", "y"))), variable("LONG_FORM"));
  }

  @Test
  void conditionTags_becomeConditionFunctions() {
    Map<String, Object> conditions = template.conditions();
    assertEquals(
        Map.of("Fn::Equals", List.of(Map.of("Ref", "Stage"), "prod")), conditions.get("IsProd"));
    assertEquals(
        Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", "Stage"), "prod")))),
        conditions.get("NotProd"));
    assertEquals(
        Map.of(
            "Fn::And",
            List.of(
                Map.of("Fn::Equals", List.of(Map.of("Ref", "Stage"), "prod")),
                Map.of(
                    "Fn::Or",
                    List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", "Count"), "3")), "true")))),
        conditions.get("Both"));
  }

  @Test
  void unquotedDate_staysAString() {
    assertEquals("2010-09-09", template.document().get("AWSTemplateFormatVersion"));
  }

  @Test
  void parameters_haveDefaultsAsStrings_andNoDefaultIsEmpty() {
    assertEquals(Optional.of("dev"), template.parameters().get("Stage").defaultValue());
    assertEquals(List.of("dev", "prod"), template.parameters().get("Stage").allowedValues());
    assertEquals(Optional.of("3"), template.parameters().get("Count").defaultValue());
    assertEquals(Optional.empty(), template.parameters().get("Required").defaultValue());
    assertEquals(Map.of("Stage", "dev", "Count", "3"), template.parameterDefaults());
  }

  @Test
  void resources_keepTypeConditionAndProperties() {
    SamResource table = template.resources().get("Table");
    assertEquals("AWS::DynamoDB::Table", table.type());
    assertEquals(Optional.of("IsProd"), table.condition());
    assertEquals(Map.of("Fn::Sub", "${AWS::StackName}-table"), table.properties().get("TableName"));
    assertEquals(Map.of(), template.resources().get("Api").properties());
    assertEquals(
        List.of("Table"), List.copyOf(template.resourcesOfType("AWS::DynamoDB::Table").keySet()));
  }

  @Test
  void functionEnvironment_mergesGlobals_functionWins() {
    Map<String, Object> fn = template.function("Fn").environment();
    assertEquals("from-globals", fn.get("SHARED"));
    assertEquals("own", fn.get("OVERRIDDEN"));
    Map<String, Object> plain = template.function("Plain").environment();
    assertEquals(Map.of("SHARED", "from-globals", "OVERRIDDEN", "from-globals"), plain);
  }

  @Test
  void functionSettings_comeFromFunctionThenGlobals() {
    SamFunction fn = template.function("Fn");
    assertEquals("com.example.ThingHandler", fn.handlerClass());
    assertEquals("handle", fn.handlerMethod());
    assertEquals("functions/thing", fn.codeUri());
    assertEquals(1024, fn.memorySize());
    assertEquals(20, fn.timeoutSeconds());
    SamFunction plain = template.function("Plain");
    assertEquals("handleRequest", plain.handlerMethod());
    assertEquals(512, plain.memorySize());
    assertEquals("", plain.codeUri());
  }

  @Test
  void routes_areHttpApiEventsOnly_withUpperCaseMethodsAndDefaultRoute() {
    assertEquals(
        List.of(
            new SamRoute("GET", "/things/{id}", "Fn", "Get"),
            new SamRoute("POST", "/things", "Fn", "Post"),
            new SamRoute("ANY", "$default", "Plain", "CatchAll")),
        template.routes());
    assertEquals("GET /things/{id}", template.routes().get(0).routeKey());
    assertEquals("$default", template.routes().get(2).routeKey());
  }

  @Test
  void httpApiIds_includeDeclaredAndImplicitApi() {
    assertEquals(List.of("Api", "ServerlessHttpApi"), template.httpApiIds());
  }

  @Test
  void unknownFunction_isRefusedWithTheKnownNames() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> template.function("Nope"));
    assertTrue(e.getMessage().contains("[Fn, Plain]"), e.getMessage());
  }

  @Test
  void sameRouteOnTwoFunctions_isRejected() {
    String yaml =
        """
        Resources:
          A:
            Type: AWS::Serverless::Function
            Properties:
              Handler: a.A
              Events: {E: {Type: HttpApi, Properties: {Method: GET, Path: /x}}}
          B:
            Type: AWS::Serverless::Function
            Properties:
              Handler: b.B
              Events: {E: {Type: HttpApi, Properties: {Method: get, Path: /x}}}
        """;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SamTemplate.parse(yaml));
    assertTrue(
        e.getMessage().contains("'GET /x'") && e.getMessage().contains("A and B"), e.getMessage());
  }

  @Test
  void unknownTag_isRejectedNamingTheTag() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SamTemplate.parse("Resources:\n  A:\n    Type: !Bogus x\n"));
    assertTrue(e.getMessage().contains("!Bogus"), e.getMessage());
  }

  @Test
  void unsupportedIntrinsic_isRejectedNamingItAndWhere() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SamTemplate.parse(
                    "Resources:\n  T:\n    Type: AWS::SNS::Topic\n"
                        + "    Properties: {TopicName: [a, !FindInMap [M, a, b]]}\n"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "the template text: Resources.T.Properties.TopicName[1] uses Fn::FindInMap"
                    + " (!FindInMap), which the testkit does not support (it supports Ref,"),
        e.getMessage());
  }

  @Test
  void unsupportedResourceTypeOrParameterType_isRejectedNamingItAndWhere() {
    IllegalArgumentException type =
        assertThrows(
            IllegalArgumentException.class,
            () -> SamTemplate.parse("Resources:\n  B: {Type: AWS::S3::Bucket}\n"));
    assertTrue(
        type.getMessage()
            .startsWith(
                "the template text: Resources.B uses resource type"
                    + " AWS::S3::Bucket, which the testkit does not support"),
        type.getMessage());
    IllegalArgumentException parameter =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SamTemplate.parse(
                    "Parameters:\n  L: {Type: CommaDelimitedList}\n"
                        + "Resources:\n  A: {Type: AWS::SNS::Topic}\n"));
    assertTrue(
        parameter.getMessage().contains("Parameters.L uses parameter type CommaDelimitedList"),
        parameter.getMessage());
  }

  @Test
  void rules_areNotEvaluated_soTheirFunctionsAreAccepted() {
    assertTrue(template.document().containsKey("Rules"));
  }

  @Test
  void duplicateKeys_areRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SamTemplate.parse(
                "Resources:\n  A: {Type: AWS::SNS::Topic}\n  A: {Type: AWS::IAM::Role}\n"));
  }

  @Test
  void functionWithoutHandler_isRejectedNamingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SamTemplate.parse(
                    "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: {}\n"));
    assertTrue(e.getMessage().contains("function F has no Handler"), e.getMessage());
  }

  @Test
  void loadedTemplate_knowsItsDirectory(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("template.yaml");
    Files.writeString(file, "Resources:\n  A: {Type: AWS::SNS::Topic}\n");
    assertEquals(Optional.of(dir.toAbsolutePath().normalize()), SamTemplate.load(file).directory());
    assertFalse(
        SamTemplate.parse("Resources:\n  A: {Type: AWS::SNS::Topic}\n").directory().isPresent());
  }

  @Test
  void projectTemplate_givesEveryFunctionAJavaHandlerAndTheGlobalsVariables() {
    SamTemplate project = SamTemplate.fromProjectRoot();
    assertFalse(project.functions().isEmpty());
    Map<?, ?> globals =
        (Map<?, ?>)
            ((Map<?, ?>)
                    ((Map<?, ?>) ((Map<?, ?>) project.document().get("Globals")).get("Function"))
                        .get("Environment"))
                .get("Variables");
    for (SamFunction function : project.functions().values()) {
      assertTrue(
          function.handler().matches("[a-z][\\w.]*\\.[A-Z]\\w*::\\w+"),
          function.logicalId() + " handler " + function.handler());
      for (Object name : globals.keySet()) {
        assertTrue(
            function.environment().containsKey(name),
            function.logicalId() + " lacks the Globals variable " + name);
      }
    }
    assertTrue(
        project.routes().stream().anyMatch(r -> r.routeKey().equals("POST /oauth/token")),
        "POST /oauth/token is routed");
  }
}
