package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pcohandshake.testkit.fault.Operations.GET_ITEM;
import static org.pcohandshake.testkit.fault.Operations.GET_SECRET_VALUE;
import static org.pcohandshake.testkit.fault.Operations.KMS_ENCRYPT;
import static org.pcohandshake.testkit.fault.Operations.KMS_SIGN;
import static org.pcohandshake.testkit.fault.Operations.PUT_ITEM;
import static org.pcohandshake.testkit.fault.Operations.TRANSACT_WRITE_ITEMS;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.testkit.fault.Fault;
import org.pcohandshake.testkit.fault.Rule;

/**
 * One transient fault on every kind of AWS call the handshake makes, of each fault kind: the SDK's
 * retries absorb each one and the whole handshake and a refresh succeed.
 */
class TransientFaultIT extends FaultCase {

  static final List<String> HANDSHAKE_OPERATIONS =
      List.of(GET_SECRET_VALUE, GET_ITEM, PUT_ITEM, TRANSACT_WRITE_ITEMS, KMS_SIGN, KMS_ENCRYPT);

  static Stream<Fault> transientFaults() {
    return Stream.of(
        Fault.throttling(),
        Fault.throttling("ThrottlingException"),
        Fault.serverError(),
        Fault.serviceUnavailable(),
        Fault.drop());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transientFaults")
  void oneFaultOnEachOperation_isAbsorbed_handshakeAndRefreshSucceed(Fault fault) {
    for (String operation : HANDSHAKE_OPERATIONS) {
      hs.aws.add(Rule.on(operation).times(1).answer(fault));
    }
    String refreshToken = hs.handshake().refreshToken();
    assertEquals(200, hs.refresh(refreshToken).getStatusCode());
    for (String operation : HANDSHAKE_OPERATIONS) {
      assertEquals(1, hs.aws.faulted(operation), operation + " " + hs.aws.calls());
    }
  }

  @Test
  void oneHangingAttempt_isAbsorbed_afterTheAttemptTimeout() {
    hs.aws.add(Rule.on(TRANSACT_WRITE_ITEMS).whereBodyContains("\"CODE#").answer(hang()));
    String code = hs.toCode();
    assertEquals(200, hs.exchange(code).getStatusCode());
    assertEquals(1, hs.aws.faulted(TRANSACT_WRITE_ITEMS));
  }
}
