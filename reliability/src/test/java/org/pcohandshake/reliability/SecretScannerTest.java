package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.log.Log;

/** The scanner itself: it finds what it must, whole or in pieces, and nothing else. */
class SecretScannerTest {

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  @AfterEach
  void restore() {
    Log.to(System.out);
  }

  private String log(Runnable writes) {
    Log.to(new PrintStream(captured, true, StandardCharsets.UTF_8));
    writes.run();
    Log.to(System.out);
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aTokenLoggedWhole_isFound() {
    String token = Tokens.random();
    SecretScanner scanner = new SecretScanner().watch("refresh token", token);
    String log = log(() -> Log.info("req-1", "deliberate_leak", Map.of("x", token)));
    assertEquals(List.of(new SecretScanner.Finding("refresh token", 1)), scanner.secretsIn(log));
  }

  @Test
  void aSliceOrAnEncodingOfIt_isFoundToo() {
    String token = Tokens.random();
    SecretScanner scanner = new SecretScanner().watch("code", token);
    String log =
        log(
            () -> {
              Log.info("req-1", "sliced", Map.of("x", token.substring(10, 30)));
              Log.info("req-2", "url", Map.of("x", "a%20" + token));
            });
    assertEquals(2, scanner.secretsIn(log).size(), log);
  }

  @Test
  void idsAndOutcomes_areNotFindings() {
    SecretScanner scanner =
        new SecretScanner().watch("access token", Tokens.random()).watch("cookie", Tokens.random());
    String log =
        log(() -> Log.info("req-1", "token_issued", Map.of("grant", Tokens.id(), "status", 200)));
    assertTrue(scanner.secretsIn(log).isEmpty());
    assertTrue(SecretScanner.malformedLines(log).isEmpty());
  }

  @Test
  void linesWithoutRequestIdOrNotJson_areReported() {
    String log = "{\"requestId\":\"-\",\"event\":\"x\"}\nplain text\n{\"event\":\"y\"}\n";
    assertEquals(3, SecretScanner.malformedLines(log).size());
  }
}
