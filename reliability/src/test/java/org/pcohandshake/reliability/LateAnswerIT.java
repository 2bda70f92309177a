package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pcohandshake.testkit.fault.Operations.PUT_ITEM;
import static org.pcohandshake.testkit.fault.Operations.TRANSACT_WRITE_ITEMS;
import static org.pcohandshake.testkit.fault.Operations.UPDATE_ITEM;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.log.Log;
import org.pcohandshake.pco.PcoClient;
import org.pcohandshake.pco.PcoTokenVault;
import org.pcohandshake.testkit.fault.Fault;
import org.pcohandshake.testkit.fault.FaultProxy;
import org.pcohandshake.testkit.fault.Rule;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A late answer to a write: the write is applied, but its answer comes after the SDK's attempt
 * timeout, so the SDK gives up on it and tries again. The retry must get the answer the first
 * attempt would have had, and the write must count once: a transaction through its client request
 * token (as DynamoDB honours it), the PCO token vault's conditional updates by recognising their
 * own write in the item the failed condition returns. Each test checks the client's answer, that
 * the SDK did try twice, exactly what the table gained, and that the flow goes on.
 */
class LateAnswerIT extends FaultCase {

  /** Past the attempt timeout: the SDK gives up on the first attempt, which has been applied. */
  static final Fault LATE = Fault.late(AwsClients.ATTEMPT_TIMEOUT.plus(Duration.ofMillis(700)));

  /** From now on: the first {@code operation} call whose body holds {@code marker} is late. */
  static void lateOnce(String operation, String marker) {
    hs.aws.resetCalls();
    hs.aws.add(Rule.on(operation).whereBodyContains(marker).times(1).answer(LATE));
  }

  /** One late attempt, and the SDK's retry of it as the very next call. */
  static void assertRetriedOnce(String operation) {
    List<FaultProxy.Call> calls = hs.aws.calls();
    assertEquals(1, hs.aws.faulted(operation), calls.toString());
    int late = calls.indexOf(calls.stream().filter(FaultProxy.Call::faulted).findFirst().get());
    assertTrue(late + 1 < calls.size(), calls.toString());
    assertEquals(operation, calls.get(late + 1).operation(), "the SDK's retry: " + calls);
  }

  @Test
  void login_sessionTransaction_opensOneSession() {
    String loginToken = hs.loginToken();
    Map<String, Integer> before = kinds();
    lateOnce(TRANSACT_WRITE_ITEMS, "\"LOGINJTI#");

    APIGatewayV2HTTPResponse loggedIn = hs.login(loginToken);

    assertEquals(303, loggedIn.getStatusCode(), loggedIn.getBody());
    assertRetriedOnce(TRANSACT_WRITE_ITEMS);
    assertEquals(gained(before, "LOGINJTI", 1, "SESSION", 1), kinds());
    String link = Handshake.cookie(hs.complete(hs.pcoCode()), Cookies.PCO_LINK);
    String session = Handshake.cookie(loggedIn, Cookies.SESSION);
    assertEquals(200, hs.consentPage(session, link).getStatusCode(), "the session works");
  }

  @Test
  void consentPage_consentPut_storesOneConsent_thatApproves() {
    AuthorizeFaultIT.Browser browser = AuthorizeFaultIT.browser();
    Map<String, Integer> before = kinds();
    lateOnce(PUT_ITEM, "\"CONSENT#");

    APIGatewayV2HTTPResponse page = hs.consentPage(browser.session(), browser.link());

    assertEquals(200, page.getStatusCode(), page.getBody());
    assertRetriedOnce(PUT_ITEM);
    assertEquals(gained(before, "CONSENT", 1), kinds());
    APIGatewayV2HTTPResponse approved =
        hs.decide(browser.session(), Handshake.formToken(page), "approve");
    assertEquals(200, hs.exchange(Handshake.code(approved)).getStatusCode());
  }

  @Test
  void approve_codeTransaction_answersWithTheCode_thatExchanges() {
    Handshake.Consent consent = hs.toConsent();
    Map<String, Integer> before = kinds();
    lateOnce(TRANSACT_WRITE_ITEMS, "\"CONSENT#");

    APIGatewayV2HTTPResponse approved =
        hs.decide(consent.session(), consent.formToken(), "approve");

    assertEquals(303, approved.getStatusCode(), approved.getBody());
    assertRetriedOnce(TRANSACT_WRITE_ITEMS);
    // the link is used up with the consent, in the same transaction
    assertEquals(gained(before, "CONSENT", -1, "CODE", 1, "PCOLINK", -1), kinds());
    assertEquals(200, hs.exchange(Handshake.code(approved)).getStatusCode());
  }

  @Test
  void deny_consentConsumed_answersAccessDenied_notExpired() {
    Handshake.Consent consent = hs.toConsent();
    Map<String, Integer> before = kinds();
    lateOnce(TRANSACT_WRITE_ITEMS, "\"CONSENT#");

    APIGatewayV2HTTPResponse denied = hs.decide(consent.session(), consent.formToken(), "deny");

    assertEquals(303, denied.getStatusCode(), denied.getBody());
    Map<String, String> query = Handshake.queryOf(denied.getHeaders().get("location"));
    assertEquals("access_denied", query.get("error"));
    assertEquals(Handshake.STATE, query.get("state"));
    assertRetriedOnce(TRANSACT_WRITE_ITEMS);
    assertEquals(gained(before, "CONSENT", -1, "PCOLINK", -1), kinds());
  }

