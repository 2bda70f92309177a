package org.pcohandshake.templatetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.lambda.HttpApiEventJson;
import org.pcohandshake.testkit.lambda.LocalFunction;
import org.pcohandshake.testkit.sam.SamRoute;

/**
 * Every file in events/ goes through the handler its route names, against the emulator, and gets
 * the answer documented here (the files are the `sam local invoke` and `make invoke` examples).
 */
class EventsIT {

  /** The status each example event gets; placeholders in the files make most of them errors. */
  static final Map<String, Integer> EXPECTED =
      Map.ofEntries(
          Map.entry("authorize-prompt.json", 302), // no session: to the login bridge
          Map.entry("authorize-prompt-bad-redirect.json", 400), // a page, never a redirect
          Map.entry("authorize-decision-approve.json", 400), // placeholder session: form expired
          Map.entry("authorize-decision-no-session.json", 400),
          Map.entry("token-authorization-code.json", 401), // placeholder client secret
          Map.entry("token-refresh.json", 401),
          Map.entry("token-invalid-client.json", 401),
          Map.entry("pco-complete.json", 400), // PCO refuses the placeholder code
          Map.entry("pco-complete-denied.json", 400),
          Map.entry("revoke-refresh-token.json", 401),
          Map.entry("discovery-openid-configuration.json", 200),
          Map.entry("discovery-jwks.json", 200),
          Map.entry("discovery-authorization-server.json", 200),
          Map.entry("example-api-me.json", 401), // placeholder bearer token
          Map.entry("example-api-preflight.json", 204),
          // the default login mode is the bridge: the provider's callback is not in use
          Map.entry("login-callback.json", 404));

  static LocalDeployment deployment;

  @BeforeAll
  static void deploy() throws Exception {
    deployment = new LocalDeployment();
  }

  @AfterAll
  static void stop() {
    deployment.close();
  }

  /**
   * The template's defaults (the events name Planning Center's real add-on URL), except that step 2
   * talks to the simulator, which refuses the placeholder code.
   */
  static Map<String, String> environment(String functionLogicalId) {
    return functionLogicalId.equals("PcoCompleteFunction")
        ? deployment.environment(functionLogicalId)
        : deployment.stack.environmentFor(functionLogicalId, deployment.api.baseUrl());
  }

  @Test
  void everyEventFile_getsItsDocumentedAnswer_neverA5xx() throws Exception {
    Map<String, Integer> actual = new TreeMap<>();
    try (Stream<Path> files = Files.list(Tools.root().resolve("events"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        APIGatewayV2HTTPEvent event = HttpApiEventJson.parseEvent(Files.readString(file));
        SamRoute route =
            deployment.template.routes().stream()
                .filter(r -> r.routeKey().equals(event.getRouteKey()))
                .findFirst()
                .orElseThrow();
        LocalFunction function =
            new LocalFunction(
                deployment.template,
                route.functionLogicalId(),
                () -> environment(route.functionLogicalId()));
        APIGatewayV2HTTPResponse response = function.invoke(event, function.newContext());
        actual.put(file.getFileName().toString(), response.getStatusCode());
        assertFalse(
            String.valueOf(response.getBody()).contains("Exception"),
            file.getFileName() + " leaked an exception name");
      }
    }
    assertEquals(new TreeMap<>(EXPECTED), actual);
  }

  /** The functions no route reaches, by the prefix of their example commands in events/invoke. */
  static final Map<String, String> INVOKED =
      Map.of(
          "grant-admin-",
          "GrantAdminFunction",
          "pco-broker-",
          "PcoBrokerFunction",
          "pco-keepalive-",
          "PcoKeepAliveFunction");

  @Test
  void everyCommandFile_isAnsweredWithoutAnError() throws Exception {
    List<String> answered = new java.util.ArrayList<>();
    try (Stream<Path> files = Files.list(Tools.root().resolve("events").resolve("invoke"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        String name = file.getFileName().toString();
        String functionId =
            INVOKED.entrySet().stream()
                .filter(e -> name.startsWith(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " names no invoke-style function"));
        LocalFunction function =
            new LocalFunction(
                deployment.template, functionId, () -> deployment.environment(functionId));
        String answer =
            new String(
                function.invokePayload(Files.readAllBytes(file), function.newContext()),
                java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(answer.contains("\"error\""), name + ": " + answer);
        answered.add(name);
      }
    }
    assertEquals(
        List.of(
            "grant-admin-list-grants.json",
            "pco-broker-connections.json",
            "pco-keepalive-dry-run.json"),
        answered);
  }
}
