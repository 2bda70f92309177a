package org.pcohandshake.log;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pcohandshake.json.Json;

/**
 * Structured JSON log lines, one per event, each with the request id. Callers pass ids and outcomes
 * only: never a token, code, secret, cookie or request body.
 *
 * <p>Code that has no request at hand (the PCO token vault, stores) logs with {@link #requestId()}:
 * the id of the request this thread is serving, set by {@link #request(String)} around each
 * invocation. A line logged with {@code "-"} or {@code null} gets that id too.
 */
public final class Log {

  private static volatile PrintStream out = System.out;
  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private Log() {}

  /** The scope of one request on this thread; closing it restores what was there before. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** Marks this thread as serving {@code requestId} until the scope is closed. */
  public static Scope request(String requestId) {
    String previous = CURRENT.get();
    CURRENT.set(requestId);
    return () -> {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    };
  }

  /** The id of the request this thread is serving; {@code "-"} outside of one. */
  public static String requestId() {
    String id = CURRENT.get();
    return id == null ? "-" : id;
  }

  /** Redirects log lines (tests capture them to prove nothing secret is written). */
  public static void to(PrintStream stream) {
    out = stream;
  }

  public static void info(String requestId, String event, Map<String, ?> fields) {
    write("INFO", requestId, event, fields, null);
  }

  public static void warn(String requestId, String event, Map<String, ?> fields) {
    write("WARN", requestId, event, fields, null);
  }

  /** An unexpected failure: the exception class and message go to the log, never to a client. */
  public static void error(String requestId, String event, Throwable error) {
    write("ERROR", requestId, event, Map.of(), error);
  }

  private static void write(
      String level, String requestId, String event, Map<String, ?> fields, Throwable error) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time", Instant.now().toString());
    line.put("level", level);
    line.put("requestId", requestId == null || requestId.equals("-") ? requestId() : requestId);
    line.put("event", event);
    fields.forEach((k, v) -> line.put(k, String.valueOf(v)));
    if (error != null) {
      line.put("error", error.getClass().getName());
      if (error.getClass().getName().startsWith("software.amazon.awssdk.")) {
        // AWS SDK messages name the service's error and the request id, never our payloads
        line.put("detail", String.valueOf(error.getMessage()));
      }
      StackTraceElement[] trace = error.getStackTrace();
      if (trace.length > 0) {
        line.put("at", trace[0].toString());
      }
      Throwable cause = error.getCause();
      if (cause != null) {
        line.put("cause", cause.getClass().getName());
      }
    }
    out.println(Json.write(line));
  }
}
