package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pcohandshake.testkit.fault.Operations.GET_ITEM;
import static org.pcohandshake.testkit.fault.Operations.KMS_SIGN;
import static org.pcohandshake.testkit.fault.Operations.TRANSACT_WRITE_ITEMS;
import static org.pcohandshake.testkit.fault.Operations.UPDATE_ITEM;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.testkit.fault.Fault;

/**
 * {@code POST /oauth/token}, the refresh, with each AWS call failing beyond the SDK's retries: 503
 * {@code temporarily_unavailable}, the table exactly as before, and the same refresh token working
 * afterwards.
 */
class TokenRefreshFaultIT extends FaultCase {

  // ---- the refresh ---------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void refresh_tokenUnreadable_is503_writesNothing_sameTokenWorksAfter(Fault fault) {
    String refreshToken = hs.handshake().refreshToken();
    List<String> before = hs.table();
    fail(GET_ITEM, "\"REFRESH#", fault);

    assertUnavailableJson(hs.refresh(refreshToken));
    assertTriedBeyondRetries(GET_ITEM, fault);
    assertEquals(before, hs.table());
    assertEquals(200, hs.refresh(refreshToken).getStatusCode());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void refresh_signFails_is503_writesNothing_sameTokenWorksAfter(Fault fault) {
    String refreshToken = hs.handshake().refreshToken();
    List<String> before = hs.table();
    fail(KMS_SIGN, "", fault);

    assertUnavailableJson(hs.refresh(refreshToken));
    assertTriedBeyondRetries(KMS_SIGN, fault);
    assertEquals(before, hs.table());
    assertEquals(200, hs.refresh(refreshToken).getStatusCode());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transactionFaults")
  void refresh_rotationFails_is503_tokenNotRotated_sameTokenWorksAfter(Fault fault) {
    String refreshToken = hs.handshake().refreshToken();
    List<String> before = hs.table();
    fail(TRANSACT_WRITE_ITEMS, "\"REFRESH#", fault);

    assertUnavailableJson(hs.refresh(refreshToken));
    assertTriedBeyondRetries(TRANSACT_WRITE_ITEMS, fault);
    assertEquals(before, hs.table(), "no successor, old token not marked rotated");
    // long after the grace window the same token still works: it was never rotated
    hs.clock.advance(Duration.ofMinutes(10));
    String next = Handshake.refreshToken(hs.refresh(refreshToken));
    assertEquals(200, hs.refresh(next).getStatusCode(), "the chain goes on");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transactionFaults")
  void refreshRepeat_handleTransactionFails_is503_noHandleWritten_repeatWorksAfter(Fault fault) {
    String first = hs.handshake().refreshToken();
    String second = Handshake.refreshToken(hs.refresh(first));
    List<String> before = hs.table();
    // the repeat's transaction: check the successor and the grant, write the handle (sameAs)
    fail(TRANSACT_WRITE_ITEMS, "sameAs", fault);

    assertUnavailableJson(hs.refresh(first));
    assertTriedBeyondRetries(TRANSACT_WRITE_ITEMS, fault);
    assertEquals(before, hs.table(), "no handle written");
    String handle = Handshake.refreshToken(hs.refresh(first));
    assertEquals(200, hs.refresh(handle).getStatusCode(), "the handle moves the chain on");
    hs.clock.advance(Duration.ofMinutes(2));
    assertEquals(400, hs.refresh(second).getStatusCode(), "and the other answer is reuse now");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void refreshReuse_revocationFails_is503_grantUntouched_reuseRevokesAfter(Fault fault) {
    String first = hs.handshake().refreshToken();
    String second = Handshake.refreshToken(hs.refresh(first));
    hs.clock.advance(Duration.ofMinutes(2));
    List<String> before = hs.table();
    fail(UPDATE_ITEM, "\"GRANT#", fault);

    assertUnavailableJson(hs.refresh(first));
    assertTriedBeyondRetries(UPDATE_ITEM, fault);
    assertEquals(before, hs.table());
    APIGatewayV2HTTPResponse reuse = hs.refresh(first);
    assertEquals(400, reuse.getStatusCode());
    APIGatewayV2HTTPResponse afterRevocation = hs.refresh(second);
    assertEquals(400, afterRevocation.getStatusCode(), "the whole family is revoked");
    assertTrue(hs.table().stream().anyMatch(item -> item.contains("revokedFor")));
  }
}
