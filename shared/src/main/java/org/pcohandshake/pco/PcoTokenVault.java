package org.pcohandshake.pco;

import static org.pcohandshake.store.Items.n;
import static software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure.ALL_OLD;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.log.Log;
import org.pcohandshake.pco.ReauthorizationRequired.Reason;
import org.pcohandshake.store.Items;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * Stored Planning Center connections, one per organization and person, for the integrator's
 * functions that call PCO's API.
 *
 * <p>The token pair is encrypted with the KMS symmetric key before it reaches DynamoDB, under an
 * encryption context that names the connection ({@code purpose}, {@code organization}, {@code
 * person}), so a ciphertext copied to another row does not decrypt. The item ({@code
 * pk=PCOCONN#org#person}, {@code sk=PCOCONN}) holds only the ciphertext, the access token's expiry,
 * a version, the refresh lease and the needs-reauthorization flag; never a plaintext token.
 *
 * <p>Refreshing is single flight across Lambdas: the caller that wins a conditional update on the
 * version and an expired (or absent) lease refreshes at PCO and writes the rotated pair with the
 * next version; the others poll, bounded, until the version changes and use the new token. PCO
 * rotates refresh tokens, so two refreshes with one refresh token would lock the connection out.
 */
public final class PcoTokenVault {

  static final String PREFIX = "PCOCONN";
  static final String TOKENS = "tokens";
  static final String ACCESS_EXPIRES_AT = "accessExp";
  static final String VERSION = "version";
  static final String LEASE_OWNER = "leaseOwner";
  static final String LEASE_UNTIL = "leaseUntil";
  static final String REAUTH = "reauth";

  /** Access tokens are refreshed when they expire within this (PCO's own example uses 300 s). */
  public static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

  /**
   * How long an unused connection is kept: past any refresh token's life (PCO documents about 90
   * days, formerly a year). Every refresh extends it; DynamoDB's TTL removes dead connections.
   */
  static final Duration CONNECTION_LIFETIME = Duration.ofDays(366);

  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final DynamoDbClient dynamo;
  private final KmsClient kms;
  private final String table;
  private final String keyId;
  private final PcoClient pco;
  private final Clock clock;
  private final Duration lease;
  private final Duration maxWait;

  /** What {@link #disconnect} did. */
  public record Disconnection(boolean existed, boolean revokedAtPco) {}

  private record Snapshot(long version, PcoTokens tokens) {}

  private record Connection(
      String organizationId,
      String personId,
      Map<String, AttributeValue> key,
      Map<String, String> context) {}

  /**
   * @param keyId the KMS symmetric key ({@code PCO_TOKEN_KEY_ID}: id, ARN or alias)
   * @param pco the client that refreshes and revokes
   */
  public PcoTokenVault(
      DynamoDbClient dynamo,
      KmsClient kms,
      String table,
      String keyId,
      PcoClient pco,
      Clock clock) {
    this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
    this.kms = Objects.requireNonNull(kms, "kms");
    this.table = Objects.requireNonNull(table, "table");
    this.keyId = Objects.requireNonNull(keyId, "keyId");
    this.pco = Objects.requireNonNull(pco, "pco");
    this.clock = Objects.requireNonNull(clock, "clock");
    // the holder decrypts, refreshes at PCO, encrypts and writes: room for a slow PCO and KMS
    this.lease = pco.maxCallDuration().plusSeconds(8);
    // waiters give up sooner than the holder's lease, so a request stays inside API Gateway's 30 s
    this.maxWait = pco.timeout().multipliedBy(2).plusSeconds(2);
  }

  /**
   * Stores a new connection (after the code exchange), replacing any earlier one for the same
   * organization and person and clearing its needs-reauthorization flag.
   */
  public void store(PcoIdentity identity, PcoTokens tokens) {
    store(identity, tokens, new TransactWriteItem[0]);
  }

  /**
   * {@link #store(PcoIdentity, PcoTokens)} in one transaction with other writes (step 2 stores the
   * link cookie's record with it), so that either both are stored or neither is.
   */
  public void store(PcoIdentity identity, PcoTokens tokens, TransactWriteItem... with) {
    Connection connection = connection(identity.organizationId(), identity.personId());
    SdkBytes ciphertext = encrypt(connection, tokens);
    Instant now = clock.instant();
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":tok", AttributeValue.fromB(ciphertext));
    values.put(":ae", n(tokens.expiresAt().getEpochSecond()));
    values.put(":zero", n(0));
    values.put(":one", n(1));
    values.put(":false", AttributeValue.fromBool(false));
    putLifetime(values, now);
    Update update =
        Update.builder()
            .tableName(table)
            .key(connection.key())
            .updateExpression(
                "SET #tok = :tok, #ae = :ae, #ver = if_not_exists(#ver, :zero) + :one,"
                    + " #re = :false, #exp = :exp, #ttl = :ttl REMOVE #lo, #lu")
            .expressionAttributeNames(
                names("#tok", "#ae", "#ver", "#re", "#exp", "#ttl", "#lo", "#lu"))
            .expressionAttributeValues(values)
            .build();
    if (with.length == 0) {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(update.key())
                  .updateExpression(update.updateExpression())
                  .expressionAttributeNames(update.expressionAttributeNames())
                  .expressionAttributeValues(update.expressionAttributeValues()));
    } else {
      TransactWriteItem[] items = new TransactWriteItem[with.length + 1];
      items[0] = TransactWriteItem.builder().update(update).build();
      System.arraycopy(with, 0, items, 1, with.length);
      dynamo.transactWriteItems(r -> r.transactItems(items));
    }
    Log.info(Log.requestId(), "pco_connection_stored", ids(connection));
  }

  /**
   * A PCO access token for the connection, valid for at least {@link #REFRESH_MARGIN} when PCO
   * could be reached; refreshed (single flight) when it is closer to expiry.
   *
   * @throws ReauthorizationRequired when there is no usable connection
   * @throws PcoException {@code UNAVAILABLE} when a needed refresh could not be done
   */
  public String accessToken(String organizationId, String personId) {
    return current(connection(organizationId, personId), OptionalLong.empty())
        .tokens()
        .accessToken();
  }

  /**
   * Runs a call to PCO's API with the connection's access token. When the call throws a {@link
   * PcoException} of kind {@code UNAUTHORIZED} (PCO answered 401, as {@link PcoClient#me} does),
   * the token is refreshed (unless another caller already did) and the call is made once more; a
   * second 401 is thrown.
   *
   * @throws ReauthorizationRequired when there is no usable connection
   */
  public <R> R call(String organizationId, String personId, Function<String, R> apiCall) {
    Connection connection = connection(organizationId, personId);
    Snapshot used = current(connection, OptionalLong.empty());
    try {
      return apiCall.apply(used.tokens().accessToken());
    } catch (PcoException e) {
      if (e.kind() != PcoException.Kind.UNAUTHORIZED) {
        throw e;
      }
      Log.info(Log.requestId(), "pco_token_rejected", ids(connection));
    }
    Snapshot retry = current(connection, OptionalLong.of(used.version()));
    return apiCall.apply(retry.tokens().accessToken());
  }

  /**
   * Revokes the refresh token at PCO (best effort: a PCO failure is logged, not thrown), then
   * deletes the connection.
   */
  public Disconnection disconnect(String organizationId, String personId) {
    Connection connection = connection(organizationId, personId);
    Map<String, AttributeValue> item = read(connection);
    if (item == null || item.isEmpty()) {
      return new Disconnection(false, false);
    }
    boolean revoked = false;
    try {
      PcoTokens tokens = decrypt(connection, item);
      if (!tokens.refreshToken().isEmpty()) {
        pco.revoke(tokens.refreshToken());
        revoked = true;
      }
    } catch (PcoException | ReauthorizationRequired e) {
      Log.warn(
          Log.requestId(),
          "pco_revoke_failed",
          with(ids(connection), "reason", e.getClass().getSimpleName()));
    }
    dynamo.deleteItem(r -> r.tableName(table).key(connection.key()));
    Log.info(Log.requestId(), "pco_connection_deleted", with(ids(connection), "revoked", revoked));
    return new Disconnection(true, revoked);
  }

  // ---- the refresh protocol ----------------------------------------------------------------

  /**
   * The current token, refreshed when near expiry, or when {@code rejectedVersion} is the version
   * in the table (its access token got a 401).
   */
  private Snapshot current(Connection connection, OptionalLong rejectedVersion) {
    long waitUntil = System.nanoTime() + maxWait.toNanos();
    while (true) {
      Map<String, AttributeValue> item = usable(connection);
      long version = Items.num(item, VERSION).orElse(0L);
      Instant now = clock.instant();
      Instant accessExpiresAt =
          Instant.ofEpochSecond(Items.num(item, ACCESS_EXPIRES_AT).orElse(0L));
      boolean rejected = rejectedVersion.isPresent() && rejectedVersion.getAsLong() == version;
      if (!rejected && accessExpiresAt.isAfter(now.plus(REFRESH_MARGIN))) {
        return new Snapshot(version, decrypt(connection, item));
      }
      long leaseUntil = Items.num(item, LEASE_UNTIL).orElse(0L);
      if (leaseUntil < now.toEpochMilli()) {
        String owner = Tokens.id();
        if (acquire(connection, version, owner, now)) {
          Optional<Snapshot> refreshed = refreshHolding(connection, item, version, owner, rejected);
          if (refreshed.isPresent()) {
            return refreshed.get();
          }
          continue;
        }
      }
      // another caller is refreshing: wait for the version to change
      if (System.nanoTime() > waitUntil) {
        if (!rejected && accessExpiresAt.isAfter(now)) {
          Log.warn(Log.requestId(), "pco_refresh_wait_timeout_using_current", ids(connection));
          return new Snapshot(version, decrypt(connection, item));
        }
        throw new PcoException(PcoException.Kind.UNAVAILABLE, "refresh", 0);
      }
      pause();
    }
  }

  /** Refreshes while holding the lease. Empty when the connection changed under us (look again). */
  private Optional<Snapshot> refreshHolding(
      Connection connection,
      Map<String, AttributeValue> item,
      long version,
      String owner,
      boolean rejected) {
    PcoTokens old;
    try {
      old = decrypt(connection, item);
    } catch (RuntimeException e) {
      release(connection, owner);
      throw e;
    }
    PcoTokens fresh;
    try {
      fresh = pco.refresh(old.refreshToken());
    } catch (PcoException e) {
      if (e.kind() == PcoException.Kind.INVALID_GRANT) {
        if (flag(connection, version, owner)) {
          Log.warn(Log.requestId(), "pco_reauthorization_required", ids(connection));
          throw new ReauthorizationRequired(
              Reason.GRANT_REVOKED, connection.organizationId(), connection.personId());
        }
        return Optional.empty();
      }
      release(connection, owner);
      if (!rejected && old.expiresAt().isAfter(clock.instant())) {
        // refreshing early failed, but the current token has minutes left: use it
        Log.warn(
            Log.requestId(),
            "pco_refresh_failed_using_current",
            with(ids(connection), "kind", e.kind()));
        return Optional.of(new Snapshot(version, old));
      }
      throw e;
    } catch (RuntimeException e) {
      release(connection, owner);
      throw e;
    }
    if (fresh.refreshToken().isEmpty()) {
      fresh = fresh.withRefreshToken(old.refreshToken());
    }
    try {
      if (commit(connection, version, encrypt(connection, fresh), fresh.expiresAt())) {
        Log.info(
            Log.requestId(), "pco_token_refreshed", with(ids(connection), "version", version + 1));
      } else {
        // the connection was stored again meanwhile; this pair is valid but not kept
        Log.warn(Log.requestId(), "pco_token_refresh_superseded", ids(connection));
      }
    } catch (RuntimeException e) {
      // PCO has rotated the refresh token, and the new one could not be stored
      Log.error(Log.requestId(), "pco_rotated_token_not_stored", e);
      release(connection, owner);
      throw e;
    }
    return Optional.of(new Snapshot(version + 1, fresh));
  }

  private boolean acquire(Connection connection, long version, String owner, Instant now) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":owner", AttributeValue.fromS(owner));
    values.put(":until", n(now.plus(lease).toEpochMilli()));
    values.put(":now", n(now.toEpochMilli()));
    values.put(":v", n(version));
    values.put(":false", AttributeValue.fromBool(false));
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(connection.key())
                  .updateExpression("SET #lo = :owner, #lu = :until")
                  .conditionExpression(
                      "#ver = :v AND #re = :false AND (attribute_not_exists(#lu) OR #lu < :now)")
                  .expressionAttributeNames(names("#lo", "#lu", "#ver", "#re"))
                  .expressionAttributeValues(values)
                  .returnValuesOnConditionCheckFailure(ALL_OLD));
      return true;
    } catch (ConditionalCheckFailedException lost) {
      // The SDK's retry of an attempt that took the lease after the SDK had given up on its answer
      // finds the lease held by this very owner (a new random id per attempt to take it).
      return lost.hasItem() && owner.equals(Items.str(lost.item(), LEASE_OWNER));
    }
  }

  /** Writes the refreshed pair: conditioned on the version only, so a late holder still lands. */
  private boolean commit(
      Connection connection, long version, SdkBytes ciphertext, Instant accessExpiresAt) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":tok", AttributeValue.fromB(ciphertext));
    values.put(":ae", n(accessExpiresAt.getEpochSecond()));
    values.put(":v", n(version));
    values.put(":one", n(1));
    putLifetime(values, clock.instant());
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(connection.key())
                  .updateExpression(
                      "SET #tok = :tok, #ae = :ae, #ver = #ver + :one, #exp = :exp, #ttl = :ttl"
                          + " REMOVE #lo, #lu")
                  .conditionExpression("#ver = :v")
                  .expressionAttributeNames(
                      names("#tok", "#ae", "#ver", "#exp", "#ttl", "#lo", "#lu"))
                  .expressionAttributeValues(values)
                  .returnValuesOnConditionCheckFailure(ALL_OLD));
      return true;
    } catch (ConditionalCheckFailedException superseded) {
      // The SDK's retry of an attempt that was written after the SDK had given up on its answer
      // finds this very ciphertext stored (KMS ciphertexts are never equal for two encryptions).
      return superseded.hasItem()
          && superseded.item().containsKey(TOKENS)
          && ciphertext.equals(superseded.item().get(TOKENS).b());
    }
  }

  /**
   * Flags the connection after {@code invalid_grant}, only while still holding the lease on the
   * same version (an {@code invalid_grant} caused by someone else's refresh is not a revocation).
   */
  private boolean flag(Connection connection, long version, String owner) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":true", AttributeValue.fromBool(true));
    values.put(":v", n(version));
    values.put(":one", n(1));
    values.put(":owner", AttributeValue.fromS(owner));
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(connection.key())
                  .updateExpression("SET #re = :true, #ver = #ver + :one REMOVE #lu, #lo")
                  .conditionExpression("#ver = :v AND #lo = :owner")
                  .expressionAttributeNames(names("#re", "#ver", "#lu", "#lo"))
                  .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException changed) {
      return false;
    }
  }

  /** Gives the lease up early (best effort: it expires anyway). */
  private void release(Connection connection, String owner) {
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(connection.key())
                  .updateExpression("REMOVE #lu, #lo")
                  .conditionExpression("#lo = :owner")
                  .expressionAttributeNames(names("#lu", "#lo"))
                  .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner))));
    } catch (SdkException e) {
      // the lease expires by itself
    }
  }

  // ---- items and encryption ----------------------------------------------------------------

  private Map<String, AttributeValue> read(Connection connection) {
    return dynamo
        .getItem(r -> r.tableName(table).key(connection.key()).consistentRead(true))
        .item();
  }

  /** The item, or the reason it cannot be used. */
  private Map<String, AttributeValue> usable(Connection connection) {
    Map<String, AttributeValue> item = read(connection);
    if (!Items.live(item, clock.instant())) {
      throw new ReauthorizationRequired(
          Reason.NOT_CONNECTED, connection.organizationId(), connection.personId());
    }
    if (Items.bool(item, REAUTH)) {
      throw new ReauthorizationRequired(
          Reason.GRANT_REVOKED, connection.organizationId(), connection.personId());
    }
    return item;
  }

  private SdkBytes encrypt(Connection connection, PcoTokens tokens) {
    return kms.encrypt(
            r ->
                r.keyId(keyId)
                    .plaintext(SdkBytes.fromString(tokens.toJson(), StandardCharsets.UTF_8))
                    .encryptionContext(connection.context()))
        .ciphertextBlob();
  }

  private PcoTokens decrypt(Connection connection, Map<String, AttributeValue> item) {
    AttributeValue blob = item.get(TOKENS);
    try {
      if (blob == null || blob.b() == null) {
        throw new IllegalArgumentException("no ciphertext");
      }
      SdkBytes plaintext =
          kms.decrypt(
                  r ->
                      r.keyId(keyId)
                          .ciphertextBlob(blob.b())
                          .encryptionContext(connection.context()))
              .plaintext();
      return PcoTokens.fromJson(plaintext.asString(StandardCharsets.UTF_8));
    } catch (InvalidCiphertextException | IncorrectKeyException | IllegalArgumentException e) {
      Log.warn(Log.requestId(), "pco_token_undecryptable", ids(connection));
      throw new ReauthorizationRequired(
          Reason.UNREADABLE, connection.organizationId(), connection.personId());
    }
  }

  private static Connection connection(String organizationId, String personId) {
    if (organizationId == null
        || personId == null
        || !ID.matcher(organizationId).matches()
        || !ID.matcher(personId).matches()) {
      throw new IllegalArgumentException("organization and person ids must be plain ids");
    }
    return new Connection(
        organizationId,
        personId,
        Items.key(PREFIX, organizationId + "#" + personId),
        Map.of("purpose", "pco-token", "organization", organizationId, "person", personId));
  }

  private static final Map<String, String> NAMES =
      Map.of(
          "#tok", TOKENS,
          "#ae", ACCESS_EXPIRES_AT,
          "#ver", VERSION,
          "#exp", Items.EXPIRES_AT,
          "#ttl", Items.TTL,
          "#lo", LEASE_OWNER,
          "#lu", LEASE_UNTIL,
          "#re", REAUTH);

  /** Expression attribute names (DynamoDB refuses names an expression does not use). */
  private static Map<String, String> names(String... placeholders) {
    Map<String, String> names = new HashMap<>();
    for (String placeholder : placeholders) {
      names.put(placeholder, NAMES.get(placeholder));
    }
    return names;
  }

  private static void putLifetime(Map<String, AttributeValue> values, Instant now) {
    long expiresAt = now.plus(CONNECTION_LIFETIME).getEpochSecond();
    values.put(":exp", n(expiresAt));
    // like Items.item: kept a day past its own expiry before DynamoDB deletes it
    values.put(":ttl", n(expiresAt + 86_400));
  }

  private static Map<String, Object> ids(Connection connection) {
    Map<String, Object> fields = new HashMap<>();
    fields.put("organization", connection.organizationId());
    fields.put("person", connection.personId());
    return fields;
  }

  private static Map<String, Object> with(Map<String, Object> fields, String name, Object value) {
    fields.put(name, value);
    return fields;
  }

  private static void pause() {
    long jitter = ThreadLocalRandom.current().nextLong(50);
    try {
      Thread.sleep(POLL_INTERVAL.toMillis() + jitter);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PcoException(PcoException.Kind.UNAVAILABLE, "refresh", 0, e);
    }
  }
}
