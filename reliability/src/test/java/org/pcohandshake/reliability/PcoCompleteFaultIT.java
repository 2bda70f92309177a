package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pcohandshake.testkit.fault.Operations.GET_SECRET_VALUE;
import static org.pcohandshake.testkit.fault.Operations.KMS_ENCRYPT;
import static org.pcohandshake.testkit.fault.Operations.TRANSACT_WRITE_ITEMS;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.fn.pcocomplete.PcoCompleteHandler;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.testkit.fault.Fault;

/**
 * {@code GET /oauth/pco/complete} (step 2, store mode) with each call failing: AWS calls beyond the
 * SDK's retries (503 page), PCO calls with the simulator's faults (502 page), and in every case
 * nothing stored. PCO's code is single use: once exchanged, only a new authorization at PCO can
 * complete step 2, so "afterwards" means the same code when the failure came before the exchange
 * reached PCO, and a new one from PCO otherwise.
 */
class PcoCompleteFaultIT extends FaultCase {

  static void assertAdvances(APIGatewayV2HTTPResponse response) {
    assertEquals(302, response.getStatusCode(), response.getBody());
    assertEquals(hs.pco.advanceUrl(), response.getHeaders().get("location"));
    Handshake.cookie(response, Cookies.PCO_LINK);
  }

  /** The code was spent at PCO: it no longer works, a new authorization does. */
  static void assertOnlyANewCodeWorks(String spent) {
    APIGatewayV2HTTPResponse again = hs.complete(spent);
    assertEquals(ErrorCatalog.Page.PCO_INVALID_GRANT.status(), again.getStatusCode());
    assertAdvances(hs.complete(hs.pcoCode()));
  }

  // ---- AWS ------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void pcoSecretUnreadable_is503Page_nothingStored_sameCodeWorksAfter(Fault fault) {
    String code = hs.pcoCode();
    List<String> before = hs.table();
    fail(GET_SECRET_VALUE, "", fault);

