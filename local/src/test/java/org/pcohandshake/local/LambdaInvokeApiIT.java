package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.http.LocalApi;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.node.NodeScripts;
import org.pcohandshake.testkit.sam.SamTemplate;

/**
 * The local stack answers the Lambda Invoke API for the functions no route reaches, so that an
 * integrator's backend reaches them locally with its own AWS SDK, here Node's, by endpoint alone.
 */
class LambdaInvokeApiIT {

  private static final String TEMPLATE =
      """
      Resources:
        SampleFunction:
          Type: AWS::Serverless::Function
          Properties:
            Handler: org.pcohandshake.local.SampleCommandHandler::handleRequest
            CodeUri: .
      """;

  private static LocalApi api;
  private static NodeScripts node;

  @BeforeAll
  static void start() {
    api = LocalApi.start(SamTemplate.parse(TEMPLATE), 0, (id, baseUrl) -> Map.of());
    node = NodeScripts.in(Path.of("src/test/node").toAbsolutePath());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static Map<String, String> sdkEnvironment() {
    return Map.of(
        "LAMBDA_ENDPOINT", api.lambdaEndpoint(),
        "AWS_REGION", "us-east-1",
        "AWS_ACCESS_KEY_ID", "123456789012",
        "AWS_SECRET_ACCESS_KEY", "test");
  }

  @Test
  void nodesLambdaClient_invokesAFunctionByName_andReadsItsAnswer() throws Exception {
    NodeScripts.Result result =
        node.node(
            "invoke.mjs",
            sdkEnvironment(),
            "SampleFunction",
            "{\"operation\":\"echo\",\"person_id\":\"42\"}");
    assertEquals(0, result.exitCode(), result.stderr());
    Map<String, Object> answer = TestJson.object(result.stdout().trim());
    assertEquals(200, ((Number) answer.get("status")).intValue());
    assertEquals(null, answer.get("functionError"));
    assertEquals("42", TestJson.object(answer, "payload").get("person_id"));
  }

  @Test
  void anArn_namesTheFunctionToo_andRefusalsComeBackInThePayload() throws Exception {
    NodeScripts.Result result =
        node.node(
            "invoke.mjs",
            sdkEnvironment(),
            "arn:aws:lambda:us-east-1:123456789012:function:SampleFunction",
            "{\"operation\":\"nope\"}");
    assertEquals(0, result.exitCode(), result.stderr());
    Map<String, Object> answer = TestJson.object(result.stdout().trim());
    assertTrue(TestJson.write(answer.get("payload")).contains("\"unknown_operation\""));
  }

  @Test
  void anUnknownFunction_isTheSdksResourceNotFoundException() {
    NodeScripts.Result result =
        node.node("invoke.mjs", sdkEnvironment(), "NoSuchFunction", "{\"operation\":\"echo\"}");
    assertNotEquals(0, result.exitCode());
    assertTrue(result.stderr().contains("ResourceNotFoundException"), result.stderr());
  }

  @Test
  void aHandlerThatThrows_isAFunctionErrorAsLambdaReportsIt() throws Exception {
    NodeScripts.Result result =
        node.node("invoke.mjs", sdkEnvironment(), "SampleFunction", "{\"operation\":\"crash\"}");
    assertEquals(0, result.exitCode(), result.stderr());
    assertEquals("Unhandled", TestJson.object(result.stdout().trim()).get("functionError"));
  }

  @Test
  void anEventInvocation_isAcceptedWith202() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            api.baseUrl() + "/2015-03-31/functions/SampleFunction/invocations"))
                    .header("X-Amz-Invocation-Type", "Event")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"operation\":\"echo\",\"person_id\":\"1\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(202, response.statusCode());
  }
}
