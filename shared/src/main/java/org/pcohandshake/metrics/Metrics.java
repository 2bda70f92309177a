package org.pcohandshake.metrics;

import java.io.PrintStream;
import java.time.Clock;

/**
 * Counts handshake events as CloudWatch metrics in the embedded metric format (EMF): one JSON line
 * per event on stdout, which Lambda sends to CloudWatch Logs and CloudWatch turns into a metric in
 * the namespace {@value #NAMESPACE} with the dimension {@code Function} (the Lambda function's
 * name, or {@code local} outside Lambda). The JSON is written by hand: names and values are fixed
 * identifiers, never request data.
 */
public final class Metrics {

  public static final String NAMESPACE = "PcoHandshake";

  /** The events counted; the enum constant's name is the metric's name. */
  public enum Event {
    /** Step 2 done: PCO's code exchanged and the link cookie set. */
    HandshakeStarted,
    /** The person allowed our consent page: a code was issued. */
    ConsentApproved,
    /** The person denied our consent page. */
    ConsentDenied,
    /** An authorization code was exchanged for tokens. */
    TokenGranted,
    /** A refresh token was rotated for new tokens. */
    TokenRefreshed,
    /** A redeemed code was presented again, or a rotated refresh token reused: grant revoked. */
    ReplayDetected,
    /** A grant was revoked at the revocation endpoint. */
    GrantRevoked,
    /** A call to Planning Center failed (error answer, malformed answer, timeout). */
    PcoError,
    /** A client failed authentication at the token or revocation endpoint. */
    ClientAuthFailed,
    /** Step 2 stored a Planning Center connection for a person who had none. */
    PcoConnectionCreated,
    /** Step 2 stored a connection that needed reauthorization: it works again. */
    PcoConnectionHealed,
    /** A connection was found dead (invalid_grant, or a 401 after a refresh) and flagged. */
    PcoConnectionLost,
    /** A connection was disconnected (revoked at Planning Center where it could be, deleted). */
    PcoConnectionDisconnected,
    /** Keep-alive refreshed an idle connection. */
    PcoKeepAliveRefreshed
  }

  private static final String FUNCTION = functionName(System.getenv("AWS_LAMBDA_FUNCTION_NAME"));

  private static volatile PrintStream out = System.out;
  private static volatile Clock clock = Clock.systemUTC();

  private Metrics() {}

  /** Redirects metric lines (tests capture them). */
  public static void to(PrintStream stream) {
    out = stream;
  }

  /** The clock giving each line its timestamp (tests fix it). */
  public static void clock(Clock value) {
    clock = value;
  }

  /** Counts one occurrence of the event. */
  public static void count(Event event) {
    out.println(line(event, FUNCTION, clock.millis()));
  }

  /** The EMF line for one occurrence of an event. */
  static String line(Event event, String function, long epochMillis) {
    String name = event.name();
    return "{\"_aws\":{\"Timestamp\":"
        + epochMillis
        + ",\"CloudWatchMetrics\":[{\"Namespace\":\""
        + NAMESPACE
        + "\",\"Dimensions\":[[\"Function\"]],\"Metrics\":[{\"Name\":\""
        + name
        + "\",\"Unit\":\"Count\"}]}]},\"Function\":\""
        + escape(function)
        + "\",\""
        + name
        + "\":1}";
  }

  static String functionName(String fromEnvironment) {
    return fromEnvironment == null || fromEnvironment.isBlank() ? "local" : fromEnvironment;
  }

  /** JSON string escaping for the function name (Lambda names are [A-Za-z0-9-_], but be safe). */
  static String escape(String value) {
    StringBuilder s = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        s.append('\\').append(c);
      } else if (c < 0x20) {
        s.append(String.format("\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    return s.toString();
  }
}
