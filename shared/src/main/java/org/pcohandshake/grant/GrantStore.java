package org.pcohandshake.grant;

import static org.pcohandshake.store.Items.item;
import static org.pcohandshake.store.Items.key;
import static org.pcohandshake.store.Items.n;
import static org.pcohandshake.store.Items.num;
import static org.pcohandshake.store.Items.s;
import static org.pcohandshake.store.Items.str;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.crypto.TokenHash;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.store.Items;
import org.pcohandshake.store.StoreFailures;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Codes, grants and refresh tokens. Every single-use or rotation step is one conditional write or
 * transaction, never read-then-write, so concurrent requests cannot both win and a failure half-way
 * leaves nothing behind.
 */
public final class GrantStore {

  static final String CODE = "CODE";
  static final String GRANT = "GRANT";
  static final String REFRESH = "REFRESH";

  /**
   * A user's offboarding: {@code USEREND#<sha256(user id)>} (a hash: a user id may be longer than a
   * key holds), with {@value #ENDED_AT}. A code whose session was opened at or before it does not
   * redeem.
   */
  static final String USER_END = "USEREND";

  /** On a user's offboarding: when (epoch seconds), the latest one. */
  static final String ENDED_AT = "endedAt";

  /** On a code: when the session that approved it was opened (epoch seconds). */
  static final String LOGIN_AT = "loginAt";

  /**
   * How long an offboarding is kept: past the longest session opened before it ({@code
   * SESSION_TTL_SECONDS} at most a day) and any code it approved.
   */
  static final Duration USER_END_LIFETIME = Duration.ofDays(2);

  /** Attempts of a revocation that meets a transaction in flight on the grant. */
  static final int REVOKE_ATTEMPTS = 4;

  /**
   * On a code, a grant and each refresh token: the grant's custom claims as their JSON text, copied
   * from item to item unchanged.
   */
  static final String CLAIMS = "claims";

  /** On a grant: when the code was redeemed (epoch seconds). */
  static final String CREATED_AT = "createdAt";

  /** On a grant: when one of its refresh tokens was last exchanged (epoch seconds). */
  static final String LAST_REFRESHED_AT = "lastRefreshedAt";

  /** On a revoked grant: when, and why ({@value #REVOKED_FOR}). */
  static final String REVOKED_AT = "revokedAt";

  static final String REVOKED_FOR = "revokedFor";

  /** On a rotated refresh token: the hash of its successor. */
  static final String SUCCESSOR = "successor";

  /** On a handle handed out by a repeat inside the grace window: the token whose place it holds. */
  static final String SAME_AS = "sameAs";

  private final DynamoDbClient dynamo;
  private final String table;
  private final Clock clock;

  public GrantStore(DynamoDbClient dynamo, String table, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.clock = clock;
  }

  /** The outcome of redeeming a code. */
  public sealed interface Redemption {
    /** The code was consumed and the grant and first refresh token written. */
    record Redeemed() implements Redemption {}

    /** Someone redeemed it first (or it expired meanwhile). */
    record AlreadyRedeemed() implements Redemption {}

    /**
     * The user was offboarded at or after the approving session's login: nothing written, the code
     * stays unredeemed.
     */
    record UserEnded() implements Redemption {}
  }

  /** The outcome of renewing a refresh token. */
  public sealed interface Rotation {
    /**
     * The new token was written: the successor of a current token, or, for a token rotated inside
     * the grace window, a second handle on the successor it was rotated to.
     */
    record Rotated() implements Rotation {}

    /** A concurrent request rotated the token meanwhile: read it again and renew what it is now. */
    record Raced() implements Rotation {}

    /** The grant was revoked or ended meanwhile. */
    record GrantGone() implements Rotation {}

    /** The family has moved past this token: its successor has been rotated too. */
    record Reused() implements Rotation {}
  }

