package org.pcohandshake.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.json.TestJson;

class MetricsTest {

  @AfterEach
  void restore() {
    Metrics.to(System.out);
    Metrics.clock(Clock.systemUTC());
  }

  @Test
  void line_isExactlyTheEmfDocument() {
    assertEquals(
        "{\"_aws\":{\"Timestamp\":1700000000123,\"CloudWatchMetrics\":[{\"Namespace\":"
            + "\"PcoHandshake\",\"Dimensions\":[[\"Function\"]],\"Metrics\":[{\"Name\":"
            + "\"TokenGranted\",\"Unit\":\"Count\"}]}]},\"Function\":\"prod-TokenFunction-AB12\","
            + "\"TokenGranted\":1}",
        Metrics.line(Metrics.Event.TokenGranted, "prod-TokenFunction-AB12", 1_700_000_000_123L));
  }

  @Test
  void everyEvent_isValidJson_withTheMetricAsATopLevelCount() throws Exception {
    for (Metrics.Event event : Metrics.Event.values()) {
      Map<String, Object> json = TestJson.object(Metrics.line(event, "local", 42L));
      assertEquals(1L, ((Number) json.get(event.name())).longValue(), event.name());
      assertEquals("local", json.get("Function"));
      Map<String, Object> aws = TestJson.object(json, "_aws");
      assertEquals(42L, ((Number) aws.get("Timestamp")).longValue());
      List<Object> directives = TestJson.array(aws, "CloudWatchMetrics");
      assertEquals(1, directives.size());
      @SuppressWarnings("unchecked")
      Map<String, Object> directive = (Map<String, Object>) directives.get(0);
      assertEquals("PcoHandshake", directive.get("Namespace"));
      assertEquals(List.of(List.of("Function")), directive.get("Dimensions"));
      assertEquals(
          List.of(Map.of("Name", event.name(), "Unit", "Count")), directive.get("Metrics"));
    }
  }

  @Test
  void functionName_fallsBackToLocal_andIsEscaped() throws Exception {
    assertEquals("local", Metrics.functionName(null));
    assertEquals("local", Metrics.functionName(" "));
    assertEquals("fn", Metrics.functionName("fn"));
    String odd = "a\"b\\c\nd";
    Map<String, Object> json = TestJson.object(Metrics.line(Metrics.Event.PcoError, odd, 1L));
    assertEquals(odd, json.get("Function"));
  }

  @Test
  void count_writesOneLinePerEvent_toTheChosenStream() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Metrics.to(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    Metrics.clock(Clock.fixed(Instant.ofEpochMilli(7), ZoneOffset.UTC));
    Metrics.count(Metrics.Event.ReplayDetected);
    Metrics.count(Metrics.Event.ClientAuthFailed);
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2, lines.length);
    assertTrue(lines[0].contains("\"ReplayDetected\":1"), lines[0]);
    assertTrue(lines[0].contains("\"Timestamp\":7,"), lines[0]);
    assertTrue(lines[1].contains("\"ClientAuthFailed\":1"), lines[1]);
  }
}
