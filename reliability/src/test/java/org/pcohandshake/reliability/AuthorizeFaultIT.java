package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pcohandshake.testkit.fault.Operations.GET_ITEM;
import static org.pcohandshake.testkit.fault.Operations.GET_SECRET_VALUE;
import static org.pcohandshake.testkit.fault.Operations.PUT_ITEM;
import static org.pcohandshake.testkit.fault.Operations.TRANSACT_WRITE_ITEMS;
import static org.pcohandshake.testkit.fault.Operations.UPDATE_ITEM;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.testkit.fault.Fault;

/**
 * {@code GET /oauth/authorize} (step 4: the login bridge's return and the consent page) with each
 * AWS call failing beyond the SDK's retries: the readable 503 page, the table exactly as before,
 * and the same request succeeding afterwards (the same login token, the same cookies).
 */
class AuthorizeFaultIT extends FaultCase {

  // ---- GET /oauth/authorize: the login bridge's return ---------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void login_bridgeKeyUnreadable_is503Page_writesNothing_sameLoginTokenWorksAfter(Fault fault) {
    String loginToken = hs.loginToken();
    List<String> before = hs.table();
    fail(GET_SECRET_VALUE, "", fault);

    assertUnavailablePage(hs.login(loginToken));
    assertTriedBeyondRetries(GET_SECRET_VALUE, fault);
    assertEquals(before, hs.table());
    APIGatewayV2HTTPResponse retried = hs.login(loginToken);
    assertEquals(303, retried.getStatusCode(), retried.getBody());
    Handshake.cookie(retried, Cookies.SESSION);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transactionFaults")
  void login_sessionTransactionFails_is503Page_jtiNotSpent_sameLoginTokenWorksAfter(Fault fault) {
    String loginToken = hs.loginToken();
    hs.login(hs.loginToken()); // warm the key cache: only the transaction fails
    List<String> before = hs.table();
    fail(TRANSACT_WRITE_ITEMS, "\"LOGINJTI#", fault);

    assertUnavailablePage(hs.login(loginToken));
    assertTriedBeyondRetries(TRANSACT_WRITE_ITEMS, fault);
    assertEquals(before, hs.table(), "neither the session nor the used jti");
    assertEquals(303, hs.login(loginToken).getStatusCode());
  }

  // ---- GET /oauth/authorize: the consent page ------------------------------------------------

  record Browser(String session, String link) {}

  static Browser browser() {
    String link = Handshake.cookie(hs.complete(hs.pcoCode()), Cookies.PCO_LINK);
    String session = Handshake.cookie(hs.login(hs.loginToken()), Cookies.SESSION);
    return new Browser(session, link);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void consentPage_sessionUnreadable_is503Page_writesNothing_worksAfter(Fault fault) {
    consentPageFails(GET_ITEM, "\"SESSION#", fault);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void consentPage_linkUnclaimable_is503Page_writesNothing_worksAfter(Fault fault) {
    consentPageFails(UPDATE_ITEM, "\"PCOLINK#", fault);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void consentPage_consentWriteFails_is503Page_writesNothing_worksAfter(Fault fault) {
    consentPageFails(PUT_ITEM, "\"CONSENT#", fault);
  }

  private static void consentPageFails(String operation, String marker, Fault fault) {
    Browser browser = browser();
    List<String> before = hs.table();
    fail(operation, marker, fault);

    assertUnavailablePage(hs.consentPage(browser.session(), browser.link()));
    assertTriedBeyondRetries(operation, fault);
    // the link's claim (its hold for the sign-in and the consent page) may have been applied
    // before the consent's write failed: it is idempotent, and no consent exists
    assertEquals(withoutHold(before), withoutHold(hs.table()));
    APIGatewayV2HTTPResponse retried = hs.consentPage(browser.session(), browser.link());
    assertEquals(200, retried.getStatusCode(), retried.getBody());
    Handshake.formToken(retried);
  }

  private static List<String> withoutHold(List<String> items) {
    String hold = "holdUntil=AttributeValue\\([^)]*\\)";
    return items.stream()
        .map(item -> item.replaceAll(", " + hold, "").replaceAll(hold + ", ", ""))
        .toList();
  }
}
