package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pcohandshake.testkit.fault.Operations.KMS_ENCRYPT;
import static org.pcohandshake.testkit.fault.Operations.TRANSACT_WRITE_ITEMS;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.pcohandshake.aws.AwsClients;

/**
 * The slow column of the fault matrix: a dependency that does not answer (every attempt outlasts
 * the attempt timeout) ends the request at the call timeout with the same clean 503, nothing
 * written, and the same request working afterwards. The pages: one step per function.
 */
class HangingPageDependencyIT extends FaultCase {

  /** The call timeout, plus setup and scheduling slack on a busy machine. */
  static final Duration BOUND = AwsClients.CALL_TIMEOUT.plusSeconds(3);

  static APIGatewayV2HTTPResponse timed(Supplier<APIGatewayV2HTTPResponse> request) {
    long started = System.nanoTime();
    APIGatewayV2HTTPResponse response = request.get();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(AwsClients.CALL_TIMEOUT) >= 0, "gave up early: " + took);
    assertTrue(took.compareTo(BOUND) < 0, "took " + took);
    return response;
  }

  @Test
  void login_sessionTransactionHangs_is503Page_sameLoginTokenWorksAfter() {
    hs.login(hs.loginToken());
    String loginToken = hs.loginToken();
    List<String> before = hs.table();
    fail(TRANSACT_WRITE_ITEMS, "\"LOGINJTI#", hang());
    assertUnavailablePage(timed(() -> hs.login(loginToken)));
    assertEquals(before, hs.table());
    assertEquals(303, hs.login(loginToken).getStatusCode());
  }

  @Test
  void approve_codeTransactionHangs_is503Page_sameFormWorksAfter() {
    Handshake.Consent consent = hs.toConsent();
    List<String> before = hs.table();
    fail(TRANSACT_WRITE_ITEMS, "\"CONSENT#", hang());
    assertUnavailablePage(
        timed(() -> hs.decide(consent.session(), consent.formToken(), "approve")));
    assertEquals(before, hs.table());
    assertEquals(303, hs.decide(consent.session(), consent.formToken(), "approve").getStatusCode());
  }

  @Test
  void complete_encryptHangs_is503Page_nothingStored_newAuthorizationWorksAfter() {
    String code = hs.pcoCode();
    List<String> before = hs.table();
    fail(KMS_ENCRYPT, "", hang());
    assertUnavailablePage(timed(() -> hs.complete(code)));
    assertEquals(before, hs.table());
    assertEquals(302, hs.complete(hs.pcoCode()).getStatusCode());
  }
}