  /** The put of a new, unredeemed code, for the transaction that also consumes the consent. */
  public TransactWriteItem putCode(TokenHash codeHash, AuthorizationCode code) {
    Map<String, AttributeValue> record = item(CODE, codeHash.value(), code.expiresAt());
    writeGrantFields(record, code.grant());
    record.put("redirectUri", s(code.redirectUri()));
    record.put("challenge", s(code.codeChallenge()));
    record.put(LOGIN_AT, n(code.loginAt().getEpochSecond()));
    return TransactWriteItem.builder()
        .put(
            Put.builder()
                .tableName(table)
                .item(record)
                .conditionExpression("attribute_not_exists(pk)")
                .build())
        .build();
  }

  public Optional<AuthorizationCode> findCode(TokenHash codeHash) {
    Map<String, AttributeValue> found =
        dynamo
            .getItem(r -> r.tableName(table).key(key(CODE, codeHash.value())).consistentRead(true))
            .item();
    if (found == null || found.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new AuthorizationCode(
            readGrant(found),
            str(found, "redirectUri"),
            str(found, "challenge"),
            Items.expiresAt(found),
            found.containsKey("redeemedAt"),
            Instant.ofEpochSecond(num(found, LOGIN_AT).orElse(0L))));
  }

  /** {@link #redeem(TokenHash, Grant, TokenHash, Instant)} of a code of no known login. */
  public Redemption redeem(TokenHash codeHash, Grant grant, TokenHash refreshHash) {
    return redeem(codeHash, grant, refreshHash, Instant.EPOCH);
  }

