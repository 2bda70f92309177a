package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pcohandshake.testkit.fault.Operations.GET_ITEM;
import static org.pcohandshake.testkit.fault.Operations.UPDATE_ITEM;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.testkit.fault.Fault;
import org.pcohandshake.testkit.fault.Rule;

/**
 * The admin function's revocations with DynamoDB failing beyond the SDK's retries: the answer is
 * {@code unavailable} (retry), each grant is either revoked (with its time and reason) or
 * untouched, never half, and the same command again finishes the work.
 */
class AdminRevocationFaultIT extends FaultCase {

  static final String REVOKE_USER = "{\"operation\":\"revoke_user_grants\",\"user_id\":\"user-7\"}";

  /** The grant items of the table, each with whether it is revoked, checked to be whole. */
  static Map<String, Boolean> grantStates() {
    Map<String, Boolean> states = new java.util.TreeMap<>();
    for (String item : hs.table()) {
      if (!item.contains("pk=AttributeValue(S=GRANT#")) {
        continue;
      }
      boolean at = item.contains("revokedAt=");
      boolean why = item.contains("revokedFor=");
      assertEquals(at, why, "a grant half revoked: " + item);
      states.put(
          item.substring(item.indexOf("GRANT#"), item.indexOf(')', item.indexOf("GRANT#"))), at);
    }
    return states;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void
      revokeAllOfAUser_withTheSecondRevocationFailing_isUnavailable_eachGrantWholeOrUntouched_aRetryFinishes(
          Fault fault) {
    // newer than the grants of the earlier rows, which the listing (newest first) then comes to
    // last
    hs.clock.advance(java.time.Duration.ofSeconds(10));
    List<String> refreshTokens = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      refreshTokens.add(hs.handshake().refreshToken());
    }
    long revokedBefore = grantStates().values().stream().filter(r -> r).count();
    hs.aws.add(
        Rule.on(UPDATE_ITEM)
            .whereBodyContains("\"GRANT#")
            .fromCall(2)
            .times(beyondRetries(fault))
            .answer(fault));

    Map<String, Object> failed = hs.admin(REVOKE_USER);
    assertEquals("unavailable", failed.get("error"), failed.toString());
    assertTriedBeyondRetries(UPDATE_ITEM, fault);
    Map<String, Boolean> during = grantStates();
    assertEquals(
        revokedBefore + 1,
        during.values().stream().filter(r -> r).count(),
        "the first revoked, the rest untouched: " + during);

    Map<String, Object> retried = hs.admin(REVOKE_USER);
    assertEquals(true, retried.get("complete"), retried.toString());
    assertTrue(grantStates().values().stream().allMatch(r -> r), grantStates().toString());
    for (String refreshToken : refreshTokens) {
      assertEquals(400, hs.refresh(refreshToken).getStatusCode());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void grantStatus_unreadable_isUnavailable_andNothingChanges(Fault fault) {
    hs.handshake();
    String grantId = grantStates().keySet().iterator().next().substring("GRANT#".length());
    List<String> before = hs.table();
    fail(GET_ITEM, "\"GRANT#", fault);
    Map<String, Object> answer =
        hs.admin("{\"operation\":\"grant_status\",\"grant_id\":\"" + grantId + "\"}");
    assertEquals("unavailable", answer.get("error"), answer.toString());
    assertEquals(before, hs.table());
  }
}
