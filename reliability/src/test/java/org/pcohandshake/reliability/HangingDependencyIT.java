package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pcohandshake.testkit.fault.Operations.GET_ITEM;
import static org.pcohandshake.testkit.fault.Operations.GET_SECRET_VALUE;
import static org.pcohandshake.testkit.fault.Operations.KMS_SIGN;
import static org.pcohandshake.testkit.fault.Operations.TRANSACT_WRITE_ITEMS;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.aws.Deadline;
import org.pcohandshake.testkit.fault.Rule;

/**
 * The slow column of the fault matrix: a dependency that does not answer (every attempt outlasts
 * the attempt timeout) ends the request at the call timeout with the same clean 503, nothing
 * written, and the same request working afterwards. The token endpoint: one step per service.
 */
class HangingDependencyIT extends FaultCase {

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
  void exchange_clientSecretHangs_is503_sameCodeWorksAfter() {
    String code = hs.toCode();
    List<String> before = hs.table();
    fail(GET_SECRET_VALUE, "", hang());
    assertUnavailableJson(timed(() -> hs.exchange(code)));
    assertEquals(before, hs.table());
    assertEquals(200, hs.exchange(code).getStatusCode());
  }

  @Test
  void exchange_signHangs_is503_sameCodeWorksAfter() {
    String code = hs.toCode();
    List<String> before = hs.table();
    fail(KMS_SIGN, "", hang());
    assertUnavailableJson(timed(() -> hs.exchange(code)));
    assertEquals(before, hs.table());
    assertEquals(200, hs.exchange(code).getStatusCode());
  }

  @Test
  void refresh_rotationHangs_is503_sameTokenWorksAfter() {
    String refreshToken = hs.handshake().refreshToken();
    List<String> before = hs.table();
    fail(TRANSACT_WRITE_ITEMS, "\"REFRESH#", hang());
    assertUnavailableJson(timed(() -> hs.refresh(refreshToken)));
    assertEquals(before, hs.table());
    assertEquals(200, hs.refresh(refreshToken).getStatusCode());
  }

  /**
   * Three slow calls in one request: the secret read and the code read each succeed only on their
   * third attempt (about 4 s each), then {@code kms:Sign} hangs. Each call is within its own bound,
   * not their sum (4 + 4 + 6 s, past the function's 10 s timeout, where Lambda would stop the
   * request and API Gateway answer with its bare error): the invocation's deadline ends the last
   * call early, and our 503 comes before the function timeout.
   */
  @Test
  void exchange_twoSlowReadsThenHangingSign_is503BeforeTheFunctionTimeout_sameCodeWorksAfter() {
    String code = hs.toCode();
    List<String> before = hs.table();
    hs.aws.add(Rule.on(GET_SECRET_VALUE).times(AwsClients.MAX_ATTEMPTS - 1).answer(hang()));
    hs.aws.add(
        Rule.on(GET_ITEM)
            .whereBodyContains("\"CODE#")
            .times(AwsClients.MAX_ATTEMPTS - 1)
            .answer(hang()));
    fail(KMS_SIGN, "", hang());
    Duration functionTimeout =
        Duration.ofSeconds(Handshake.TEMPLATE.function("TokenFunction").timeoutSeconds());

    long started = System.nanoTime();
    APIGatewayV2HTTPResponse response = hs.exchange(code);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertUnavailableJson(response);
    assertTrue(
        took.compareTo(functionTimeout) < 0,
        "took " + took + ", function timeout " + functionTimeout);
    assertTrue(
        took.compareTo(functionTimeout.minus(Deadline.MARGIN).minusMillis(500)) > 0,
        "the deadline ended it early: " + took);
    assertEquals(before, hs.table());
    hs.aws.reset();
    assertEquals(200, hs.exchange(code).getStatusCode());
  }
}