  /**
   * Marks the code redeemed and writes the grant and its first refresh token, all or nothing, on
   * the condition that the user was not offboarded since the approving session's login ({@code
   * loginAt}). Tokens are signed before this call, so a failure of signing writes nothing.
   */
  public Redemption redeem(
      TokenHash codeHash, Grant grant, TokenHash refreshHash, Instant loginAt) {
    Instant now = clock.instant();
    Map<String, AttributeValue> sinceLogin = new HashMap<>();
    sinceLogin.put(":login", n(loginAt.getEpochSecond()));
    Map<String, AttributeValue> grantItem = item(GRANT, grant.id(), grant.expiresAt());
    writeGrantFields(grantItem, grant);
    grantItem.put(CREATED_AT, n(now.getEpochSecond()));
    GrantIndex.keysFor(grant).forEach(grantItem::put);
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":now", n(now.getEpochSecond()));
    try {
      dynamo.transactWriteItems(
          r ->
              r.transactItems(
                  TransactWriteItem.builder()
                      .update(
                          Update.builder()
                              .tableName(table)
                              .key(key(CODE, codeHash.value()))
                              .updateExpression("SET redeemedAt = :now")
                              .conditionExpression(
                                  "attribute_exists(pk) AND attribute_not_exists(redeemedAt)"
                                      + " AND exp > :now")
                              .expressionAttributeValues(values)
                              .build())
                      .build(),
                  TransactWriteItem.builder()
                      .put(
                          Put.builder()
                              .tableName(table)
                              .item(grantItem)
                              .conditionExpression("attribute_not_exists(pk)")
                              .build())
                      .build(),
                  putRefresh(refreshHash, grant, Optional.empty()),
                  TransactWriteItem.builder()
                      .conditionCheck(
                          ConditionCheck.builder()
                              .tableName(table)
                              .key(userEndKey(grant.subject()))
                              .conditionExpression(
                                  "attribute_not_exists(pk) OR " + ENDED_AT + " < :login")
                              .expressionAttributeValues(sinceLogin)
                              .build())
                      .build()));
      return new Redemption.Redeemed();
    } catch (TransactionCanceledException e) {
      if (StoreFailures.conditionFailed(e, 3) && !StoreFailures.conditionFailed(e, 0)) {
        return new Redemption.UserEnded();
      }
      if (StoreFailures.anyConditionFailed(e) || StoreFailures.conflicted(e, 0)) {
        return new Redemption.AlreadyRedeemed();
      }
      throw e;
    }
  }

  /**
   * Records that a user was offboarded now: no code approved by a session opened until now redeems
   * afterwards (sessions opened later, after a new sign-in, are not affected). Idempotent; a later
   * call moves the time on.
   */
  public void endUser(String subject) {
    Instant now = clock.instant();
    Map<String, AttributeValue> lifetime =
        item(USER_END, "-", now.plus(USER_END_LIFETIME)); // for its exp and TTL values
    dynamo.updateItem(
        r ->
            r.tableName(table)
                .key(userEndKey(subject))
                .updateExpression("SET " + ENDED_AT + " = :now, exp = :exp, #ttl = :ttl")
                .expressionAttributeNames(Map.of("#ttl", Items.TTL))
                .expressionAttributeValues(
                    Map.of(
                        ":now",
                        n(now.getEpochSecond()),
                        ":exp",
                        lifetime.get(Items.EXPIRES_AT),
                        ":ttl",
                        lifetime.get(Items.TTL))));
  }

  private static Map<String, AttributeValue> userEndKey(String subject) {
    return key(USER_END, org.pcohandshake.crypto.Tokens.hash(subject).value());
  }

  /**
   * The refresh token and the state of its place in the chain: for a handle handed out inside a
   * grace window, a second read, of the successor it stands for.
   */
  public Optional<RefreshToken> findRefresh(TokenHash refreshHash) {
    Map<String, AttributeValue> found = readRefresh(refreshHash);
    if (found == null || found.isEmpty()) {
      return Optional.empty();
    }
    Optional<TokenHash> sameAs = storedHash(found, SAME_AS);
    Map<String, AttributeValue> place = sameAs.isEmpty() ? found : readRefresh(sameAs.get());
    if (place == null || place.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new RefreshToken(
            refreshHash,
            sameAs.orElse(refreshHash),
            readGrant(found),
            num(place, "rotatedAt").map(Instant::ofEpochSecond),
            storedHash(place, SUCCESSOR)));
  }

  private Map<String, AttributeValue> readRefresh(TokenHash refreshHash) {
    return dynamo
        .getItem(
            r -> r.tableName(table).key(key(REFRESH, refreshHash.value())).consistentRead(true))
        .item();
  }

  private static Optional<TokenHash> storedHash(Map<String, AttributeValue> item, String name) {
    String stored = str(item, name);
    return stored.isEmpty() ? Optional.empty() : Optional.of(TokenHash.ofStored(stored));
  }

  /**
   * Renews a refresh token, in one transaction that also checks that the grant is alive. A current
   * token is marked rotated and its successor written. A token already rotated (the caller has
   * checked that it was inside the grace window) gets a second handle on the successor it was
   * rotated to, while that successor is still current: a repeat never starts a second chain, and
   * whichever answer the client keeps goes on working. Once the successor has been rotated as well,
   * the family has moved past the token: {@link Rotation.Reused}.
   */
  public Rotation rotate(RefreshToken old, TokenHash newHash) {
    if (old.rotatedAt().isEmpty()) {
      return advance(old, newHash);
    }
    if (old.successor().isEmpty()) {
      // rotated before successors were recorded: there is nothing to join
      return new Rotation.Reused();
    }
    return join(old, old.successor().get(), newHash);
  }

  private Rotation advance(RefreshToken current, TokenHash newHash) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":now", n(clock.instant().getEpochSecond()));
    values.put(":next", s(newHash.value()));
    try {
      dynamo.transactWriteItems(
          r ->
              r.transactItems(
                  TransactWriteItem.builder()
                      .update(
                          Update.builder()
                              .tableName(table)
                              .key(key(REFRESH, current.position().value()))
                              .updateExpression("SET rotatedAt = :now, " + SUCCESSOR + " = :next")
                              .conditionExpression(
                                  "attribute_exists(pk) AND attribute_not_exists(rotatedAt)")
                              .expressionAttributeValues(values)
                              .build())
                      .build(),
                  putRefresh(newHash, current.grant(), Optional.empty()),
                  grantAlive(current.grant())));
      return new Rotation.Rotated();
    } catch (TransactionCanceledException e) {
      if (StoreFailures.conditionFailed(e, 2)) {
        return new Rotation.GrantGone();
      }
      if (StoreFailures.conditionFailed(e, 0) || StoreFailures.conflicted(e, 0)) {
        return new Rotation.Raced();
      }
      throw e;
    }
  }

  private Rotation join(RefreshToken rotated, TokenHash successor, TokenHash newHash) {
    try {
      dynamo.transactWriteItems(
          r ->
              r.transactItems(
                  TransactWriteItem.builder()
                      .conditionCheck(
                          ConditionCheck.builder()
                              .tableName(table)
                              .key(key(REFRESH, successor.value()))
                              .conditionExpression(
                                  "attribute_exists(pk) AND attribute_not_exists(rotatedAt)")
                              .build())
                      .build(),
                  putRefresh(newHash, rotated.grant(), Optional.of(successor)),
                  grantAlive(rotated.grant())));
      return new Rotation.Rotated();
    } catch (TransactionCanceledException e) {
      if (StoreFailures.conditionFailed(e, 2)) {
        return new Rotation.GrantGone();
      }
      if (StoreFailures.conditionFailed(e, 0)) {
        return new Rotation.Reused();
      }
      if (StoreFailures.conflicted(e, 0)) {
        return new Rotation.Raced();
      }
      throw e;
    }
  }

  /**
   * The rotation's check that the grant is alive, which also records the refresh on the grant
   * ({@value #LAST_REFRESHED_AT}, for the admin's listing): an update on the condition a check
   * would have, so one transaction still decides both.
   */
  private TransactWriteItem grantAlive(Grant grant) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":now", n(clock.instant().getEpochSecond()));
    return TransactWriteItem.builder()
        .update(
            Update.builder()
                .tableName(table)
                .key(key(GRANT, grant.id()))
                .updateExpression("SET " + LAST_REFRESHED_AT + " = :now")
                .conditionExpression(
                    "attribute_exists(pk) AND attribute_not_exists(revokedAt) AND exp > :now")
                .expressionAttributeValues(values)
                .build())
        .build();
  }

  /** Whether the grant exists and is neither revoked nor past its absolute lifetime. */
  public boolean grantAlive(String grantId) {
    Map<String, AttributeValue> found =
        dynamo
            .getItem(r -> r.tableName(table).key(key(GRANT, grantId)).consistentRead(true))
            .item();
    return Items.live(found, clock.instant()) && !found.containsKey("revokedAt");
  }

  /**
   * Revokes a whole grant (every access and refresh token of the family). Idempotent; revoking a
   * grant that does not exist writes nothing.
   *
   * @return whether this call revoked it (false when already revoked or absent)
   */
  public boolean revokeGrant(String grantId, String reason) {
    return revokeGrantReturning(grantId, reason).isPresent();
  }

  /**
   * {@link #revokeGrant}, answering the grant this call revoked (its stored fields after the
   * update, from the same write): for an event that names whose grant it was.
   *
   * @return the grant, or empty when it was already revoked or does not exist
   */
  public Optional<Grant> revokeGrantReturning(String grantId, String reason) {
    return revoke(
            grantId,
            reason,
            "SET revokedAt = :now, revokedFor = :reason",
            "attribute_exists(pk) AND attribute_not_exists(revokedAt)",
            Map.of(),
            Map.of())
        .map(GrantStore::readGrant);
  }

  /**
   * Revokes the grant a code was issued for, also when it does not exist yet: an exchange whose
   * transaction met another exchange's of the same code in flight must still end the family, so the
   * grant is written revoked (with the grant's expiry, for TTL) and the other exchange's put of it
   * then fails its condition. Idempotent.
   *
   * @return whether this call revoked it (false when already revoked)
   */
  public boolean revokeCodeGrant(Grant grant, String reason) {
    Map<String, AttributeValue> expiry = item(GRANT, grant.id(), grant.expiresAt());
    return revokeCodeGrantItem(grant, reason, expiry).isPresent();
  }

  private Optional<Map<String, AttributeValue>> revokeCodeGrantItem(
      Grant grant, String reason, Map<String, AttributeValue> expiry) {
    return revoke(
        grant.id(),
        reason,
        "SET revokedAt = :now, revokedFor = :reason, exp = if_not_exists(exp, :exp),"
            + " #ttl = if_not_exists(#ttl, :ttl)",
        "attribute_not_exists(revokedAt)",
        Map.of("#ttl", Items.TTL),
        Map.of(":exp", expiry.get(Items.EXPIRES_AT), ":ttl", expiry.get(Items.TTL)));
  }

  /** The grant's item after this call revoked it; empty when already revoked or absent. */
  private Optional<Map<String, AttributeValue>> revoke(
      String grantId,
      String reason,
      String update,
      String condition,
      Map<String, String> names,
      Map<String, AttributeValue> more) {
    Map<String, AttributeValue> values = new HashMap<>(more);
    values.put(":now", n(clock.instant().getEpochSecond()));
    values.put(":reason", s(reason));
    for (int attempt = 1; ; attempt++) {
      try {
        return Optional.of(
            dynamo
                .updateItem(
                    r ->
                        r.tableName(table)
                            .key(key(GRANT, grantId))
                            .updateExpression(update)
                            .conditionExpression(condition)
                            .expressionAttributeNames(names.isEmpty() ? null : names)
                            .expressionAttributeValues(values)
                            .returnValues(ReturnValue.ALL_NEW))
                .attributes());
      } catch (ConditionalCheckFailedException alreadyRevokedOrAbsent) {
        return Optional.empty();
      } catch (TransactionConflictException inFlight) {
        // a transaction is writing the grant (an overlapping code exchange, a rotation checking
        // it): it takes milliseconds, and the SDK does not retry this error itself
        if (attempt == REVOKE_ATTEMPTS) {
          throw inFlight;
        }
        pause(Duration.ofMillis(25L * attempt));
      }
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while revoking", e);
    }
  }

  /** A new refresh token; {@code sameAs} names the token whose place it shares, if any. */
  private TransactWriteItem putRefresh(
      TokenHash refreshHash, Grant grant, Optional<TokenHash> sameAs) {
    Map<String, AttributeValue> record = item(REFRESH, refreshHash.value(), grant.expiresAt());
    writeGrantFields(record, grant);
    sameAs.ifPresent(place -> record.put(SAME_AS, s(place.value())));
    return TransactWriteItem.builder()
        .put(
            Put.builder()
                .tableName(table)
                .item(record)
                .conditionExpression("attribute_not_exists(pk)")
                .build())
        .build();
  }

  private static void writeGrantFields(Map<String, AttributeValue> record, Grant grant) {
    record.put("grantId", s(grant.id()));
    record.put("clientId", s(grant.clientId()));
    record.put("sub", s(grant.subject()));
    record.put("scope", s(grant.scope().serialize()));
    record.put("pcoOrg", s(grant.link().organizationId()));
    record.put("pcoPerson", s(grant.link().personId()));
    record.put("pcoName", s(grant.link().personName()));
    record.put("grantExp", n(grant.expiresAt().getEpochSecond()));
    if (!grant.claims().isEmpty()) {
      record.put(CLAIMS, s(grant.claims().serialize()));
    }
  }

  static Grant readGrant(Map<String, AttributeValue> record) {
    return new Grant(
        str(record, "grantId"),
        str(record, "clientId"),
        str(record, "sub"),
        Scope.ofStored(str(record, "scope")),
        new PcoLink(str(record, "pcoOrg"), str(record, "pcoPerson"), str(record, "pcoName")),
        Instant.ofEpochSecond(num(record, "grantExp").orElse(0L)),
        CustomClaims.ofStored(str(record, CLAIMS)));
  }
}
