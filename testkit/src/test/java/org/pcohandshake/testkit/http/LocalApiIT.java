package org.pcohandshake.testkit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.aws.Provisioner;
import org.pcohandshake.testkit.fixture.Fixtures;
import org.pcohandshake.testkit.sam.SamTemplate;

/** The local API serving a provisioned stack: handlers reach the emulator through their env. */
class LocalApiIT {

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void handler_writesToTheProvisionedTableThroughItsEnvironment() throws Exception {
    ProvisionedStack stack =
        new Provisioner(SamTemplate.parse(Fixtures.TABLE_TEMPLATE), Emulator.shared()).provision();
    try (LocalApi api = LocalApi.start(stack, 0, Map.of())) {
      assertEquals(List.of(), stack.scanTable("Table"));
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(api.uri("/write")).POST(BodyPublishers.noBody()).build(),
              BodyHandlers.ofString());
      assertEquals(204, response.statusCode());
      assertEquals(1, stack.scanTable("Table").size());
      assertEquals("written", stack.scanTable("Table").get(0).get("pk").s());
    }
  }

  @Test
  void stackEnvironment_carriesTheLocalBaseUrlAndEmulator() throws Exception {
    ProvisionedStack stack =
        new Provisioner(SamTemplate.parse(Fixtures.TEMPLATE), Emulator.shared()).provision();
    try (LocalApi api = LocalApi.start(stack, 0, Map.of("Greeting", "hi"))) {
      HttpResponse<String> response =
          client.send(HttpRequest.newBuilder(api.uri("/echo")).build(), BodyHandlers.ofString());
      JsonObject env = Fixtures.json(response.body()).getAsJsonObject("env");
      assertEquals(api.baseUrl(), env.get("ISSUER").getAsString());
      assertEquals("hi", env.get("GREETING").getAsString());
      assertEquals(Emulator.shared().endpointUrl(), env.get("AWS_ENDPOINT_URL").getAsString());
    }
  }

  @Test
  void manyConcurrentRequests_thatCallTheApiThemselves_areAllServed() throws Exception {
    ProvisionedStack stack =
        new Provisioner(SamTemplate.parse(Fixtures.TEMPLATE), Emulator.shared()).provision();
    try (LocalApi api = LocalApi.start(stack, 0, Map.of());
        ExecutorService callers = Executors.newFixedThreadPool(CONCURRENT)) {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < CONCURRENT; i++) {
        answers.add(
            callers.submit(
                () ->
                    client.send(
                        HttpRequest.newBuilder(api.uri("/call-back")).build(),
                        BodyHandlers.ofString())));
      }
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
        assertEquals("200", response.body(), "the inner call to /echo was served");
      }
    }
  }

  /** More requests at once than a fixed pool of request threads would serve. */
  private static final int CONCURRENT = 48;

  @Test
  void unknownParameterOverride_failsAtStart() {
    ProvisionedStack stack =
        new Provisioner(SamTemplate.parse(Fixtures.TEMPLATE), Emulator.shared()).provision();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> LocalApi.start(stack, 0, Map.of("Nope", "x")));
    assertTrue(e.getMessage().contains("'Nope'"), e.getMessage());
  }
}
