package org.pcohandshake.reliability;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pcohandshake.testkit.json.TestJson;

/**
 * Scans captured log output for secrets: each watched value whole, URL-encoded, or any {@value
 * #WINDOW}-character piece of it (a truncated or sliced token is still a leak), and checks that
 * every line is a JSON object with a request id.
 */
final class SecretScanner {

  /** A piece this long of a random secret does not turn up in a log by chance. */
  static final int WINDOW = 16;

  /** Something wrong in the log: which secret (or which rule), on which line (1-based). */
  record Finding(String what, int line) {}

  private final Map<String, String> watched = new LinkedHashMap<>();

  /** Watches a secret under a label (numbered when the label is taken); null or empty: ignored. */
  SecretScanner watch(String label, String value) {
    if (value == null || value.isEmpty() || watched.containsValue(value)) {
      return this;
    }
    if (value.length() < WINDOW) {
      throw new IllegalArgumentException(label + " is too short to scan for reliably");
    }
    String key = label;
    for (int n = 2; watched.containsKey(key); n++) {
      key = label + " #" + n;
    }
    watched.put(key, value);
    return this;
  }

  Map<String, String> watched() {
    return Map.copyOf(watched);
  }

  /** Every secret found in the log, by label and line. */
  List<Finding> secretsIn(String log) {
    String[] lines = log.split("\n");
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      Set<String> windows = windows(lines[i]);
      for (Map.Entry<String, String> secret : watched.entrySet()) {
        if (leaks(lines[i], windows, secret.getValue())) {
          findings.add(new Finding(secret.getKey(), i + 1));
        }
      }
    }
    return findings;
  }

  /** Lines that are not a JSON object with a non-empty request id other than "-". */
  static List<Finding> malformedLines(String log) {
    List<Finding> findings = new ArrayList<>();
    String[] lines = log.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      try {
        Object id = TestJson.object(lines[i]).get("requestId");
        if (!(id instanceof String text) || text.isBlank() || text.equals("-")) {
          findings.add(new Finding("no request id", i + 1));
        }
      } catch (IllegalArgumentException e) {
        findings.add(new Finding("not JSON", i + 1));
      }
    }
    return findings;
  }

  private static boolean leaks(String line, Set<String> lineWindows, String secret) {
    if (line.contains(secret) || line.contains(URLEncoder.encode(secret, StandardCharsets.UTF_8))) {
      return true;
    }
    for (int i = 0; i + WINDOW <= secret.length(); i++) {
      if (lineWindows.contains(secret.substring(i, i + WINDOW))) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> windows(String line) {
    Set<String> windows = new HashSet<>();
    for (int i = 0; i + WINDOW <= line.length(); i++) {
      windows.add(line.substring(i, i + WINDOW));
    }
    return windows;
  }
}
