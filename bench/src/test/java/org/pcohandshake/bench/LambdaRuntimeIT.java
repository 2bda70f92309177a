package org.pcohandshake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.lambda.HttpApiEventJson;
import org.pcohandshake.testkit.sam.ProjectRoot;
import org.pcohandshake.testkit.sam.SamTemplate;

/**
 * The benchmark's machinery, and the deployable artifacts, as Lambda runs them: a fresh JVM under
 * the Runtime Interface Client, talking to the local Runtime API. This keeps `make bench` honest
 * between runs, and checks in `make test` that the real token artifact answers through its stream
 * entry.
 */
class LambdaRuntimeIT {

  static Path root;
  static Path target;
  static List<Path> runtime;

  @BeforeAll
  static void find() throws Exception {
    root = ProjectRoot.find();
    target = root.resolve("bench/target");
    try (Stream<Path> jars = Files.list(target.resolve("runtime"))) {
      runtime = new ArrayList<>(jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList());
    }
  }

  /** Starts the artifact under the RIC, sends one event, returns the answer and the timings. */
  static RuntimeApiServer.Outcome invoke(
      Path artifact, String handler, Map<String, String> env, String eventJson, long[] timings)
      throws Exception {
    Path task = Bench.extract(artifact, target.resolve("it-tasks").resolve(artifact.getFileName()));
    Path log = target.resolve("it-logs").resolve(artifact.getFileName() + ".log");
    try (RuntimeApiServer api =
        new RuntimeApiServer(
            "arn:aws:lambda:us-east-1:123456789012:function:it", Duration.ofSeconds(20))) {
      RuntimeApiServer.Invocation invocation = api.invoke(eventJson);
      LambdaProcess.Launch launch =
          new LambdaProcess.Launch(
              "it", handler, task, runtime, 1024, env, List.of(), Map.of(), log);
      try (LambdaProcess process = LambdaProcess.start(launch, api)) {
        RuntimeApiServer.Outcome outcome = invocation.outcome.get(60, TimeUnit.SECONDS);
        timings[0] = api.initDone.get() - process.startedNanos();
        timings[1] = outcome.receivedNanos() - process.startedNanos();
        assertTrue(process.peakRssKb() > 0, "peak RSS is readable");
        assertTrue(process.cpuMillis() >= 0, "CPU time is readable");
        return outcome;
      }
    }
  }

  @Test
  void helloWorld_startsUnderTheRuntimeInterfaceClient_andAnswers() throws Exception {
    long[] timings = new long[2];
    RuntimeApiServer.Outcome outcome =
        invoke(
            target.resolve("baseline-hello-lambda.jar"),
            "org.pcohandshake.bench.baseline.HelloWorldHandler::handleRequest",
            Map.of(),
            HttpApiEventJson.eventToJson(TestEvent.get("/hello").build()),
            timings);
    assertFalse(outcome.error(), outcome.body());
    APIGatewayV2HTTPResponse response = HttpApiEventJson.parseResponse(outcome.body());
    assertEquals(200, response.getStatusCode());
    assertEquals("hello", response.getBody());
    assertTrue(0 < timings[0] && timings[0] < timings[1], "init done comes before the response");
  }

  @Test
  void tokenArtifact_answersThroughItsStreamEntry_underTheRuntime(
      @Provisioned ProvisionedStack stack) throws Exception {
    Path artifact = null;
    try (DirectoryStream<Path> jars =
        Files.newDirectoryStream(root.resolve("functions/token/target"), "token-*-lambda.jar")) {
      for (Path jar : jars) {
        artifact = jar;
      }
    }
    assertTrue(artifact != null, "build the token function first (mvn package)");
    long[] timings = new long[2];
    // no content type: refused before any AWS call, in the endpoint's JSON error shape
    RuntimeApiServer.Outcome outcome =
        invoke(
            artifact,
            SamTemplate.fromProjectRoot().function("TokenFunction").handler(),
            stack.environmentFor("TokenFunction", "https://auth.example.test"),
            HttpApiEventJson.eventToJson(TestEvent.post("/oauth/token").build()),
            timings);
    assertFalse(outcome.error(), outcome.body());
    APIGatewayV2HTTPResponse response = HttpApiEventJson.parseResponse(outcome.body());
    assertEquals(400, response.getStatusCode(), response.getBody());
    assertTrue(response.getBody().contains("\"invalid_request\""), response.getBody());
    assertEquals("no-store", response.getHeaders().get("cache-control"));
  }
}
