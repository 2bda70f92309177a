package org.pcohandshake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcohandshake.log.Log;

/** An empty SCOPES allows any well-formed scope: said once, at WARN, naming the setting. */
class AnyScopeWarningTest {

  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

  @BeforeEach
  void capture() {
    Log.to(new PrintStream(logs, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void release() {
    Log.to(System.out);
  }

  private List<String> lines() {
    return logs.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void emptyScopes_logsOneWarnNamingTheSetting() {
    Config config = TestConfigs.config();
    assertEquals(List.of(), lines(), "reading the configuration alone logs nothing");
    config.warnIfAnyScopeAllowed();
    List<String> lines = lines();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("\"level\":\"WARN\""), lines.get(0));
    assertTrue(lines.get(0).contains("\"setting\":\"SCOPES\""), lines.get(0));
    // logged at init, outside any request: its own id, so every line still has one
    assertTrue(lines.get(0).contains("\"requestId\":\"init\""), lines.get(0));
    assertTrue(lines.get(0).contains("any"), lines.get(0));
  }

  @Test
  void listedScopes_logNothing() {
    TestConfigs.with(Config.SCOPES, "people services").warnIfAnyScopeAllowed();
    assertEquals(List.of(), lines());
  }
}
