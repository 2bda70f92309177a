package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pcohandshake.testkit.fault.Operations.GET_ITEM;
import static org.pcohandshake.testkit.fault.Operations.GET_SECRET_VALUE;
import static org.pcohandshake.testkit.fault.Operations.KMS_SIGN;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.testkit.fault.Fault;

/**
 * {@code POST /oauth/token}, the code exchange (step 6), with each AWS call failing beyond the
 * SDK's retries: 503 {@code temporarily_unavailable}, the table exactly as before, and the same
 * request succeeding afterwards.
 */
class TokenExchangeFaultIT extends FaultCase {

  // ---- the code exchange ---------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void exchange_clientSecretUnreadable_is503_writesNothing_sameCodeWorksAfter(Fault fault) {
    String code = hs.toCode();
    List<String> before = hs.table();
    fail(GET_SECRET_VALUE, "", fault);

    assertUnavailableJson(hs.exchange(code));
    assertTriedBeyondRetries(GET_SECRET_VALUE, fault);
    assertEquals(before, hs.table());
    assertEquals(200, hs.exchange(code).getStatusCode());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void exchange_codeUnreadable_is503_writesNothing_sameCodeWorksAfter(Fault fault) {
    String code = hs.toCode();
    List<String> before = hs.table();
    fail(GET_ITEM, "\"CODE#", fault);

    assertUnavailableJson(hs.exchange(code));
    assertTriedBeyondRetries(GET_ITEM, fault);
    assertEquals(before, hs.table());
    assertEquals(200, hs.exchange(code).getStatusCode());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void exchange_signFails_is503_writesNothing_sameCodeWorksAfter(Fault fault) {
    String code = hs.toCode();
    List<String> before = hs.table();
    fail(KMS_SIGN, "", fault);

    assertUnavailableJson(hs.exchange(code));
    assertTriedBeyondRetries(KMS_SIGN, fault);
    assertEquals(before, hs.table(), "signing comes before any write");
    assertEquals(200, hs.exchange(code).getStatusCode());
  }
}
