package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.testkit.fault.Fault;
import org.pcohandshake.testkit.fault.Rule;

/**
 * What every fault-matrix test shares: one handshake fixture per class, fresh handlers per test,
 * the fault columns, and the assertions on the answer, the table and the body.
 */
abstract class FaultCase {

  static Handshake hs;

  @BeforeAll
  static void start() {
    hs = new Handshake();
  }

  @AfterAll
  static void stop() {
    hs.close();
  }

  @BeforeEach
  void fresh() {
    hs.freshHandlers();
  }

  @AfterEach
  void reset() {
    hs.aws.reset();
    hs.pco.clearFaults();
    hs.pco.resetCounters();
  }

  /** The fault columns for any AWS call: throttling, a 5xx, a dropped connection. */
  static Stream<Fault> faults() {
    return Stream.of(Fault.throttling(), Fault.serverError(), Fault.drop());
  }

  /** For a transaction also: cancelled because DynamoDB throttled one of its items. */
  static Stream<Fault> transactionFaults() {
    return Stream.concat(faults(), Stream.of(Fault.transactionCanceled(1, "ThrottlingError")));
  }

  /** A hang: each attempt outlasts the attempt timeout, until the call timeout ends the call. */
  static Fault hang() {
    return Fault.slow(AwsClients.ATTEMPT_TIMEOUT.plus(Duration.ofSeconds(1)));
  }

  /**
   * Enough faults in a row to outlast the SDK's retries: one per attempt (a cancelled transaction
   * is not retried, so one).
   */
  static int beyondRetries(Fault fault) {
    return fault instanceof Fault.TransactionCanceled ? 1 : AwsClients.MAX_ATTEMPTS;
  }

  /** Installs the fault on {@code operation} calls whose body holds {@code marker}. */
  static void fail(String operation, String marker, Fault fault) {
    hs.aws.add(
        Rule.on(operation).whereBodyContains(marker).times(beyondRetries(fault)).answer(fault));
  }

  /** And checks afterwards that the SDK tried exactly as often as its policy says. */
  static void assertTriedBeyondRetries(String operation, Fault fault) {
    assertEquals(beyondRetries(fault), hs.aws.faulted(operation), hs.aws.calls().toString());
  }

  // ---- answers -------------------------------------------------------------------------------

  /** The token endpoint's answer to our dependency failing. */
  static void assertUnavailableJson(APIGatewayV2HTTPResponse response) {
    assertEquals(503, response.getStatusCode(), response.getBody());
    assertEquals("temporarily_unavailable", Handshake.json(response).get("error"));
    assertEquals("no-store", response.getHeaders().get("cache-control"));
    assertEquals("no-cache", response.getHeaders().get("pragma"));
    assertTrue(response.getHeaders().get("content-type").startsWith("application/json"));
    assertClean(response);
  }

  /** A page's answer to our dependency failing: readable, 503, no redirect, no cookie. */
  static void assertUnavailablePage(APIGatewayV2HTTPResponse response) {
    assertEquals(503, response.getStatusCode(), response.getBody());
    assertPage(response, "Temporarily unavailable");
  }

  /** Step 2's answer to PCO failing: the catalog's 502 page. */
  static void assertPcoUnavailablePage(APIGatewayV2HTTPResponse response) {
    assertEquals(502, response.getStatusCode(), response.getBody());
    assertPage(response, "Planning Center is not answering");
  }

  static void assertPage(APIGatewayV2HTTPResponse response, String title) {
    assertTrue(response.getHeaders().get("content-type").startsWith("text/html"));
    assertTrue(response.getBody().contains(title), response.getBody());
    assertEquals("no-store", response.getHeaders().get("cache-control"));
    assertNull(response.getHeaders().get("location"));
    assertNull(response.getCookies(), "no cookie is set by a failed step");
    assertClean(response);
  }

  /** No stack trace, exception class or AWS detail in a body. */
  static void assertClean(APIGatewayV2HTTPResponse response) {
    String body = response.getBody() == null ? "" : response.getBody();
    for (String telltale :
        List.of(
            "Exception",
            "exception",
            "\tat ",
            "at org.",
            "at java.",
            "Caused by",
            "software.amazon",
            "org.pcohandshake",
            "Throttl",
            "Request ID")) {
      assertFalse(body.contains(telltale), "body shows '" + telltale + "': " + body);
    }
  }
}
