package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pcohandshake.testkit.fault.Operations.GET_ITEM;
import static org.pcohandshake.testkit.fault.Operations.TRANSACT_WRITE_ITEMS;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.testkit.fault.Fault;

/**
 * {@code POST /oauth/authorize} (step 4b) with each AWS call failing beyond the SDK's retries: the
 * readable 503 page, the table exactly as before, and the same form token working afterwards.
 */
class AuthorizeDecisionFaultIT extends FaultCase {
  // ---- POST /oauth/authorize -----------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void approve_sessionUnreadable_is503Page_writesNothing_sameFormWorksAfter(Fault fault) {
    decisionFails(GET_ITEM, "\"SESSION#", fault, "approve");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void approve_consentUnreadable_is503Page_writesNothing_sameFormWorksAfter(Fault fault) {
    decisionFails(GET_ITEM, "\"CONSENT#", fault, "approve");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transactionFaults")
  void approve_codeTransactionFails_is503Page_noCode_consentKept_sameFormWorksAfter(Fault fault) {
    decisionFails(TRANSACT_WRITE_ITEMS, "\"CONSENT#", fault, "approve");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transactionFaults")
  void deny_consentDeleteFails_is503Page_consentKept_sameFormWorksAfter(Fault fault) {
    decisionFails(TRANSACT_WRITE_ITEMS, "\"CONSENT#", fault, "deny");
  }

  private static void decisionFails(String operation, String marker, Fault fault, String choice) {
    Handshake.Consent consent = hs.toConsent();
    List<String> before = hs.table();
    fail(operation, marker, fault);

    assertUnavailablePage(hs.decide(consent.session(), consent.formToken(), choice));
    assertTriedBeyondRetries(operation, fault);
    assertEquals(before, hs.table(), "no code, the consent still pending");
    APIGatewayV2HTTPResponse retried = hs.decide(consent.session(), consent.formToken(), choice);
    assertEquals(303, retried.getStatusCode(), retried.getBody());
    Map<String, String> query = Handshake.queryOf(retried.getHeaders().get("location"));
    assertEquals(Handshake.STATE, query.get("state"));
    if (choice.equals("approve")) {
      assertEquals(200, hs.exchange(query.get("code")).getStatusCode(), "the code works");
    } else {
      assertEquals("access_denied", query.get("error"));
    }
  }
}
