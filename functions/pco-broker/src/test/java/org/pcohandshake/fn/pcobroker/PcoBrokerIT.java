package org.pcohandshake.fn.pcobroker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config;
import org.pcohandshake.pco.PcoException;
import org.pcohandshake.pco.PcoIdentity;
import org.pcohandshake.pco.PcoTokenVault;
import org.pcohandshake.pco.PcoTokens;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.pco.Fault;
import org.pcohandshake.testkit.pco.TokenPair;
import org.pcohandshake.testkit.time.MutableClock;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The token broker against the emulator and the PCO simulator: each operation and each error, the
 * single-flight refresh under 20 concurrent calls, connection health (flagged once with its event,
 * healed by step 2), and never a refresh token in any answer.
 */
class PcoBrokerIT {

  private static final AtomicInteger ORGANIZATIONS = new AtomicInteger(7000);

  @Provisioned(secrets = {"PcoClientSecret", BrokerWorld.PCO_CLIENT_SECRET})
  static ProvisionedStack stack;

  static BrokerWorld world;

  final MutableClock clock = MutableClock.startingNow();
  final PcoBrokerHandler broker = world.broker(clock);
  final PcoTokenVault vault = world.vault(clock);

  /** Every refresh token this test stored or saw: none may appear in an answer. */
  final Set<String> refreshTokens = new HashSet<>();

