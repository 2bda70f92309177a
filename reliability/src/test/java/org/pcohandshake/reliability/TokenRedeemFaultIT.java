package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pcohandshake.testkit.fault.Operations.TRANSACT_WRITE_ITEMS;
import static org.pcohandshake.testkit.fault.Operations.UPDATE_ITEM;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.testkit.fault.Fault;
import org.pcohandshake.testkit.fault.Rule;

/**
 * {@code POST /oauth/token}, redeeming the code and revoking on a replay, with the write failing
 * beyond the SDK's retries: 503 {@code temporarily_unavailable}, the table exactly as before, and
 * the same request succeeding (or, for the replay, revoking) afterwards.
 */
class TokenRedeemFaultIT extends FaultCase {
  @ParameterizedTest(name = "{0}")
  @MethodSource("transactionFaults")
  void exchange_redeemTransactionFails_is503_noGrantWritten_sameCodeWorksAfter(Fault fault) {
    String code = hs.toCode();
    List<String> before = hs.table();
    fail(TRANSACT_WRITE_ITEMS, "\"CODE#", fault);

    assertUnavailableJson(hs.exchange(code));
    assertTriedBeyondRetries(TRANSACT_WRITE_ITEMS, fault);
    assertEquals(before, hs.table(), "no grant, no refresh token, code not redeemed");
    APIGatewayV2HTTPResponse retried = hs.exchange(code);
    assertEquals(200, retried.getStatusCode(), retried.getBody());
    // and the tokens of the retry are the family's only ones: a refresh works
    assertEquals(200, hs.refresh(Handshake.refreshToken(retried)).getStatusCode());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void codeReplay_revocationFails_is503_grantUntouched_replayRevokesAfter(Fault fault) {
    String code = hs.toCode();
    String refreshToken = Handshake.refreshToken(hs.exchange(code));
    List<String> before = hs.table();
    fail(UPDATE_ITEM, "\"GRANT#", fault);

    assertUnavailableJson(hs.exchange(code));
    assertTriedBeyondRetries(UPDATE_ITEM, fault);
    assertEquals(before, hs.table());
    // the code stays redeemed, so the replay is still caught: invalid_grant, and the grant ends
    APIGatewayV2HTTPResponse replay = hs.exchange(code);
    assertEquals(400, replay.getStatusCode());
    assertEquals("invalid_grant", Handshake.json(replay).get("error"));
    assertEquals(400, hs.refresh(refreshToken).getStatusCode(), "the family is revoked");
  }

  @Test
  void twoExchangesOverlapping_theLoserSeesAConflict_theGrantEndsRevoked() {
    String code = hs.toCode();
    // another exchange of the same code is in flight: DynamoDB cancels this one's transaction
    // with TransactionConflict on the code, before the other has written the grant
    conflictOnTheCode();
    APIGatewayV2HTTPResponse loser = hs.exchange(code);
    assertEquals(400, loser.getStatusCode(), loser.getBody());
    assertEquals("invalid_grant", Handshake.json(loser).get("error"));

    // then the other exchange's transaction goes through: whatever it answers, the replay was
    // detected, so no token of this code may work
    APIGatewayV2HTTPResponse other = hs.exchange(code);
    if (other.getStatusCode() == 200) {
      assertEquals(400, hs.refresh(Handshake.refreshToken(other)).getStatusCode());
    } else {
      assertEquals("invalid_grant", Handshake.json(other).get("error"), other.getBody());
    }
    String grantId = attribute("CODE#" + Tokens.hash(code), "grantId");
    assertEquals("code_replay", attribute("GRANT#" + grantId, "revokedFor"), hs.table().toString());
  }

  @Test
  void twoExchangesOverlapping_theLosersRevocationMeetsTheOtherTransaction_isRetried() {
    String code = hs.toCode();
    conflictOnTheCode();
    // the grant is still being written by the other transaction: DynamoDB refuses the update of
    // it with TransactionConflictException, which the SDK does not retry
    hs.aws.add(
        Rule.on(UPDATE_ITEM)
            .whereBodyContains("\"GRANT#")
            .times(1)
            .answer(Fault.throttling("TransactionConflictException")));
    APIGatewayV2HTTPResponse loser = hs.exchange(code);
    assertEquals(400, loser.getStatusCode(), loser.getBody());
    assertEquals("invalid_grant", Handshake.json(loser).get("error"));
    assertEquals(2, hs.aws.faulted(UPDATE_ITEM) + hs.aws.faulted(TRANSACT_WRITE_ITEMS));

    APIGatewayV2HTTPResponse other = hs.exchange(code);
    assertEquals(400, other.getStatusCode(), other.getBody());
    String grantId = attribute("CODE#" + Tokens.hash(code), "grantId");
    assertEquals("code_replay", attribute("GRANT#" + grantId, "revokedFor"));
  }

  @Test
  void tenConcurrentExchanges_theFirstMeetingAConflict_noTokenOfTheCodeWorks() throws Exception {
    String code = hs.toCode();
    conflictOnTheCode();
    ExecutorService pool = Executors.newFixedThreadPool(10);
    List<APIGatewayV2HTTPResponse> answers = new ArrayList<>();
    try {
      List<Callable<APIGatewayV2HTTPResponse>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(() -> hs.exchange(code));
      }
      for (Future<APIGatewayV2HTTPResponse> answer : pool.invokeAll(calls)) {
        answers.add(answer.get());
      }
    } finally {
      pool.shutdownNow();
    }
    for (APIGatewayV2HTTPResponse answer : answers) {
      if (answer.getStatusCode() == 200) {
        // issued before the conflicted one revoked: its family must be dead now
        assertEquals(400, hs.refresh(Handshake.refreshToken(answer)).getStatusCode());
      } else {
        assertEquals("invalid_grant", Handshake.json(answer).get("error"), answer.getBody());
      }
    }
    String grantId = attribute("CODE#" + Tokens.hash(code), "grantId");
    assertEquals("code_replay", attribute("GRANT#" + grantId, "revokedFor"));
  }

  /** The next redeeming transaction is cancelled as DynamoDB does while another holds the code. */
  static void conflictOnTheCode() {
    hs.aws.add(
        Rule.on(TRANSACT_WRITE_ITEMS)
            .whereBodyContains("\"CODE#")
            .times(1)
            .answer(Fault.transactionCanceled(0, "TransactionConflict")));
  }

  /** A string attribute of the item with this key, empty when the item or attribute is absent. */
  static String attribute(String pk, String name) {
    return hs.stack.scanTable("Table").stream()
        .filter(item -> item.get("pk").s().equals(pk) && item.containsKey(name))
        .map(item -> item.get(name).s())
        .findFirst()
        .orElse("");
  }
}
