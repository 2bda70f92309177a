package org.pcohandshake.fn.pcocomplete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.PcoTokenMode;
import org.pcohandshake.pco.PcoClient;
import org.pcohandshake.pco.PcoException;
import org.pcohandshake.pco.PcoIdentity;
import org.pcohandshake.pco.PcoTokenVault;
import org.pcohandshake.pco.PcoTokens;
import org.pcohandshake.pco.ReauthorizationRequired;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.pco.Fault;
import org.pcohandshake.testkit.pco.TokenPair;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/** The encrypted PCO token vault against moto and the PCO simulator. */
class PcoTokenVaultIT {

  private static final AtomicInteger PEOPLE = new AtomicInteger(5000);

  @Provisioned(secrets = {"PcoClientSecret", PcoCompleteFixture.PCO_CLIENT_SECRET})
  static ProvisionedStack stack;

  private static PcoCompleteFixture fixture;
  private static Config config;
  private static DynamoDbClient dynamo;
  private static KmsClient kms;

  private final Clock clock = Clock.systemUTC();
  private final PcoTokenVault vault = fixture.vault(clock);
  private final PcoClient pco = fixture.client(clock);

  @BeforeAll
  static void start() throws Exception {
    fixture = new PcoCompleteFixture(stack);
    config = fixture.config("store");
    AwsClients aws = new AwsClients(config);
    dynamo = aws.dynamoDb();
    kms = aws.kms();
  }

  @AfterAll
  static void stop() {
    fixture.close();
    dynamo.close();
    kms.close();
  }

  @AfterEach
  void reset() {
    fixture.pco.clearFaults();
    fixture.pco.resetCounters();
  }

  /** A person of its own per test, so tests do not share a connection. */
  private static PcoIdentity newPerson() {
    return new PcoIdentity("2002", Integer.toString(PEOPLE.incrementAndGet()), "Pat Example");
  }

  /** Real tokens from the simulator, expiring at the given time as far as the vault knows. */
  private static PcoTokens tokens(TokenPair pair, Instant expiresAt) {
    return new PcoTokens(pair.accessToken(), pair.refreshToken(), expiresAt, "people");
  }

  private Map<String, AttributeValue> item(PcoIdentity who) {
    return dynamo
        .getItem(
            r ->
                r.tableName(config.tableName())
                    .key(
                        Map.of(
                            "pk",
                            AttributeValue.fromS(
                                "PCOCONN#" + who.organizationId() + "#" + who.personId()),
                            "sk",
                            AttributeValue.fromS("PCOCONN")))
                    .consistentRead(true))
        .item();
  }

  @Test
  void store_writesOnlyCiphertextExpiryVersionAndFlags_noPlaintextAnywhere() {
    PcoIdentity who = newPerson();
    TokenPair pair = fixture.pco.issueTokens();

    vault.store(who, tokens(pair, clock.instant().plusSeconds(7200)));

    Map<String, AttributeValue> item = item(who);
    assertEquals(
        Set.of(
            "pk",
            "sk",
            "tokens",
            "accessExp",
            "version",
            "reauth",
            "exp",
            "ttl",
            // what a listing shows, and the listing indexes' keys: ids, times, scopes
            "organizationId",
            "personId",
            "connectedAt",
            "refreshedAt",
            "scopes",
            "connOrg",
            "connStatus"),
        item.keySet());
    assertEquals("people", item.get("scopes").s());
    assertEquals("PCOCONN#healthy", item.get("connStatus").s());
    assertTrue(item.get("tokens").b().asByteArray().length > 64);
    assertEquals("1", item.get("version").n());
    for (Map<String, AttributeValue> row : fixture.scan()) {
      for (AttributeValue value : row.values()) {
        String text =
            value.toString()
                + (value.b() == null ? "" : value.b().asString(StandardCharsets.ISO_8859_1));
        assertFalse(text.contains(pair.accessToken()), "plaintext access token in the table");
        assertFalse(text.contains(pair.refreshToken()), "plaintext refresh token in the table");
      }
    }
    assertEquals(pair.accessToken(), vault.accessToken(who.organizationId(), who.personId()));
  }

