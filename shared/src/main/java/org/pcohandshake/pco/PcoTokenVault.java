package org.pcohandshake.pco;

import static org.pcohandshake.store.Items.n;
import static software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure.ALL_OLD;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.PcoTokenMode;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.events.EventPublisher;
import org.pcohandshake.events.EventType;
import org.pcohandshake.json.Json;
import org.pcohandshake.log.Log;
import org.pcohandshake.metrics.Metrics;
import org.pcohandshake.pco.ReauthorizationRequired.Reason;
import org.pcohandshake.store.Items;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
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
 * pk=PCOCONN#org#person}, {@code sk=PCOCONN}) holds the ciphertext, the access token's expiry, a
 * version, the refresh lease, the needs-reauthorization flag with its reason and time, and what a
 * listing shows (the ids, when it was connected and last refreshed, the scopes); never a plaintext
 * token. Tokens are always read by primary key, strongly consistent. Listings read two indexes that
 * project no ciphertext: {@value #BY_ORGANIZATION} ({@code connOrg=PCOCONN#org}, by last refresh)
 * and {@value #BY_STATUS} ({@code connStatus=PCOCONN#healthy} or {@code
 * PCOCONN#reauthorization_required}, by last refresh), so that keep-alive reads only the healthy
 * connections idle the longest, and no listing scans the table.
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
  static final String REAUTH_REASON = "reauthReason";
  static final String REAUTH_AT = "reauthAt";
  static final String ORGANIZATION = "organizationId";
  static final String PERSON = "personId";
  static final String CONNECTED_AT = "connectedAt";
  static final String REFRESHED_AT = "refreshedAt";
  static final String SCOPES = "scopes";
  static final String BY_ORGANIZATION_KEY = "connOrg";
  static final String BY_STATUS_KEY = "connStatus";

  /** The index listing an organization's connections, most recently refreshed first. */
  public static final String BY_ORGANIZATION = "ConnectionsByOrganization";

  /** The index listing connections by status, least recently refreshed first. */
  public static final String BY_STATUS = "ConnectionsByStatus";

  /** The stored reason of a connection whose refresh PCO answered {@code invalid_grant}. */
  public static final String REASON_INVALID_GRANT = "invalid_grant";

  /** The stored reason of a connection whose freshly refreshed access token PCO answered 401. */
  public static final String REASON_UNAUTHORIZED_AFTER_REFRESH = "unauthorized_after_refresh";

  private static final String HEALTHY_PARTITION = PREFIX + "#" + PcoConnection.HEALTHY;
  private static final String REAUTH_PARTITION =
      PREFIX + "#" + PcoConnection.REAUTHORIZATION_REQUIRED;

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
  private final ConnectionListener listener;

  /** What {@link #disconnect} did. */
  public record Disconnection(boolean existed, boolean revokedAtPco) {}

  private record Snapshot(long version, PcoTokens tokens, boolean refreshedHere) {
    Snapshot(long version, PcoTokens tokens) {
      this(version, tokens, false);
    }
  }

  /** One page of a listing; {@code nextCursor} is empty on the last page. */
  public record Page(List<PcoConnection> connections, Optional<String> nextCursor) {
    public Page {
      connections = List.copyOf(connections);
    }
  }

  /** A listing cursor this vault did not issue (or for another listing). */
  public static final class BadCursor extends IllegalArgumentException {
    BadCursor() {
      super("not a cursor of this listing", null);
    }
  }

  /** What one keep-alive of a connection did. */
  public enum KeepAlive {
    /** Refreshed at PCO by this call. */
    REFRESHED,
    /** Not idle (any more): refreshed since it was listed, here or by another caller. */
    ALREADY_FRESH,
    /** PCO refused the refresh token: flagged (or already flagged). */
    REAUTHORIZATION_REQUIRED,
    /** Gone (disconnected or expired) since it was listed. */
    NOT_CONNECTED
  }

  private record Connection(
      String organizationId,
      String personId,
      Map<String, AttributeValue> key,
      Map<String, String> context) {}

  /**
   * The vault of a {@code store}-mode deployment ({@code PCO_TOKEN_KEY_ID}, {@code TABLE_NAME}),
   * publishing its connections' changes as EventBridge events ({@code EVENT_BUS_NAME}).
   *
   * @param dynamo the function's DynamoDB client (built once, shared with its other stores)
   */
  public static PcoTokenVault publishing(
      Config config,
      PcoTokenMode.Store store,
      AwsClients aws,
      DynamoDbClient dynamo,
      PcoClient pco,
      Clock clock) {
    return new PcoTokenVault(
        dynamo,
        aws.kms(),
        config.tableName(),
        store.tokenKeyId(),
        pco,
        clock,
        ConnectionListener.publishing(EventPublisher.from(config, aws, clock)));
  }

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
    this(dynamo, kms, table, keyId, pco, clock, ConnectionListener.NONE);
  }

  /**
   * @param listener told of connections created, healed, needing reauthorization, disconnected
   */
  public PcoTokenVault(
      DynamoDbClient dynamo,
      KmsClient kms,
      String table,
      String keyId,
      PcoClient pco,
      Clock clock,
      ConnectionListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
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
   * organization and person and clearing its needs-reauthorization flag: a connection that needed
   * reauthorization is healed ({@link EventType#CONNECTION_HEALED}), one that did not exist is
   * created ({@link EventType#CONNECTION_CREATED}).
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
    // what was there decides the event (best effort: two step 2s at once may both say created)
    Map<String, AttributeValue> before = read(connection);
    boolean existed = Items.live(before, now);
    boolean healing = existed && Items.bool(before, REAUTH);
    long connectedAt =
        existed
            ? Items.num(before, CONNECTED_AT).orElse(now.getEpochSecond())
            : now.getEpochSecond();
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":tok", AttributeValue.fromB(ciphertext));
    values.put(":ae", n(tokens.expiresAt().getEpochSecond()));
    values.put(":zero", n(0));
    values.put(":one", n(1));
    values.put(":false", AttributeValue.fromBool(false));
    values.put(":org", AttributeValue.fromS(connection.organizationId()));
    values.put(":person", AttributeValue.fromS(connection.personId()));
    values.put(":ca", n(connectedAt));
    values.put(":ra", n(now.getEpochSecond()));
    values.put(":sc", AttributeValue.fromS(tokens.scope()));
    values.put(":co", AttributeValue.fromS(PREFIX + "#" + connection.organizationId()));
    values.put(":cs", AttributeValue.fromS(HEALTHY_PARTITION));
    putLifetime(values, now);
    Update update =
        Update.builder()
            .tableName(table)
            .key(connection.key())
            .updateExpression(
                "SET #tok = :tok, #ae = :ae, #ver = if_not_exists(#ver, :zero) + :one,"
                    + " #re = :false, #exp = :exp, #ttl = :ttl, #org = :org, #person = :person,"
                    + " #ca = :ca, #ra = :ra, #sc = :sc, #co = :co, #cs = :cs"
                    + " REMOVE #lo, #lu, #rr, #rat")
            .expressionAttributeNames(
                names(
                    "#tok", "#ae", "#ver", "#re", "#exp", "#ttl", "#lo", "#lu", "#org", "#person",
                    "#ca", "#ra", "#sc", "#co", "#cs", "#rr", "#rat"))
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
    Log.info(
        Log.requestId(),
        "pco_connection_stored",
        with(
            ids(connection),
            "was",
            healing ? "reauthorization_required" : existed ? "healthy" : "absent"));
    if (healing) {
      Metrics.count(Metrics.Event.PcoConnectionHealed);
      changed(EventType.CONNECTION_HEALED, connection, Map.of());
    } else if (!existed) {
      Metrics.count(Metrics.Event.PcoConnectionCreated);
      changed(EventType.CONNECTION_CREATED, connection, Map.of());
    }
  }

  /**
   * A PCO access token for the connection, valid for at least {@link #REFRESH_MARGIN} when PCO
   * could be reached; refreshed (single flight) when it is closer to expiry.
   *
   * @throws ReauthorizationRequired when there is no usable connection
   * @throws PcoException {@code UNAVAILABLE} when a needed refresh could not be done
   */
  public String accessToken(String organizationId, String personId) {
    return token(organizationId, personId).accessToken();
  }

  /**
   * {@link #accessToken}, with its expiry and scopes: what may leave the stack (never the refresh
   * token).
   */
  public PcoAccessToken token(String organizationId, String personId) {
    PcoTokens tokens =
        current(connection(organizationId, personId), OptionalLong.empty(), Instant.MIN).tokens();
    return new PcoAccessToken(
        organizationId, personId, tokens.accessToken(), tokens.expiresAt(), scopes(tokens.scope()));
  }

  /**
   * The organization's connection to act as when the caller names no person: the healthy one most
   * recently refreshed (read from {@value #BY_ORGANIZATION}; its token is then read by key).
   *
   * @throws ReauthorizationRequired {@code NOT_CONNECTED} when the organization has no connection,
   *     {@code GRANT_REVOKED} (the most recently refreshed one's reason) when none is healthy
   */
  public String personFor(String organizationId) {
    connection(organizationId, "x");
    Map<String, AttributeValue> start = null;
    PcoConnection newestUnhealthy = null;
    do {
      QueryResponse page = byOrganization(organizationId, 25, start, false);
      for (Map<String, AttributeValue> item : page.items()) {
        PcoConnection listed = listed(item);
        if (listed.healthy()) {
          return listed.personId();
        }
        if (newestUnhealthy == null) {
          newestUnhealthy = listed;
        }
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    if (newestUnhealthy == null) {
      throw new ReauthorizationRequired(Reason.NOT_CONNECTED, organizationId, "");
    }
    throw new ReauthorizationRequired(
        Reason.GRANT_REVOKED,
        organizationId,
        newestUnhealthy.personId(),
        newestUnhealthy.reason().orElse(""),
        newestUnhealthy.since().orElse(null));
  }

  /** Whether an id is one the vault can store (PCO's ids are digits). */
  public static boolean storableId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  // ---- listings ------------------------------------------------------------------------------

  /**
   * One page of an organization's connections, most recently refreshed first.
   *
   * @param cursor the previous page's {@link Page#nextCursor()}
   * @throws BadCursor for a cursor this listing did not issue
   */
  public Page connections(String organizationId, int limit, Optional<String> cursor) {
    connection(organizationId, "x");
    Map<String, AttributeValue> start =
        cursor.map(c -> decodeCursor(c, "o", PREFIX + "#" + organizationId)).orElse(null);
    QueryResponse page = byOrganization(organizationId, limit, start, false);
    return page(page, "o");
  }

  /**
   * One page of every connection: the healthy ones, then those needing reauthorization, each by
   * last refresh (oldest first).
   *
   * @throws BadCursor for a cursor this listing did not issue
   */
  public Page connections(int limit, Optional<String> cursor) {
    String partition = HEALTHY_PARTITION;
    Map<String, AttributeValue> start = null;
    if (cursor.isPresent()) {
      String c = cursor.get();
      String kind = c.startsWith("r.") ? "r" : "h";
      partition = kind.equals("r") ? REAUTH_PARTITION : HEALTHY_PARTITION;
      start = c.endsWith(".") ? null : decodeCursor(c, kind, partition);
    }
    List<PcoConnection> found = new ArrayList<>();
    while (true) {
      QueryResponse page = byStatus(partition, Long.MAX_VALUE, limit - found.size(), start);
      page.items().forEach(item -> found.add(listed(item)));
      String kind = partition.equals(HEALTHY_PARTITION) ? "h" : "r";
      if (page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()) {
        if (found.size() >= limit) {
          return new Page(found, Optional.of(encodeCursor(kind, page.lastEvaluatedKey())));
        }
        start = page.lastEvaluatedKey();
        continue;
      }
      if (kind.equals("r")) {
        return new Page(found, Optional.empty());
      }
      partition = REAUTH_PARTITION;
      start = null;
      if (found.size() >= limit) {
        // the healthy ones fill this page: the next starts with those needing reauthorization
        return new Page(found, Optional.of("r."));
      }
    }
  }

  /**
   * Healthy connections last refreshed before {@code refreshedBefore}, the longest idle first, for
   * keep-alive ({@value #BY_STATUS}, eventually consistent: {@link #keepAlive} looks again).
   */
  public Page idle(Instant refreshedBefore, int limit, Optional<String> cursor) {
    Map<String, AttributeValue> start =
        cursor.map(c -> decodeCursor(c, "i", HEALTHY_PARTITION)).orElse(null);
    QueryResponse page =
        byStatus(HEALTHY_PARTITION, refreshedBefore.getEpochSecond() - 1, limit, start);
    return page(page, "i");
  }

  /**
   * Refreshes the connection when it was last refreshed before {@code refreshedBefore}, through the
   * same single-flight path as every other refresh: two keep-alives at once refresh it once.
   *
   * @throws PcoException {@code UNAVAILABLE} when PCO could not be reached
   */
  public KeepAlive keepAlive(String organizationId, String personId, Instant refreshedBefore) {
    try {
      Snapshot snapshot =
          current(connection(organizationId, personId), OptionalLong.empty(), refreshedBefore);
      return snapshot.refreshedHere() ? KeepAlive.REFRESHED : KeepAlive.ALREADY_FRESH;
    } catch (ReauthorizationRequired e) {
      return e.reason() == Reason.NOT_CONNECTED
          ? KeepAlive.NOT_CONNECTED
          : KeepAlive.REAUTHORIZATION_REQUIRED;
    }
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
    Snapshot used = current(connection, OptionalLong.empty(), Instant.MIN);
    try {
      return apiCall.apply(used.tokens().accessToken());
    } catch (PcoException e) {
      if (e.kind() != PcoException.Kind.UNAUTHORIZED) {
        throw e;
      }
      Log.info(Log.requestId(), "pco_token_rejected", ids(connection));
    }
    Snapshot retry = current(connection, OptionalLong.of(used.version()), Instant.MIN);
    try {
      return apiCall.apply(retry.tokens().accessToken());
    } catch (PcoException e) {
      if (e.kind() == PcoException.Kind.UNAUTHORIZED && retry.version() != used.version()) {
        // a token PCO issued a moment ago is refused too: the person's access is gone
        flagUnauthorized(connection, retry.version());
      }
      throw e;
    }
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
    Metrics.count(Metrics.Event.PcoConnectionDisconnected);
    changed(EventType.CONNECTION_DISCONNECTED, connection, Map.of("revoked_at_pco", revoked));
    return new Disconnection(true, revoked);
  }

  // ---- the refresh protocol ----------------------------------------------------------------

  /**
   * The current token, refreshed when near expiry, when {@code rejectedVersion} is the version in
   * the table (its access token got a 401), or when it was last refreshed before {@code
   * refreshedBefore} (keep-alive).
   */
  private Snapshot current(
      Connection connection, OptionalLong rejectedVersion, Instant refreshedBefore) {
    long waitUntil = System.nanoTime() + maxWait.toNanos();
    while (true) {
      Map<String, AttributeValue> item = usable(connection);
      long version = Items.num(item, VERSION).orElse(0L);
      Instant now = clock.instant();
      Instant accessExpiresAt =
          Instant.ofEpochSecond(Items.num(item, ACCESS_EXPIRES_AT).orElse(0L));
      boolean rejected = rejectedVersion.isPresent() && rejectedVersion.getAsLong() == version;
      boolean idle =
          Instant.ofEpochSecond(Items.num(item, REFRESHED_AT).orElse(0L)).isBefore(refreshedBefore);
      if (!rejected && !idle && accessExpiresAt.isAfter(now.plus(REFRESH_MARGIN))) {
        return new Snapshot(version, decrypt(connection, item));
      }
      long leaseUntil = Items.num(item, LEASE_UNTIL).orElse(0L);
      if (leaseUntil < now.toEpochMilli()) {
        String owner = Tokens.id();
        if (acquire(connection, version, owner, now)) {
          Optional<Snapshot> refreshed =
              refreshHolding(connection, item, version, owner, rejected || idle);
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
        Instant flaggedAt = clock.instant();
        if (flag(connection, version, owner, REASON_INVALID_GRANT, flaggedAt)) {
          throw new ReauthorizationRequired(
              Reason.GRANT_REVOKED,
              connection.organizationId(),
              connection.personId(),
              REASON_INVALID_GRANT,
              flaggedAt);
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
      if (commit(connection, version, encrypt(connection, fresh), fresh)) {
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
    return Optional.of(new Snapshot(version + 1, fresh, true));
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
      Connection connection, long version, SdkBytes ciphertext, PcoTokens fresh) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":tok", AttributeValue.fromB(ciphertext));
    values.put(":ae", n(fresh.expiresAt().getEpochSecond()));
    values.put(":ra", n(clock.instant().getEpochSecond()));
    values.put(":org", AttributeValue.fromS(connection.organizationId()));
    values.put(":person", AttributeValue.fromS(connection.personId()));
    values.put(":co", AttributeValue.fromS(PREFIX + "#" + connection.organizationId()));
    // only an unflagged connection is refreshed (taking the lease requires it)
    values.put(":cs", AttributeValue.fromS(HEALTHY_PARTITION));
    values.put(":v", n(version));
    values.put(":one", n(1));
    if (!fresh.scope().isEmpty()) {
      values.put(":sc", AttributeValue.fromS(fresh.scope()));
    }
    putLifetime(values, clock.instant());
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(connection.key())
                  // the ids and index keys too: a connection stored before they existed joins
                  // the listings (and keep-alive's reach) at its first refresh
                  .updateExpression(
                      "SET #tok = :tok, #ae = :ae, #ver = #ver + :one, #exp = :exp, #ttl = :ttl,"
                          + " #ra = :ra, #org = :org, #person = :person, #co = :co, #cs = :cs,"
                          + " #ca = if_not_exists(#ca, :ra)"
                          + (fresh.scope().isEmpty() ? "" : ", #sc = :sc")
                          + " REMOVE #lo, #lu")
                  .conditionExpression("#ver = :v")
                  .expressionAttributeNames(
                      names(fresh.scope().isEmpty() ? COMMITTED : COMMITTED_WITH_SCOPE))
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
  private boolean flag(
      Connection connection, long version, String owner, String reason, Instant at) {
    return flag(connection, version, Optional.of(owner), reason, at);
  }

  /**
   * Flags the connection after PCO refused a token it had just issued (a 401 after a refresh), on
   * the version that refresh stored.
   */
  private void flagUnauthorized(Connection connection, long version) {
    flag(connection, version, Optional.empty(), REASON_UNAUTHORIZED_AFTER_REFRESH, clock.instant());
  }

  /**
   * Sets the needs-reauthorization flag with its reason and time, moves the connection to the
   * {@code reauthorization_required} listing, and tells the listener once: only the write that
   * flips the flag (on the version seen, still unflagged) reports it.
   */
  private boolean flag(
      Connection connection, long version, Optional<String> owner, String reason, Instant at) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":true", AttributeValue.fromBool(true));
    values.put(":false", AttributeValue.fromBool(false));
    values.put(":v", n(version));
    values.put(":one", n(1));
    values.put(":rr", AttributeValue.fromS(reason));
    values.put(":rat", n(at.getEpochSecond()));
    values.put(":cs", AttributeValue.fromS(REAUTH_PARTITION));
    owner.ifPresent(o -> values.put(":owner", AttributeValue.fromS(o)));
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(connection.key())
                  .updateExpression(
                      "SET #re = :true, #ver = #ver + :one, #rr = :rr, #rat = :rat, #cs = :cs"
                          + " REMOVE #lu, #lo")
                  .conditionExpression(
                      "#ver = :v AND #re = :false" + (owner.isPresent() ? " AND #lo = :owner" : ""))
                  .expressionAttributeNames(
                      names("#re", "#ver", "#lu", "#lo", "#rr", "#rat", "#cs"))
                  .expressionAttributeValues(values));
    } catch (ConditionalCheckFailedException changed) {
      return false;
    }
    Log.warn(
        Log.requestId(), "pco_reauthorization_required", with(ids(connection), "reason", reason));
    Metrics.count(Metrics.Event.PcoConnectionLost);
    changed(
        EventType.CONNECTION_REAUTHORIZATION_REQUIRED,
        connection,
        Map.of("reason", reason, "since", at.toString()));
    return true;
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
          Reason.GRANT_REVOKED,
          connection.organizationId(),
          connection.personId(),
          Items.str(item, REAUTH_REASON),
          Items.num(item, REAUTH_AT).map(Instant::ofEpochSecond).orElse(null));
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
      Map.ofEntries(
          Map.entry("#tok", TOKENS),
          Map.entry("#ae", ACCESS_EXPIRES_AT),
          Map.entry("#ver", VERSION),
          Map.entry("#exp", Items.EXPIRES_AT),
          Map.entry("#ttl", Items.TTL),
          Map.entry("#lo", LEASE_OWNER),
          Map.entry("#lu", LEASE_UNTIL),
          Map.entry("#re", REAUTH),
          Map.entry("#rr", REAUTH_REASON),
          Map.entry("#rat", REAUTH_AT),
          Map.entry("#org", ORGANIZATION),
          Map.entry("#person", PERSON),
          Map.entry("#ca", CONNECTED_AT),
          Map.entry("#ra", REFRESHED_AT),
          Map.entry("#sc", SCOPES),
          Map.entry("#co", BY_ORGANIZATION_KEY),
          Map.entry("#cs", BY_STATUS_KEY));

  /** The names a refresh's write uses, without and with the granted scope. */
  private static final String[] COMMITTED = {
    "#tok", "#ae", "#ver", "#exp", "#ttl", "#lo", "#lu", "#ra", "#org", "#person", "#co", "#cs",
    "#ca"
  };

  private static final String[] COMMITTED_WITH_SCOPE =
      java.util.stream.Stream.concat(
              java.util.Arrays.stream(COMMITTED), java.util.stream.Stream.of("#sc"))
          .toArray(String[]::new);

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

  private void changed(EventType type, Connection connection, Map<String, ?> details) {
    try {
      listener.changed(type, connection.organizationId(), connection.personId(), details);
    } catch (RuntimeException e) {
      Log.error(Log.requestId(), "connection_listener_failed", e);
    }
  }

  private QueryResponse byOrganization(
      String organizationId, int limit, Map<String, AttributeValue> start, boolean oldestFirst) {
    return dynamo.query(
        r ->
            r.tableName(table)
                .indexName(BY_ORGANIZATION)
                .keyConditionExpression("#co = :co")
                .expressionAttributeNames(names("#co"))
                .expressionAttributeValues(
                    Map.of(":co", AttributeValue.fromS(PREFIX + "#" + organizationId)))
                .scanIndexForward(oldestFirst)
                .limit(limit)
                .exclusiveStartKey(start));
  }

  private QueryResponse byStatus(
      String partition, long refreshedAtMost, int limit, Map<String, AttributeValue> start) {
    return dynamo.query(
        r ->
            r.tableName(table)
                .indexName(BY_STATUS)
                .keyConditionExpression("#cs = :cs AND #ra <= :ra")
                .expressionAttributeNames(names("#cs", "#ra"))
                .expressionAttributeValues(
                    Map.of(":cs", AttributeValue.fromS(partition), ":ra", n(refreshedAtMost)))
                .scanIndexForward(true)
                .limit(Math.max(1, limit))
                .exclusiveStartKey(start));
  }

  private Page page(QueryResponse response, String kind) {
    List<PcoConnection> found = new ArrayList<>();
    response.items().forEach(item -> found.add(listed(item)));
    Optional<String> next =
        response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
            ? Optional.of(encodeCursor(kind, response.lastEvaluatedKey()))
            : Optional.empty();
    return new Page(found, next);
  }

  /** A listed item (from an index that projects no ciphertext). */
  private static PcoConnection listed(Map<String, AttributeValue> item) {
    boolean reauth = Items.bool(item, REAUTH);
    return new PcoConnection(
        Items.str(item, ORGANIZATION),
        Items.str(item, PERSON),
        reauth ? PcoConnection.REAUTHORIZATION_REQUIRED : PcoConnection.HEALTHY,
        Instant.ofEpochSecond(Items.num(item, CONNECTED_AT).orElse(0L)),
        Instant.ofEpochSecond(Items.num(item, REFRESHED_AT).orElse(0L)),
        scopes(Items.str(item, SCOPES)),
        reauth ? Optional.of(Items.str(item, REAUTH_REASON)) : Optional.empty(),
        reauth ? Items.num(item, REAUTH_AT).map(Instant::ofEpochSecond) : Optional.empty());
  }

  private static List<String> scopes(String scope) {
    return scope.isBlank() ? List.of() : List.of(scope.trim().split("\\s+"));
  }

  /** The cursor attributes: an index's keys and the table's. */
  private static final List<String> CURSOR_STRINGS =
      List.of(Items.PK, Items.SK, BY_ORGANIZATION_KEY, BY_STATUS_KEY);

  /**
   * An opaque cursor: the listing's kind and its last evaluated key (ids and a time, nothing
   * secret), base64url JSON.
   */
  private static String encodeCursor(String kind, Map<String, AttributeValue> key) {
    Map<String, Object> json = new LinkedHashMap<>();
    for (String name : CURSOR_STRINGS) {
      if (key.containsKey(name)) {
        json.put(name, key.get(name).s());
      }
    }
    Items.num(key, REFRESHED_AT).ifPresent(v -> json.put(REFRESHED_AT, v));
    return kind
        + "."
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(Json.write(json).getBytes(StandardCharsets.UTF_8));
  }

  /** A cursor's key, checked to belong to the listing's own partition. */
  private static Map<String, AttributeValue> decodeCursor(
      String cursor, String kind, String partition) {
    try {
      if (!cursor.startsWith(kind + ".")) {
        throw new BadCursor();
      }
      Map<String, Object> json =
          Json.parseObject(
              new String(
                  Base64.getUrlDecoder().decode(cursor.substring(kind.length() + 1)),
                  StandardCharsets.UTF_8));
      Map<String, AttributeValue> key = new HashMap<>();
      for (String name : CURSOR_STRINGS) {
        if (json.get(name) instanceof String value) {
          if (!value.startsWith(PREFIX)) {
            throw new BadCursor();
          }
          key.put(name, AttributeValue.fromS(value));
        }
      }
      if (!(json.get(REFRESHED_AT) instanceof Long refreshedAt)
          || json.size() != key.size() + 1
          || !key.containsKey(Items.PK)
          || !(partition.equals(Items.str(key, BY_ORGANIZATION_KEY))
              || partition.equals(Items.str(key, BY_STATUS_KEY)))) {
        throw new BadCursor();
      }
      key.put(REFRESHED_AT, n(refreshedAt));
      return key;
    } catch (BadCursor e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BadCursor();
    }
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
