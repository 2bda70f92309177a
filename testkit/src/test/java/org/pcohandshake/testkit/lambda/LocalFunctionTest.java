package org.pcohandshake.testkit.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.fixture.Fixtures;
import org.pcohandshake.testkit.fixture.ThrowingHandler;
import org.pcohandshake.testkit.sam.SamTemplate;

class LocalFunctionTest {

  private static final SamTemplate TEMPLATE = SamTemplate.parse(Fixtures.TEMPLATE);

  private static APIGatewayV2HTTPEvent event() {
    return HttpApiEventJson.parseEvent("{\"version\":\"2.0\",\"rawPath\":\"/echo\"}");
  }

  @Test
  void environment_isAskedOnce_onFirstInvocation() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    LocalFunction function =
        new LocalFunction(
            TEMPLATE,
            "EchoFunction",
            () -> {
              calls.incrementAndGet();
              return Map.of();
            });
    assertEquals(0, calls.get());
    assertFalse(function.isInitialized());
    function.invoke(event(), function.newContext());
    function.invoke(event(), function.newContext());
    assertEquals(1, calls.get());
    assertTrue(function.isInitialized());
  }

  @Test
  void handlerException_propagatesUnwrapped() {
    LocalFunction function = new LocalFunction(TEMPLATE, "ThrowingFunction", Map::of);
    assertThrows(
        ThrowingHandler.FixtureFailure.class,
        () -> function.invoke(event(), function.newContext()));
  }

  @Test
  void handlerWithoutMapConstructor_failsNamingTheConvention() {
    LocalFunction function = new LocalFunction(TEMPLATE, "BrokenFunction", Map::of);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> function.invoke(event(), function.newContext()));
    assertTrue(
        e.getMessage().contains("no public constructor taking java.util.Map<String, String>"),
        e.getMessage());
    assertFalse(function.isInitialized());
  }

  @Test
  void missingHandlerClass_failsSayingHowToFixIt() {
    SamTemplate template =
        SamTemplate.parse(
            """
            Resources:
              GoneFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: org.example.Gone::handleRequest
                  CodeUri: functions/gone
            """);
    LocalFunction function = new LocalFunction(template, "GoneFunction", Map::of);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> function.invoke(event(), function.newContext()));
    assertTrue(e.getMessage().contains("org.example.Gone"), e.getMessage());
    assertTrue(e.getMessage().contains("not on the class path"), e.getMessage());
  }

  @Test
  void context_namesTheFunction_andCountsDownFromItsTimeout() {
    LocalFunction function = new LocalFunction(TEMPLATE, "EchoFunction", Map::of);
    LocalContext context = function.newContext();
    assertEquals("EchoFunction", context.getFunctionName());
    assertEquals(512, context.getMemoryLimitInMB());
    assertTrue(context.getRemainingTimeInMillis() > 24_000);
    assertTrue(context.getRemainingTimeInMillis() <= 25_000, "the fixture's Timeout: 25");
    assertFalse(context.getAwsRequestId().equals(function.newContext().getAwsRequestId()));
  }
}