  @Test
  void exchange_redeemTransaction_issuesTokens_noReplay_noRevocation() {
    String code = hs.toCode();
    Map<String, Integer> before = kinds();
    lateOnce(TRANSACT_WRITE_ITEMS, "\"CODE#");

    APIGatewayV2HTTPResponse tokens = hs.exchange(code);

    assertEquals(200, tokens.getStatusCode(), tokens.getBody());
    assertRetriedOnce(TRANSACT_WRITE_ITEMS);
    assertEquals(gained(before, "GRANT", 1, "REFRESH", 1), kinds());
    assertEquals(0, revokedGrants(), "the retry was not taken for a code replay");
    assertEquals(200, hs.refresh(Handshake.refreshToken(tokens)).getStatusCode());
  }

  @Test
  void refresh_rotationTransaction_answersTheNewPair_andTheChainGoesOn() {
    String refreshToken = hs.handshake().refreshToken();
    Map<String, Integer> before = kinds();
    lateOnce(TRANSACT_WRITE_ITEMS, "\"REFRESH#");

    APIGatewayV2HTTPResponse rotated = hs.refresh(refreshToken);

    assertEquals(200, rotated.getStatusCode(), rotated.getBody());
    assertRetriedOnce(TRANSACT_WRITE_ITEMS);
    assertEquals(gained(before, "REFRESH", 1), kinds(), "one successor, not two");
    APIGatewayV2HTTPResponse next = hs.refresh(Handshake.refreshToken(rotated));
    assertEquals(200, next.getStatusCode(), next.getBody());
    assertEquals(0, revokedGrants());
  }

  @Test
  void pcoComplete_connectionTransaction_advances_storedOnce() {
    String pcoCode = hs.pcoCode();
    long versionBefore = connectionVersion();
    Map<String, Integer> before = kinds();
    lateOnce(TRANSACT_WRITE_ITEMS, "\"PCOCONN#");

    APIGatewayV2HTTPResponse completed = hs.complete(pcoCode);

    PcoCompleteFaultIT.assertAdvances(completed);
    assertRetriedOnce(TRANSACT_WRITE_ITEMS);
    // the store counts the connection's versions up by one per write: applied twice, it says 2
    assertEquals(versionBefore + 1, connectionVersion(), "the connection was written once");
    assertEquals(gained(before, "PCOCONN", versionBefore == 0 ? 1 : 0, "PCOLINK", 1), kinds());
  }

  /** The stored version of the test person's PCO connection, 0 when there is none. */
  static long connectionVersion() {
    String pk = "PCOCONN#" + VaultFaultIT.ORG + "#" + VaultFaultIT.PERSON;
    return items()
        .filter(item -> item.get("pk").s().equals(pk))
        .mapToLong(item -> Long.parseLong(item.get("version").n()))
        .findFirst()
        .orElse(0L);
  }

  @Test
  void vault_leaseTaken_isRecognisedAsOwn_refreshesWithoutWaitingForTheLease() {
    hs.complete(hs.pcoCode());
    PcoTokenVault vault = hs.pcoVault();
    hs.pco.expireAccessTokens();
    hs.pco.resetCounters();
    lateOnce(UPDATE_ITEM, "leaseOwner");

    assertEquals(VaultFaultIT.PERSON, call(vault));

    assertRetriedOnce(UPDATE_ITEM);
    assertEquals(1, hs.pco.refreshCalls().get(), "refreshed by this caller, at once");
  }

  @Test
  void vault_commitWritten_isRecognisedAsOwn_notSuperseded() {
    hs.complete(hs.pcoCode());
    PcoTokenVault vault = hs.pcoVault();
    hs.pco.expireAccessTokens();
    hs.pco.resetCounters();
    lateOnce(UPDATE_ITEM, "\":tok\"");

    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Log.to(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      assertEquals(VaultFaultIT.PERSON, call(vault));
    } finally {
      Log.to(System.out);
    }
    List<String> events = log.toString(StandardCharsets.UTF_8).lines().toList();

    assertRetriedOnce(UPDATE_ITEM);
    assertEquals(1, hs.pco.refreshCalls().get());
    assertEquals(
        List.of("pco_token_refreshed"),
        events.stream()
            .filter(e -> e.contains("pco_token_refresh"))
            .map(e -> e.replaceAll(".*\"event\":\"([a-z_]+)\".*", "$1"))
            .toList());
    assertEquals(VaultFaultIT.PERSON, call(vault), "the stored pair is the one PCO issued last");
    assertEquals(1, hs.pco.refreshCalls().get());
  }

  // ---- helpers --------------------------------------------------------------------------------

  static String call(PcoTokenVault vault) {
    PcoClient client = hs.pcoClient();
    try (Log.Scope request = Log.request("late-" + System.nanoTime())) {
      return vault.call(VaultFaultIT.ORG, VaultFaultIT.PERSON, t -> client.me(t).personId());
    }
  }

  static Stream<Map<String, AttributeValue>> items() {
    return hs.stack.scanTable("Table").stream();
  }

  /** How many items of each kind the table holds (the sort key is the kind: GRANT, CODE, …). */
  static Map<String, Integer> kinds() {
    Map<String, Integer> counts = new TreeMap<>();
    items().forEach(item -> counts.merge(item.get("sk").s(), 1, Integer::sum));
    return counts;
  }

  /** {@code before} with the given changes per kind, e.g. {@code "GRANT", 1, "REFRESH", 1}. */
  static Map<String, Integer> gained(Map<String, Integer> before, Object... changes) {
    Map<String, Integer> after = new TreeMap<>(before);
    for (int i = 0; i < changes.length; i += 2) {
      after.merge((String) changes[i], (Integer) changes[i + 1], Integer::sum);
    }
    after.values().removeIf(n -> n == 0);
    return after;
  }

  static long revokedGrants() {
    return items()
        .filter(item -> item.get("sk").s().equals("GRANT") && item.containsKey("revokedAt"))
        .count();
  }
}
