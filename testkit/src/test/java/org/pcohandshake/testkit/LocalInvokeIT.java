package org.pcohandshake.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.fixture.Fixtures;

class LocalInvokeIT {

  private static final String EVENT =
      """
      {
        "version": "2.0",
        "routeKey": "POST /echo",
        "rawPath": "/echo",
        "rawQueryString": "a=1",
        "cookies": ["sid=abc"],
        "headers": {"content-type": "application/x-www-form-urlencoded"},
        "queryStringParameters": {"a": "1"},
        "requestContext": {
          "accountId": "123456789012",
          "apiId": "api-id",
          "domainName": "id.execute-api.us-east-1.amazonaws.com",
          "domainPrefix": "id",
          "http": {"method": "POST", "path": "/echo", "protocol": "HTTP/1.1",
                   "sourceIp": "192.168.0.1", "userAgent": "agent"},
          "requestId": "id",
          "routeKey": "POST /echo",
          "stage": "$default",
          "time": "12/Mar/2020:19:03:58 +0000",
          "timeEpoch": 1583348638390
        },
        "body": "YT1i",
        "isBase64Encoded": true
      }
      """;

  @TempDir Path dir;
  private Path template;
  private Path event;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void files() throws Exception {
    template = Files.writeString(dir.resolve("template.yaml"), Fixtures.TEMPLATE);
    event = Files.writeString(dir.resolve("event.json"), EVENT);
  }

  private int run(String... args) {
    return LocalInvoke.run(
        args,
        Emulator.shared(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void invoke_printsTheHandlersResponseAsJson() {
    int status =
        run(
            "EchoFunction",
            event.toString(),
            "--template",
            template.toString(),
            "--base-url",
            "http://localhost:9999",
            "--parameter",
            "Greeting=hey");
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    JsonObject response = Fixtures.json(out.toString(StandardCharsets.UTF_8));
    assertEquals(200, response.get("statusCode").getAsInt());
    JsonObject echo = Fixtures.json(response.get("body").getAsString());
    JsonObject received = echo.getAsJsonObject("event");
    assertTrue(received.get("isBase64Encoded").getAsBoolean());
    assertEquals("YT1i", received.get("body").getAsString());
    assertEquals("sid=abc", received.getAsJsonArray("cookies").get(0).getAsString());
    assertEquals(
        "POST",
        received
            .getAsJsonObject("requestContext")
            .getAsJsonObject("http")
            .get("method")
            .getAsString());
    assertEquals("http://localhost:9999", echo.getAsJsonObject("env").get("ISSUER").getAsString());
    assertEquals("hey", echo.getAsJsonObject("env").get("GREETING").getAsString());
  }

  @Test
  void handlerThatThrows_exitsOneWithTheStackTraceOnStderr() {
    int status = run("ThrowingFunction", event.toString(), "--template", template.toString());
    assertEquals(1, status);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("fails on purpose"));
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void unknownFunction_exitsOneNamingTheKnownFunctions() {
    int status = run("NoSuchFunction", event.toString(), "--template", template.toString());
    assertEquals(1, status);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("EchoFunction"));
  }

  @Test
  void missingEventFile_exitsOneNamingTheFile() {
    int status =
        run(
            "EchoFunction",
            dir.resolve("missing.json").toString(),
            "--template",
            template.toString());
    assertEquals(1, status);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing.json"));
  }

  @Test
  void wrongArguments_exitTwoWithUsage() {
    assertEquals(2, run("EchoFunction"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage: LocalInvoke"));
    assertEquals(2, run("EchoFunction", "e.json", "--bogus", "x"));
    assertEquals(2, run("EchoFunction", "e.json", "--parameter", "novalue"));
  }
}
