package org.pcohandshake.session;

import static org.pcohandshake.store.Items.item;
import static org.pcohandshake.store.Items.key;
import static org.pcohandshake.store.Items.s;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.crypto.TokenHash;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.CustomClaims;
import org.pcohandshake.store.Items;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Browser sessions and single-use login token ids in the table. Only hashes are stored. */
public final class SessionStore {

  static final String SESSION = "SESSION";
  static final String LOGIN_JTI = "LOGINJTI";

  /** The attribute of a session's allow-listed login claims, as their JSON text. */
  static final String CLAIMS = "claims";

  /** When the login opened the session (epoch seconds). */
  static final String OPENED_AT = "openedAt";

  /**
   * A session stored before {@value #OPENED_AT} was: opened at the latest its expiry less the
   * longest session lifetime ({@code SESSION_TTL_SECONDS} at most a day), so taken as opened then.
   */
  private static final Duration LONGEST_LIFETIME = Duration.ofDays(1);

  private final DynamoDbClient dynamo;
  private final String table;
  private final Duration ttl;
  private final Clock clock;

  public SessionStore(DynamoDbClient dynamo, String table, Duration ttl, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** {@link #open(LoginIdentity, CustomClaims, String)} for a login without allow-listed claims. */
  public Optional<String> open(LoginIdentity identity, String loginIssuer) {
    return open(identity, CustomClaims.NONE, loginIssuer);
  }

  /**
   * Consumes the login token's {@code jti} and creates a session that holds the login's
   * allow-listed claims, in one transaction.
   *
   * @return the new session cookie value, or empty when the {@code jti} was already used
   */
  public Optional<String> open(LoginIdentity identity, CustomClaims claims, String loginIssuer) {
    Instant now = clock.instant();
    String cookie = Tokens.random();
    Map<String, AttributeValue> session = item(SESSION, Tokens.hash(cookie).value(), now.plus(ttl));
    session.put("sub", s(identity.subject()));
    session.put("name", s(identity.name()));
    session.put(OPENED_AT, Items.n(now.getEpochSecond()));
    if (!claims.isEmpty()) {
      session.put(CLAIMS, s(claims.serialize()));
    }
    Map<String, AttributeValue> jti =
        item(
            LOGIN_JTI,
            Tokens.hash(loginIssuer + "\n" + identity.tokenId()).value(),
            identity.expiresAt().plusSeconds(60));
    try {
      dynamo.transactWriteItems(
          r ->
              r.transactItems(
                  TransactWriteItem.builder()
                      .put(
                          Put.builder()
                              .tableName(table)
                              .item(jti)
                              .conditionExpression("attribute_not_exists(pk)")
                              .build())
                      .build(),
                  TransactWriteItem.builder()
                      .put(
                          Put.builder()
                              .tableName(table)
                              .item(session)
                              .conditionExpression("attribute_not_exists(pk)")
                              .build())
                      .build()));
    } catch (TransactionCanceledException e) {
      if (org.pcohandshake.store.StoreFailures.anyConditionFailed(e)) {
        return Optional.empty();
      }
      throw e;
    }
    return Optional.of(cookie);
  }

  /** The live session for a cookie value, if any. */
  public Optional<Session> find(String cookieValue) {
    if (!Tokens.wellFormed(cookieValue)) {
      return Optional.empty();
    }
    TokenHash hash = Tokens.hash(cookieValue);
    Map<String, AttributeValue> found =
        dynamo
            .getItem(r -> r.tableName(table).key(key(SESSION, hash.value())).consistentRead(true))
            .item();
    if (!Items.live(found, clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(
        new Session(
            hash,
            Items.str(found, "sub"),
            Items.str(found, "name"),
            CustomClaims.ofStored(Items.str(found, CLAIMS)),
            Items.num(found, OPENED_AT)
                .map(Instant::ofEpochSecond)
                .orElseGet(() -> Items.expiresAt(found).minus(LONGEST_LIFETIME))));
  }

  /** The session's lifetime, for its cookie's Max-Age. */
  public Duration ttl() {
    return ttl;
  }
}
