package org.pcohandshake.templatetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.aws.Deadline;
import org.pcohandshake.config.Config;
import org.pcohandshake.testkit.lambda.HttpApiEventJson;
import org.pcohandshake.testkit.sam.SamFunction;
import org.pcohandshake.testkit.sam.SamRoute;
import org.pcohandshake.testkit.sam.SamTemplate;

/** template.yaml and the code agree: handlers, environment names, routes and event files. */
class TemplateCodeTest {

  private final SamTemplate template = SamTemplate.fromProjectRoot();

  @Test
  void everyFunctionsHandlerClassExists_withTheProjectsConstructorAndMethod() throws Exception {
    assertFalse(template.functions().isEmpty());
    for (SamFunction function : template.functions().values()) {
      String[] handler = function.handler().split("::");
      Class<?> type = Class.forName(handler[0]);
      type.getConstructor(Map.class, Clock.class);
      type.getConstructor();
      boolean routed =
          template.routes().stream()
              .anyMatch(r -> r.functionLogicalId().equals(function.logicalId()));
      if (routed) {
        assertEquals(
            "handleRequest",
            type.getMethod(handler[1], APIGatewayV2HTTPEvent.class, Context.class).getName());
      } else {
        // no route reaches it: an invoke-style function, a command in, an answer out
        assertTrue(
            org.pcohandshake.invoke.InvokeFunction.class.isAssignableFrom(type),
            function.logicalId() + " has no route and is not an InvokeFunction");
        assertEquals(
            "handleRequest",
            type.getMethod(
                    handler[1],
                    java.io.InputStream.class,
                    java.io.OutputStream.class,
                    Context.class)
                .getName());
      }
    }
  }

  @Test
  void everyFunctionsTimeout_fitsOneWholeAwsCallInsideItsDeadline() {
    // the deadline is the function timeout less a margin to answer; below this a single AWS call
    // with its retries could not finish before the deadline ended it
    Duration least = AwsClients.CALL_TIMEOUT.plus(Deadline.MARGIN).plusSeconds(1);
    for (SamFunction function : template.functions().values()) {
      assertTrue(
          Duration.ofSeconds(function.timeoutSeconds()).compareTo(least) >= 0,
          function.logicalId() + ": Timeout " + function.timeoutSeconds() + " s, least " + least);
    }
  }

  @Test
  void everyEnvironmentVariableInTheTemplate_isOneTheCodeKnows() throws Exception {
    Set<String> known = new HashSet<>(Set.of("JAVA_TOOL_OPTIONS"));
    for (Field field : Config.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        known.add((String) field.get(null));
      }
    }
    Set<String> unknown = new TreeSet<>();
    for (SamFunction function : template.functions().values()) {
      for (String name : function.environment().keySet()) {
        if (!known.contains(name)) {
          unknown.add(function.logicalId() + "." + name);
        }
      }
    }
    assertEquals(Set.of(), unknown, "variables no code reads (a typo?)");
  }

  @Test
  void everyRoute_hasAFunctionAndAnEventFile_andEveryEventFileARoute() throws IOException {
    Set<String> routeKeys = new TreeSet<>();
    for (SamRoute route : template.routes()) {
      assertTrue(template.functions().containsKey(route.functionLogicalId()), route.routeKey());
      routeKeys.add(route.routeKey());
    }
    Set<String> eventRouteKeys = new TreeSet<>();
    try (Stream<Path> files = Files.list(Tools.root().resolve("events"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        APIGatewayV2HTTPEvent event = HttpApiEventJson.parseEvent(Files.readString(file));
        assertTrue(
            routeKeys.contains(event.getRouteKey()),
            file.getFileName() + " names no route: " + event.getRouteKey());
        eventRouteKeys.add(event.getRouteKey());
      }
    }
    assertEquals(routeKeys, eventRouteKeys, "every route has at least one event file");
  }

  @Test
  void
      awsTrustRoots_onlyForFunctionsThatCallOnlyAws_thePromptOnlyInBridgeModeWithoutALoginJwksUrl() {
    String trustStore = "-Djavax.net.ssl.trustStore=" + AwsClients.AWS_TRUST_ROOTS;
    Set<String> withTrustStore = new TreeSet<>();
    for (SamFunction function : template.functions().values()) {
      Object options = function.environment().get("JAVA_TOOL_OPTIONS");
      if (String.valueOf(options).contains(trustStore)) {
        withTrustStore.add(function.logicalId());
      }
    }
    // pco-complete calls Planning Center and the example API the JWKS URL: they trust the JDK's
    // roots; the others call DynamoDB, KMS and Secrets Manager only
    assertEquals(
        new TreeSet<>(
            Set.of(
                "AuthorizeDecisionFunction",
                "AuthorizePromptFunction",
                "DiscoveryFunction",
                "RevokeFunction",
                "TokenFunction")),
        withTrustStore);
    Object prompt =
        template.functions().get("AuthorizePromptFunction").environment().get("JAVA_TOOL_OPTIONS");
    assertTrue(prompt instanceof Map<?, ?>, "the prompt's options depend on the login mode");
    java.util.List<?> branches = (java.util.List<?>) ((Map<?, ?>) prompt).get("Fn::If");
    assertEquals("PromptCallsBeyondAws", branches.get(0));
    assertFalse(String.valueOf(branches.get(1)).contains(trustStore));
    assertTrue(String.valueOf(branches.get(2)).contains(trustStore));
  }
}
