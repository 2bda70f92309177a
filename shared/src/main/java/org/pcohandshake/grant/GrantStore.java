package org.pcohandshake.grant;

import static org.pcohandshake.store.Items.item;
import static org.pcohandshake.store.Items.key;
import static org.pcohandshake.store.Items.n;
import static org.pcohandshake.store.Items.num;
import static org.pcohandshake.store.Items.s;
import static org.pcohandshake.store.Items.str;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.store.Items;
import org.pcohandshake.store.StoreFailures;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
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
  }

  /** The outcome of rotating a refresh token. */
  public sealed interface Rotation {
    /** The successor was written. */
    record Rotated() implements Rotation {}

    /** The grant was revoked or ended meanwhile. */
    record GrantGone() implements Rotation {}

    /** The token had been rotated longer ago than the grace window allows. */
    record Reused() implements Rotation {}
  }

  /** The put of a new, unredeemed code, for the transaction that also consumes the consent. */
  public TransactWriteItem putCode(String codeHash, AuthorizationCode code) {
    Map<String, AttributeValue> record = item(CODE, codeHash, code.expiresAt());
    writeGrantFields(record, code.grant());
    record.put("redirectUri", s(code.redirectUri()));
    record.put("challenge", s(code.codeChallenge()));
    return TransactWriteItem.builder()
        .put(
            Put.builder()
                .tableName(table)
                .item(record)
                .conditionExpression("attribute_not_exists(pk)")
                .build())
        .build();
  }

  public Optional<AuthorizationCode> findCode(String codeHash) {
    Map<String, AttributeValue> found =
        dynamo
            .getItem(r -> r.tableName(table).key(key(CODE, codeHash)).consistentRead(true))
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
            found.containsKey("redeemedAt")));
  }

  /**
   * Marks the code redeemed and writes the grant and its first refresh token, all or nothing.
   * Tokens are signed before this call, so a failure of signing writes nothing.
   */
  public Redemption redeem(String codeHash, Grant grant, String refreshHash) {
    Instant now = clock.instant();
    Map<String, AttributeValue> grantItem = item(GRANT, grant.id(), grant.expiresAt());
    writeGrantFields(grantItem, grant);
    grantItem.put("createdAt", n(now.getEpochSecond()));
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
                              .key(key(CODE, codeHash))
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
                  putRefresh(refreshHash, grant)));
      return new Redemption.Redeemed();
    } catch (TransactionCanceledException e) {
      if (StoreFailures.anyConditionFailed(e) || StoreFailures.conflicted(e, 0)) {
        return new Redemption.AlreadyRedeemed();
      }
      throw e;
    }
  }

  public Optional<RefreshToken> findRefresh(String refreshHash) {
    Map<String, AttributeValue> found =
        dynamo
            .getItem(r -> r.tableName(table).key(key(REFRESH, refreshHash)).consistentRead(true))
            .item();
    if (found == null || found.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new RefreshToken(
            refreshHash, readGrant(found), num(found, "rotatedAt").map(Instant::ofEpochSecond)));
  }

  /**
   * Rotates a refresh token: marks the old one rotated (keeping its first rotation time), writes
   * the successor, and checks that the grant is alive, in one transaction. A token already rotated
   * before {@code graceStart} is refused as reuse.
   */
  public Rotation rotate(RefreshToken old, String newHash, Instant graceStart) {
    Instant now = clock.instant();
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":now", n(now.getEpochSecond()));
    values.put(":graceStart", n(graceStart.getEpochSecond()));
    Map<String, AttributeValue> grantValues = new HashMap<>();
    grantValues.put(":now", n(now.getEpochSecond()));
    try {
      dynamo.transactWriteItems(
          r ->
              r.transactItems(
                  TransactWriteItem.builder()
                      .update(
                          Update.builder()
                              .tableName(table)
                              .key(key(REFRESH, old.hash()))
                              .updateExpression("SET rotatedAt = if_not_exists(rotatedAt, :now)")
                              .conditionExpression(
                                  "attribute_exists(pk) AND (attribute_not_exists(rotatedAt)"
                                      + " OR rotatedAt >= :graceStart)")
                              .expressionAttributeValues(values)
                              .build())
                      .build(),
                  putRefresh(newHash, old.grant()),
                  TransactWriteItem.builder()
                      .conditionCheck(
                          ConditionCheck.builder()
                              .tableName(table)
                              .key(key(GRANT, old.grant().id()))
                              .conditionExpression(
                                  "attribute_exists(pk) AND attribute_not_exists(revokedAt)"
                                      + " AND exp > :now")
                              .expressionAttributeValues(grantValues)
                              .build())
                      .build()));
      return new Rotation.Rotated();
    } catch (TransactionCanceledException e) {
      if (StoreFailures.conditionFailed(e, 2)) {
        return new Rotation.GrantGone();
      }
      if (StoreFailures.conditionFailed(e, 0)) {
        return new Rotation.Reused();
      }
      throw e;
    }
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
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":now", n(clock.instant().getEpochSecond()));
    values.put(":reason", s(reason));
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(GRANT, grantId))
                  .updateExpression("SET revokedAt = :now, revokedFor = :reason")
                  .conditionExpression("attribute_exists(pk) AND attribute_not_exists(revokedAt)")
                  .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException alreadyRevokedOrAbsent) {
      return false;
    }
  }

  private TransactWriteItem putRefresh(String refreshHash, Grant grant) {
    Map<String, AttributeValue> record = item(REFRESH, refreshHash, grant.expiresAt());
    writeGrantFields(record, grant);
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
    record.put("scope", s(grant.scope()));
    record.put("pcoOrg", s(grant.link().organizationId()));
    record.put("pcoPerson", s(grant.link().personId()));
    record.put("pcoName", s(grant.link().personName()));
    record.put("grantExp", n(grant.expiresAt().getEpochSecond()));
  }

  private static Grant readGrant(Map<String, AttributeValue> record) {
    return new Grant(
        str(record, "grantId"),
        str(record, "clientId"),
        str(record, "sub"),
        str(record, "scope"),
        new PcoLink(str(record, "pcoOrg"), str(record, "pcoPerson"), str(record, "pcoName")),
        Instant.ofEpochSecond(num(record, "grantExp").orElse(0L)));
  }
}