  @Test
  void ciphertextCopiedToAnotherConnection_doesNotDecrypt() {
    PcoIdentity victim = newPerson();
    PcoIdentity other = newPerson();
    vault.store(victim, tokens(fixture.pco.issueTokens(), clock.instant().plusSeconds(7200)));
    vault.store(other, tokens(fixture.pco.issueTokens(), clock.instant().plusSeconds(7200)));
    AttributeValue victimsCiphertext = item(victim).get("tokens");

    dynamo.updateItem(
        r ->
            r.tableName(config.tableName())
                .key(
                    Map.of(
                        "pk", item(other).get("pk"),
                        "sk", item(other).get("sk")))
                .updateExpression("SET #t = :t")
                .expressionAttributeNames(Map.of("#t", "tokens"))
                .expressionAttributeValues(Map.of(":t", victimsCiphertext)));

    ReauthorizationRequired e =
        assertThrows(
            ReauthorizationRequired.class,
            () -> vault.accessToken(other.organizationId(), other.personId()));
    assertEquals(ReauthorizationRequired.Reason.UNREADABLE, e.reason());
    // KMS itself refuses: the encryption context names the victim's connection
    assertThrows(
        InvalidCiphertextException.class,
        () ->
            kms.decrypt(
                r ->
                    r.keyId(((PcoTokenMode.Store) config.pcoTokenMode()).tokenKeyId())
                        .ciphertextBlob(victimsCiphertext.b())
                        .encryptionContext(
                            Map.of(
                                "purpose", "pco-token",
                                "organization", other.organizationId(),
                                "person", other.personId()))));
    // the victim's own row still works
    vault.accessToken(victim.organizationId(), victim.personId());
  }

  @Test
  void freshToken_isReturnedWithoutCallingPco() {
    PcoIdentity who = newPerson();
    TokenPair pair = fixture.pco.issueTokens();
    vault.store(who, tokens(pair, clock.instant().plusSeconds(3600)));

    assertEquals(pair.accessToken(), vault.accessToken(who.organizationId(), who.personId()));
    assertEquals(0, fixture.pco.tokenCalls().get());
  }