  @BeforeAll
  static void start() throws Exception {
    world = new BrokerWorld(stack);
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  @AfterEach
  void reset() {
    world.pco.clearFaults();
    world.pco.resetCounters();
  }

  static String newOrganization() {
    return Integer.toString(ORGANIZATIONS.incrementAndGet());
  }

  /** Stores a connection as step 2 does, with real simulator tokens expiring in {@code left}. */
  TokenPair connect(String organizationId, String personId, Duration left) {
    TokenPair pair = world.pco.issueTokens();
    refreshTokens.add(pair.refreshToken());
    vault.store(
        new PcoIdentity(organizationId, personId, "Pat Example"),
        new PcoTokens(
            pair.accessToken(),
            pair.refreshToken(),
            clock.instant().plus(left),
            "people services"));
    return pair;
  }

  /** Invokes the broker; asserts the raw answer holds no refresh token, then parses it. */
  Map<String, Object> call(String payload) throws Exception {
    String raw = BrokerWorld.invoke(broker, payload);
    assertFalse(raw.contains("refresh_token"), raw);
    for (String refreshToken : refreshTokens) {
      assertFalse(raw.contains(refreshToken), "a refresh token in the answer");
    }
    return TestJson.object(raw);
  }

  Map<String, Object> accessToken(String organizationId, String personId) throws Exception {
    return call(
        "{\"operation\":\"access_token\",\"organization_id\":\""
            + organizationId
            + "\""
            + (personId == null ? "" : ",\"person_id\":\"" + personId + "\"")
            + "}");
  }

  List<JsonObject> eventsFor(String detailType, String organizationId) {
    return world.events.events(
        detailType, d -> organizationId.equals(d.get("organization_id").getAsString()));
  }

  // ---- access_token

  @Test
  void accessToken_forOrganizationAndPerson_answersTheToken_itsExpiryScopesAndPerson()
      throws Exception {
    String org = newOrganization();
    TokenPair pair = connect(org, "11", Duration.ofHours(2));

    Map<String, Object> answer = accessToken(org, "11");

    assertEquals(pair.accessToken(), answer.get("access_token"));
    assertEquals("Bearer", answer.get("token_type"));
    assertEquals(
        clock.instant().plus(Duration.ofHours(2)).getEpochSecond(),
        Instant.parse((String) answer.get("expires_at")).getEpochSecond());
    assertEquals(7200.0, ((Number) answer.get("expires_in")).doubleValue(), 1.0);
    assertEquals(org, answer.get("organization_id"));
    assertEquals("11", answer.get("person_id"));
    assertEquals("as_requested", answer.get("person_selected"));
    assertEquals(List.of("people", "services"), answer.get("scopes"));
    assertEquals(0, world.pco.refreshCalls().get(), "a fresh token needs no refresh");
  }

  @Test
  void accessToken_nearExpiry_isRefreshedJustInTime_andTheAnswerHoldsNoRefreshToken()
      throws Exception {
    String org = newOrganization();
    TokenPair old = connect(org, "12", Duration.ofMinutes(2));

    Map<String, Object> answer = accessToken(org, "12");

    assertEquals(1, world.pco.refreshCalls().get());
    assertNotEquals(old.accessToken(), answer.get("access_token"));
    assertTrue(((Number) answer.get("expires_in")).doubleValue() > 300);
    // the rotated refresh token is the simulator's latest: it is not in the answer either
    assertFalse(answer.toString().contains(old.refreshToken()));
    assertEquals(
        Set.of(
            "access_token",
            "token_type",
            "expires_at",
            "expires_in",
            "organization_id",
            "person_id",
            "person_selected",
            "scopes"),
        answer.keySet());
  }

  @Test
  void twentyConcurrentAccessTokenCalls_forOneExpiringConnection_makeExactlyOneRefreshAtPco()
      throws Exception {
    String org = newOrganization();
    connect(org, "13", Duration.ofMinutes(1));
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      List<Callable<Map<String, Object>>> calls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        calls.add(() -> accessToken(org, "13"));
      }
      Set<Object> tokens = new HashSet<>();
      for (Future<Map<String, Object>> answer : pool.invokeAll(calls)) {
        tokens.add(answer.get().get("access_token"));
      }
      assertEquals(1, world.pco.refreshCalls().get(), "exactly one refresh at PCO");
      assertEquals(1, tokens.size(), "every caller got the one refreshed token");
      assertFalse(tokens.contains(null));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void accessToken_forTheOrganizationAlone_actsAsTheMostRecentlyRefreshedHealthyPerson_andSaysSo()
      throws Exception {
    String org = newOrganization();
    connect(org, "21", Duration.ofHours(2));
    clock.advance(Duration.ofMinutes(10));
    TokenPair newest = connect(org, "22", Duration.ofHours(2));
    clock.advance(Duration.ofMinutes(10));
    connect(org, "23", Duration.ofHours(2));
    // the most recent one dies: the next most recent healthy one is chosen
    kill(org, "23");

    Map<String, Object> answer = accessToken(org, null);

    assertEquals("22", answer.get("person_id"));
    assertEquals("most_recently_refreshed", answer.get("person_selected"));
    assertEquals(newest.accessToken(), answer.get("access_token"));
  }

  /** Makes the connection's refresh fail with invalid_grant once, and has the broker find out. */
  void kill(String org, String person) throws Exception {
    world.pco.failNextTokenCalls(1, Fault.invalidGrant());
    clock.advance(Duration.ofHours(2));
    Map<String, Object> refused = accessToken(org, person);
    assertEquals("reauthorization_required", refused.get("error"), refused.toString());
    clock.advance(Duration.ofHours(-2));
  }

  @Test
  void accessToken_withoutAConnection_isNotConnected_forAPersonAndForAnOrganization()
      throws Exception {
    String org = newOrganization();
    Map<String, Object> person = accessToken(org, "31");
    assertEquals("not_connected", person.get("error"));
    assertEquals(org, person.get("organization_id"));
    assertEquals("31", person.get("person_id"));
    assertEquals("not_connected", accessToken(org, null).get("error"));
    // an id PCO never issues is not connected either (and is not an internal error)
    assertEquals("not_connected", accessToken(org, "a@b").get("error"));
  }

  @Test
  void refreshAnsweredInvalidGrant_flipsTheStatus_withReasonAndTime_andEmitsExactlyOneEvent()
      throws Exception {
    String org = newOrganization();
    connect(org, "41", Duration.ofMinutes(1));
    world.pco.failNextTokenCalls(1, Fault.invalidGrant());

    Map<String, Object> first = accessToken(org, "41");
    Map<String, Object> second = accessToken(org, "41");

    for (Map<String, Object> refused : List.of(first, second)) {
      assertEquals("reauthorization_required", refused.get("error"));
      assertEquals("invalid_grant", refused.get("reason"));
      assertEquals(
          clock.instant().getEpochSecond(),
          Instant.parse((String) refused.get("since")).getEpochSecond());
      assertEquals("41", refused.get("person_id"));
    }
    assertEquals(1, world.pco.refreshCalls().get(), "a flagged connection is not refreshed again");
    List<JsonObject> events = eventsFor("PCO connection reauthorization required", org);
    assertEquals(1, events.size(), events.toString());
    JsonObject detail = events.get(0).getAsJsonObject("detail");
    assertEquals("41", detail.get("person_id").getAsString());
    assertEquals("invalid_grant", detail.get("reason").getAsString());
    assertEquals("pco-handshake", events.get(0).get("source").getAsString());
    // the organization alone: none healthy, so the newest one's reason
    Map<String, Object> alone = accessToken(org, null);
    assertEquals("reauthorization_required", alone.get("error"));
    assertEquals("41", alone.get("person_id"));
  }

  @Test
  void aPcoApi401_afterARefresh_marksTheConnection_unauthorizedAfterRefresh() throws Exception {
    String org = newOrganization();
    connect(org, "42", Duration.ofHours(2));
    // PCO refuses the token, and the freshly refreshed one too
    world.pco.failNextMeCalls(2, Fault.invalidGrant());

    PcoException e =
        assertThrows(PcoException.class, () -> vault.call(org, "42", world.client(clock)::me));
    assertEquals(PcoException.Kind.UNAUTHORIZED, e.kind());

    Map<String, Object> refused = accessToken(org, "42");
    assertEquals("reauthorization_required", refused.get("error"));
    assertEquals("unauthorized_after_refresh", refused.get("reason"));
    assertEquals(1, eventsFor("PCO connection reauthorization required", org).size());
  }

  @Test
  void pcoRateLimiting_whenARefreshIsNeeded_isPcoUnavailable_withPcosRetryAfter() throws Exception {
    String org = newOrganization();
    connect(org, "43", Duration.ofSeconds(-10));
    world.pco.failNextTokenCalls(1, Fault.tooManyRequests(7));

    Map<String, Object> refused = accessToken(org, "43");

    assertEquals("pco_unavailable", refused.get("error"));
    assertEquals(7.0, ((Number) refused.get("retry_after_seconds")).doubleValue(), "PCO's wait");
    assertNull(refused.get("access_token"));
  }

  // ---- health: step 2 heals

  @Test
  void stepTwoAgain_healsAFlaggedConnection_withOneHealedEvent_aNewOneIsCreated() throws Exception {
    String org = newOrganization();
    connect(org, "51", Duration.ofMinutes(1));
    assertEquals(1, eventsFor("PCO connection created", org).size());
    world.pco.failNextTokenCalls(1, Fault.invalidGrant());
    assertEquals("reauthorization_required", accessToken(org, "51").get("error"));

    TokenPair again = connect(org, "51", Duration.ofHours(2));

    Map<String, Object> answer = accessToken(org, "51");
    assertEquals(again.accessToken(), answer.get("access_token"));
    assertEquals(1, eventsFor("PCO connection healed", org).size());
    assertEquals(1, eventsFor("PCO connection created", org).size(), "healing is not creating");
    Map<String, Object> listed = onlyConnection(org);
    assertEquals("healthy", listed.get("status"));
    assertNull(listed.get("reason"));
  }

  // ---- connections

  @SuppressWarnings("unchecked")
  Map<String, Object> onlyConnection(String org) throws Exception {
    List<Object> connections =
        (List<Object>)
            call("{\"operation\":\"connections\",\"organization_id\":\"" + org + "\"}")
                .get("connections");
    assertEquals(1, connections.size(), connections.toString());
    return (Map<String, Object>) connections.get(0);
  }

  @Test
  @SuppressWarnings("unchecked")
  void connections_ofAnOrganization_listEachPersonsStatusTimesAndScopes_newestFirst()
      throws Exception {
    String org = newOrganization();
    Instant first = clock.instant();
    connect(org, "61", Duration.ofMinutes(1));
    clock.advance(Duration.ofMinutes(5));
    connect(org, "62", Duration.ofHours(2));
    world.pco.failNextTokenCalls(1, Fault.invalidGrant());
    accessToken(org, "61");

    Map<String, Object> answer =
        call("{\"operation\":\"connections\",\"organization_id\":\"" + org + "\"}");

    List<Map<String, Object>> connections = (List<Map<String, Object>>) answer.get("connections");
    assertEquals(List.of("62", "61"), connections.stream().map(c -> c.get("person_id")).toList());
    Map<String, Object> healthy = connections.get(0);
    assertEquals("healthy", healthy.get("status"));
    assertEquals(List.of("people", "services"), healthy.get("scopes"));
    assertEquals(org, healthy.get("organization_id"));
    Map<String, Object> lost = connections.get(1);
    assertEquals("reauthorization_required", lost.get("status"));
    assertEquals("invalid_grant", lost.get("reason"));
    assertEquals(
        first.getEpochSecond(), Instant.parse((String) lost.get("connected_at")).getEpochSecond());
    assertEquals(
        first.getEpochSecond(),
        Instant.parse((String) lost.get("last_refreshed_at")).getEpochSecond());
    assertNull(answer.get("next_cursor"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void connections_ofEveryOrganization_arePaged_eachListedOnce_healthyAndLost() throws Exception {
    String org = newOrganization();
    for (String person : List.of("71", "72", "73")) {
      connect(org, person, Duration.ofHours(2));
    }
    connect(org, "74", Duration.ofMinutes(1));
    world.pco.failNextTokenCalls(1, Fault.invalidGrant());
    accessToken(org, "74");

    Map<String, String> seen = new java.util.HashMap<>();
    Optional<String> cursor = Optional.empty();
    int pages = 0;
    do {
      Map<String, Object> page =
          call(
              "{\"operation\":\"connections\",\"limit\":2"
                  + cursor.map(c -> ",\"cursor\":\"" + c + "\"").orElse("")
                  + "}");
      List<Map<String, Object>> connections = (List<Map<String, Object>>) page.get("connections");
      assertTrue(connections.size() <= 2);
      for (Map<String, Object> c : connections) {
        String id = c.get("organization_id") + "/" + c.get("person_id");
        assertNull(seen.put(id, (String) c.get("status")), "listed twice: " + id);
      }
      cursor = Optional.ofNullable((String) page.get("next_cursor"));
      pages++;
    } while (cursor.isPresent() && pages < 1000);
    assertEquals("healthy", seen.get(org + "/71"));
    assertEquals("healthy", seen.get(org + "/73"));
    assertEquals("reauthorization_required", seen.get(org + "/74"));
  }

  @Test
  void aCursorThisListingDidNotIssue_isInvalidRequestAboutTheCursor() throws Exception {
    for (String cursor : List.of("h.eyJwayI6IkdSQU5UI3gifQ", "garbage", "o.%%%")) {
      Map<String, Object> refused =
          call("{\"operation\":\"connections\",\"cursor\":\"" + cursor + "\"}");
      assertEquals("invalid_request", refused.get("error"), cursor);
      assertEquals("cursor", refused.get("argument"));
      assertFalse(refused.toString().contains(cursor));
    }
  }

  // ---- disconnect

  @Test
  void disconnect_revokesAtPco_removesTheCiphertext_saysPcoConfirmed_andEmitsAnEvent()
      throws Exception {
    String org = newOrganization();
    TokenPair pair = connect(org, "81", Duration.ofHours(2));

    Map<String, Object> answer =
        call(
            "{\"operation\":\"disconnect\",\"organization_id\":\""
                + org
                + "\",\"person_id\":\"81\"}");

    assertEquals(true, answer.get("disconnected"));
    assertEquals(true, answer.get("revoked_at_pco"));
    assertEquals(1, world.pco.revokeCalls().get());
    assertThrows(PcoException.class, () -> world.client(clock).refresh(pair.refreshToken()));
    assertTrue(item(org, "81").isEmpty(), "the ciphertext is gone");
    JsonObject event = eventsFor("PCO connection disconnected", org).get(0);
    assertTrue(event.getAsJsonObject("detail").get("revoked_at_pco").getAsBoolean());
    assertEquals("not_connected", accessToken(org, "81").get("error"));
    assertEquals(
        "not_connected",
        call("{\"operation\":\"disconnect\",\"organization_id\":\""
                + org
                + "\",\"person_id\":\"81\"}")
            .get("error"));
  }

  @Test
  void disconnect_whenPcoDoesNotConfirm_stillDeletes_andSaysSo() throws Exception {
    String org = newOrganization();
    connect(org, "82", Duration.ofHours(2));
    Map<String, String> env = new java.util.HashMap<>(world.environment("PcoBrokerFunction"));
    env.put(Config.PCO_BASE_URL, "http://127.0.0.1:9");
    env.put(Config.PCO_HTTP_TIMEOUT_MS, "500");
    PcoBrokerHandler offline = new PcoBrokerHandler(env, clock);

    Map<String, Object> answer =
        TestJson.object(
            BrokerWorld.invoke(
                offline,
                "{\"operation\":\"disconnect\",\"organization_id\":\""
                    + org
                    + "\",\"person_id\":\"82\"}"));

    assertEquals(true, answer.get("disconnected"));
    assertEquals(false, answer.get("revoked_at_pco"));
    assertTrue(item(org, "82").isEmpty());
  }

  Map<String, AttributeValue> item(String org, String person) {
    return Emulator.shared()
        .dynamoDb()
        .getItem(
            r ->
                r.tableName(stack.physicalId("Table"))
                    .key(
                        Map.of(
                            "pk", AttributeValue.fromS("PCOCONN#" + org + "#" + person),
                            "sk", AttributeValue.fromS("PCOCONN")))
                    .consistentRead(true))
        .item();
  }

  // ---- connections stored before the listings existed

  @Test
  void aConnectionStoredInTheOlderShape_joinsTheListings_atItsNextRefresh() throws Exception {
    String org = newOrganization();
    connect(org, "91", Duration.ofHours(2));
    // what step 2 stored before connections were listed: no ids, times, scopes or index keys
    Emulator.shared()
        .dynamoDb()
        .updateItem(
            r ->
                r.tableName(stack.physicalId("Table"))
                    .key(
                        Map.of(
                            "pk", AttributeValue.fromS("PCOCONN#" + org + "#91"),
                            "sk", AttributeValue.fromS("PCOCONN")))
                    .updateExpression(
                        "REMOVE organizationId, personId, connectedAt, refreshedAt, scopes,"
                            + " connOrg, connStatus"));
    assertEquals(List.of(), connectionsOf(org), "not indexed yet");

    clock.advance(Duration.ofHours(2));
    assertEquals("91", accessToken(org, "91").get("person_id"));

    List<Map<String, Object>> listed = connectionsOf(org);
    assertEquals(1, listed.size(), "a refresh puts it in the listings (and keep-alive's reach)");
    assertEquals("healthy", listed.get(0).get("status"));
    assertEquals("91", accessToken(org, null).get("person_id"));
  }

  @SuppressWarnings("unchecked")
  List<Map<String, Object>> connectionsOf(String org) throws Exception {
    return (List<Map<String, Object>>)
        call("{\"operation\":\"connections\",\"organization_id\":\"" + org + "\"}")
            .get("connections");
  }

  // ---- the contract

  @Test
  void unknownOperations_andMisspeltArguments_areRefusedByName() throws Exception {
    assertEquals("unknown_operation", call("{\"operation\":\"refresh_token\"}").get("error"));
    Map<String, Object> misspelt =
        call("{\"operation\":\"access_token\",\"organisation_id\":\"1\"}");
    assertEquals("invalid_request", misspelt.get("error"));
    assertEquals("organisation_id", misspelt.get("argument"));
    assertEquals("organization_id", call("{\"operation\":\"access_token\"}").get("argument"));
    assertEquals("limit", call("{\"operation\":\"connections\",\"limit\":1000}").get("argument"));
  }
}