    assertUnavailablePage(hs.complete(code));
    assertTriedBeyondRetries(GET_SECRET_VALUE, fault);
    assertEquals(before, hs.table());
    assertEquals(0, hs.pco.authorizationCodeCalls().get(), "the code never reached PCO");
    assertAdvances(hs.complete(code));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void encryptFails_is503Page_nothingStored_newAuthorizationWorksAfter(Fault fault) {
    String code = hs.pcoCode();
    List<String> before = hs.table();
    fail(KMS_ENCRYPT, "", fault);

    assertUnavailablePage(hs.complete(code));
    assertTriedBeyondRetries(KMS_ENCRYPT, fault);
    assertEquals(before, hs.table());
    assertOnlyANewCodeWorks(code);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transactionFaults")
  void connectionAndLinkTransactionFails_is503Page_neitherStored_newAuthorizationWorksAfter(
      Fault fault) {
    String code = hs.pcoCode();
    List<String> before = hs.table();
    fail(TRANSACT_WRITE_ITEMS, "\"PCOCONN#", fault);

    assertUnavailablePage(hs.complete(code));
    assertTriedBeyondRetries(TRANSACT_WRITE_ITEMS, fault);
    assertEquals(before, hs.table(), "no connection without its link, no link without it");
    assertOnlyANewCodeWorks(code);
  }

  // ---- PCO (the simulator's faults; PcoClient does not retry) ---------------------------------

  /** Faults that answer before the simulator looks at the code: it stays unspent. */
  static Stream<org.pcohandshake.testkit.pco.Fault> pcoFaultsBeforeTheCode() {
    return Stream.of(
        org.pcohandshake.testkit.pco.Fault.status(503),
        org.pcohandshake.testkit.pco.Fault.tooManyRequests(1),
        org.pcohandshake.testkit.pco.Fault.dropConnection());
  }

  /** Every PCO fault: those above, and an answer slower than our timeout. */
  static Stream<org.pcohandshake.testkit.pco.Fault> pcoFaults() {
    return Stream.concat(
        pcoFaultsBeforeTheCode(),
        Stream.of(
            org.pcohandshake.testkit.pco.Fault.delay(
                Handshake.PCO_TIMEOUT.multipliedBy(2).plus(Duration.ofMillis(300)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pcoFaultsBeforeTheCode")
  void pcoExchangeFails_is502Page_nothingStored_sameCodeWorksAfter(
      org.pcohandshake.testkit.pco.Fault fault) {
    String code = hs.pcoCode();
    List<String> before = hs.table();
    hs.pco.failNextTokenCalls(1, fault);

    assertPcoUnavailablePage(hs.complete(code));
    assertEquals(before, hs.table());
    assertAdvances(hs.complete(code));
  }

  /**
   * Planning Center slow but answering (each call 4.5 s, inside a 6 s PCO timeout): its 9 s of
   * waiting leave the writes that follow the time Lambda's clock still gives them (20 s timeout),
   * so the connection is stored and the browser advances. A deadline that counted from a fixed
   * budget smaller than the function timeout would refuse them after PCO had spent the code.
   */
  @Test
  void pcoSlowButAnswering_theWritesAfterItStillRun_advances() {
    Map<String, String> env = new HashMap<>(hs.environment("PcoCompleteFunction"));
    env.put("PCO_HTTP_TIMEOUT_MS", "6000");
    PcoCompleteHandler patientHandler = new PcoCompleteHandler(env, hs.clock);
    String code = hs.pcoCode();
    List<String> before = hs.table();
    Duration slow = Duration.ofMillis(4500);
    hs.pco.failNextTokenCalls(1, org.pcohandshake.testkit.pco.Fault.delay(slow));
    hs.pco.failNextMeCalls(1, org.pcohandshake.testkit.pco.Fault.delay(slow));

    APIGatewayV2HTTPResponse response =
        patientHandler.handleRequest(
            hs.completeEvent(code).build(), Handshake.invocation("PcoCompleteFunction"));

    assertAdvances(response);
    assertTrue(hs.table().size() > before.size(), "the connection and its link were stored");
  }

  @Test
  void pcoExchangeTooSlow_is502Page_nothingStored_newAuthorizationWorksAfter() {
    org.pcohandshake.testkit.pco.Fault fault = pcoFaults().reduce((a, b) -> b).orElseThrow();
    String code = hs.pcoCode();
    List<String> before = hs.table();
    hs.pco.failNextTokenCalls(1, fault);

    assertPcoUnavailablePage(hs.complete(code));
    assertEquals(before, hs.table());
    awaitSimulator(fault);
    assertOnlyANewCodeWorks(code);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pcoFaults")
  void pcoMeFails_is502Page_nothingStored_newAuthorizationWorksAfter(
      org.pcohandshake.testkit.pco.Fault fault) {
    String code = hs.pcoCode();
    List<String> before = hs.table();
    // the JDK's HttpURLConnection sends an idempotent GET once more after a dropped connection
    // (see pcoMeDroppedOnce_isAbsorbed), so it takes two drops in a row to fail /me
    hs.pco.failNextMeCalls(
        fault instanceof org.pcohandshake.testkit.pco.Fault.DropConnection ? 2 : 1, fault);

    assertPcoUnavailablePage(hs.complete(code));
    assertEquals(before, hs.table());
    awaitSimulator(fault);
    assertOnlyANewCodeWorks(code);
  }

  @Test
  void pcoMeDroppedOnce_isAbsorbed_byTheHttpClientsOwnRetryOfTheGet() {
    List<String> before = hs.table();
    hs.pco.failNextMeCalls(1, org.pcohandshake.testkit.pco.Fault.dropConnection());

    assertAdvances(hs.complete(hs.pcoCode()));
    assertEquals(2, hs.pco.meCalls().get());
    List<String> after = hs.table();
    assertEquals(
        before.stream().filter(i -> i.contains("PCOLINK#")).count() + 1,
        after.stream().filter(i -> i.contains("PCOLINK#")).count(),
        "a new link");
    assertTrue(after.stream().anyMatch(i -> i.contains("PCOCONN#")), "and the connection");
  }

  /** A delayed answer is still being sent after we gave up; let it finish first. */
  private static void awaitSimulator(org.pcohandshake.testkit.pco.Fault fault) {
    if (fault instanceof org.pcohandshake.testkit.pco.Fault.Delay delay) {
      try {
        Thread.sleep(delay.delay().minus(Handshake.PCO_TIMEOUT).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