  @Test
  void tenConcurrentCallers_nearlyExpired_causeExactlyOneRefresh_andGetTheSameValidToken()
      throws Exception {
    PcoIdentity who = newPerson();
    TokenPair pair = fixture.pco.issueTokens();
    vault.store(who, tokens(pair, clock.instant().plusSeconds(60)));
    fixture.pco.resetCounters();

    int callers = 10;
    CountDownLatch ready = new CountDownLatch(callers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
      for (int i = 0; i < callers; i++) {
        // one vault per caller, as in separate Lambda instances (the testkit's moto serves one
        // request at a time, so its conditional writes are atomic like DynamoDB's)
        PcoTokenVault own = fixture.vault(clock);
        results.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return own.accessToken(who.organizationId(), who.personId());
                }));
      }
      assertTrue(ready.await(30, TimeUnit.SECONDS));
      go.countDown();
      Set<String> tokens = new HashSet<>();
      for (Future<String> result : results) {
        tokens.add(result.get(60, TimeUnit.SECONDS));
      }

      assertEquals(1, fixture.pco.refreshCalls().get(), "one refresh at PCO");
      assertEquals(1, tokens.size(), "every caller got the same token");
      String token = tokens.iterator().next();
      assertNotEquals(pair.accessToken(), token, "a new token, not the nearly expired one");
      assertEquals("1001", pco.me(token).personId(), "PCO accepts it");
    }
    Map<String, AttributeValue> item = item(who);
    assertEquals("2", item.get("version").n());
    assertFalse(item.containsKey("leaseOwner"), "lease released");
    assertTrue(
        Long.parseLong(item.get("accessExp").n())
            > clock.instant().plusSeconds(7000).getEpochSecond());
  }

  @Test
  void refresh_storesTheRotatedRefreshToken() {
    PcoIdentity who = newPerson();
    vault.store(who, tokens(fixture.pco.issueTokens(), clock.instant().minusSeconds(1)));

    String first = vault.accessToken(who.organizationId(), who.personId());
    // make the stored token look expired again: only the rotated refresh token can refresh it
    dynamo.updateItem(
        r ->
            r.tableName(config.tableName())
                .key(Map.of("pk", item(who).get("pk"), "sk", item(who).get("sk")))
                .updateExpression("SET accessExp = :past")
                .expressionAttributeValues(Map.of(":past", AttributeValue.fromN("1"))));
    String second = vault.accessToken(who.organizationId(), who.personId());

    assertNotEquals(first, second);
    assertEquals(2, fixture.pco.refreshCalls().get());
    assertEquals("1001", pco.me(second).personId());
  }

  @Test
  void invalidGrantOnRefresh_flagsTheConnection_andThrowsReauthorizationRequired() {
    PcoIdentity who = newPerson();
    vault.store(who, tokens(fixture.pco.issueTokens(), clock.instant().minusSeconds(1)));
    fixture.pco.failNextTokenCalls(1, Fault.invalidGrant());

    ReauthorizationRequired e =
        assertThrows(
            ReauthorizationRequired.class,
            () -> vault.accessToken(who.organizationId(), who.personId()));

    assertEquals(ReauthorizationRequired.Reason.GRANT_REVOKED, e.reason());
    Map<String, AttributeValue> item = item(who);
    assertTrue(item.get("reauth").bool(), "flagged");
    assertFalse(item.containsKey("leaseOwner"));
    // later callers are told at once, without another refresh at PCO
    assertThrows(
        ReauthorizationRequired.class,
        () -> vault.accessToken(who.organizationId(), who.personId()));
    assertEquals(1, fixture.pco.refreshCalls().get());

    // authorizing again clears the flag
    TokenPair again = fixture.pco.issueTokens();
    vault.store(who, tokens(again, clock.instant().plusSeconds(7200)));
    assertEquals(again.accessToken(), vault.accessToken(who.organizationId(), who.personId()));
  }

  @Test
  void call_retriesOnceAfterA401_withARefreshedToken() {
    PcoIdentity who = newPerson();
    vault.store(who, tokens(fixture.pco.issueTokens(), clock.instant().plusSeconds(7200)));
    // PCO ended the token early although its expiry is hours away
    fixture.pco.expireAccessTokens();
    fixture.pco.resetCounters();

    PcoIdentity me = vault.call(who.organizationId(), who.personId(), pco::me);

    assertEquals("1001", me.personId());
    assertEquals(2, fixture.pco.meCalls().get(), "the 401 and the retry");
    assertEquals(1, fixture.pco.refreshCalls().get());
    assertEquals("2", item(who).get("version").n());
  }

  @Test
  void call_aSecond401_isThrown_notRetriedAgain() {
    PcoIdentity who = newPerson();
    vault.store(who, tokens(fixture.pco.issueTokens(), clock.instant().plusSeconds(7200)));
    fixture.pco.failNextMeCalls(2, Fault.invalidGrant());

    PcoException e =
        assertThrows(
            PcoException.class, () -> vault.call(who.organizationId(), who.personId(), pco::me));

    assertEquals(PcoException.Kind.UNAUTHORIZED, e.kind());
    assertEquals(2, fixture.pco.meCalls().get());
    assertEquals(1, fixture.pco.refreshCalls().get());
  }

  @Test
  void refreshFailing_withMinutesLeft_usesTheCurrentToken_elseThrowsUnavailable() {
    PcoIdentity who = newPerson();
    TokenPair pair = fixture.pco.issueTokens();
    vault.store(who, tokens(pair, clock.instant().plusSeconds(120)));
    fixture.pco.failNextTokenCalls(1, Fault.status(503));

    assertEquals(pair.accessToken(), vault.accessToken(who.organizationId(), who.personId()));
    assertFalse(item(who).containsKey("leaseOwner"), "lease released");

    PcoIdentity expired = newPerson();
    vault.store(expired, tokens(fixture.pco.issueTokens(), clock.instant().minusSeconds(1)));
    fixture.pco.failNextTokenCalls(1, Fault.status(503));
    PcoException e =
        assertThrows(
            PcoException.class,
            () -> vault.accessToken(expired.organizationId(), expired.personId()));
    assertEquals(PcoException.Kind.UNAVAILABLE, e.kind());
    // the connection is intact: the next call refreshes
    assertEquals(
        "1001", pco.me(vault.accessToken(expired.organizationId(), expired.personId())).personId());
  }

  @Test
  void noConnection_requiresAuthorization() {
    PcoIdentity who = newPerson();
    ReauthorizationRequired e =
        assertThrows(
            ReauthorizationRequired.class,
            () -> vault.accessToken(who.organizationId(), who.personId()));
    assertEquals(ReauthorizationRequired.Reason.NOT_CONNECTED, e.reason());
  }

  @Test
  void disconnect_revokesAtPco_thenDeletesTheItem() {
    PcoIdentity who = newPerson();
    TokenPair pair = fixture.pco.issueTokens();
    vault.store(who, tokens(pair, clock.instant().plusSeconds(7200)));

    PcoTokenVault.Disconnection result = vault.disconnect(who.organizationId(), who.personId());

    assertEquals(new PcoTokenVault.Disconnection(true, true), result);
    assertEquals(1, fixture.pco.revokeCalls().get());
    assertTrue(item(who).isEmpty());
    PcoException e = assertThrows(PcoException.class, () -> pco.refresh(pair.refreshToken()));
    assertEquals(PcoException.Kind.INVALID_GRANT, e.kind());
    assertEquals(
        PcoException.Kind.UNAUTHORIZED,
        assertThrows(PcoException.class, () -> pco.me(pair.accessToken())).kind());
  }

  @Test
  void disconnect_whenPcoIsDown_stillDeletes() {
    PcoIdentity who = newPerson();
    vault.store(who, tokens(fixture.pco.issueTokens(), clock.instant().plusSeconds(7200)));
    PcoClient unreachable =
        new PcoClient("http://127.0.0.1:9", "id", () -> "secret", Duration.ofMillis(500), clock);
    PcoTokenVault offline =
        new PcoTokenVault(
            dynamo,
            kms,
            config.tableName(),
            ((PcoTokenMode.Store) config.pcoTokenMode()).tokenKeyId(),
            unreachable,
            clock);

    assertEquals(
        new PcoTokenVault.Disconnection(true, false),
        offline.disconnect(who.organizationId(), who.personId()));
    assertTrue(item(who).isEmpty());
  }

  @Test
  void disconnect_unknownConnection_isNoop() {
    PcoIdentity who = newPerson();
    assertEquals(
        new PcoTokenVault.Disconnection(false, false),
        vault.disconnect(who.organizationId(), who.personId()));
    assertEquals(0, fixture.pco.revokeCalls().get());
  }

  @Test
  void revoke_unknownToken_isAccepted() {
    pco.revoke("0123456789abcdef");
    assertEquals(1, fixture.pco.revokeCalls().get());
  }

  @Test
  void exchange_refresh_me_againstTheSimulator() throws Exception {
    String code = fixture.authorizationCode();
    Instant before = clock.instant();
    PcoTokens tokens = pco.exchangeCode(code, PcoCompleteFixture.BASE_URL + "/oauth/pco/complete");
    assertFalse(tokens.toString().contains(tokens.accessToken()));
    assertTrue(
        Duration.between(before, tokens.expiresAt()).toSeconds() >= 7199
            && Duration.between(before, tokens.expiresAt()).toSeconds() <= 7201);
    assertEquals("people", tokens.scope());
    assertEquals(new PcoIdentity("2002", "1001", "Pat Example"), pco.me(tokens.accessToken()));
    PcoTokens refreshed = pco.refresh(tokens.refreshToken());
    assertNotEquals(tokens.refreshToken(), refreshed.refreshToken());
    // the old refresh token was rotated away
    assertEquals(
        PcoException.Kind.INVALID_GRANT,
        assertThrows(PcoException.class, () -> pco.refresh(tokens.refreshToken())).kind());
    assertEquals(
        PcoException.Kind.REJECTED,
        assertThrows(
                PcoException.class,
                () ->
                    new PcoClient(
                            fixture.pco.baseUrl(),
                            PcoCompleteFixture.PCO_CLIENT_ID,
                            () -> "wrong-secret",
                            Duration.ofSeconds(2),
                            clock)
                        .refresh(refreshed.refreshToken()))
            .kind());
  }
}
