package org.pcohandshake.authorize;

import static org.pcohandshake.store.Items.item;
import static org.pcohandshake.store.Items.key;
import static org.pcohandshake.store.Items.n;
import static org.pcohandshake.store.Items.s;
import static org.pcohandshake.store.Items.str;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.crypto.TokenHash;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.Scope;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.link.PendingLink;
import org.pcohandshake.store.Items;
import org.pcohandshake.store.StoreFailures;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Consents in flight, keyed by the hash of the one-time form token. Consuming one is a conditional
 * delete bound to the session, inside the same transaction that issues the code.
 */
public final class ConsentStore {

  static final String PREFIX = "CONSENT";

  private final DynamoDbClient dynamo;
  private final String table;
  private final Duration ttl;
  private final Clock clock;

  public ConsentStore(DynamoDbClient dynamo, String table, Duration ttl, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** Stores a consent and returns the one-time form token for the page. */
  public String put(Consent consent) {
    String formToken = Tokens.random();
    Map<String, AttributeValue> record =
        item(PREFIX, Tokens.hash(formToken).value(), clock.instant().plus(ttl));
    AuthorizationRequest request = consent.request();
    record.put("session", s(consent.sessionHash().value()));
    record.put("sub", s(consent.subject()));
    record.put("clientId", s(request.clientId()));
    record.put("redirectUri", s(request.redirectUri()));
    record.put("state", s(request.state()));
    record.put("scope", s(request.scope().serialize()));
    record.put("challenge", s(request.codeChallenge()));
    PcoLink link = consent.link().link();
    record.put("pcoLink", s(consent.link().keyHash().map(TokenHash::value).orElse("")));
    record.put("pcoOrg", s(link.organizationId()));
    record.put("pcoPerson", s(link.personId()));
    record.put("pcoName", s(link.personName()));
    record.put("pcoOrgName", s(consent.link().organizationName()));
    dynamo.putItem(r -> r.tableName(table).item(record));
    return formToken;
  }

  /** What a form token refers to, for the session that posts it. */
  public sealed interface Lookup {
    /** A live consent of this session. */
    record Live(Consent consent) implements Lookup {}

    /**
     * A consent of this session whose form outlived {@code CONSENT_TTL_SECONDS} (the item is still
     * there: TTL deletion lags): its request, for the way back to the client.
     */
    record Expired(AuthorizationRequest request) implements Lookup {}

    /** Nothing of this session's: used, never issued, another session's, or deleted. */
    record Missing() implements Lookup {}
  }

  /** The live consent a form token refers to, if it belongs to this session. */
  public Optional<Consent> find(String formToken, TokenHash sessionHash) {
    return lookup(formToken, sessionHash) instanceof Lookup.Live live
        ? Optional.of(live.consent())
        : Optional.empty();
  }

  /** The consent a form token refers to, if it belongs to this session, live or expired. */
  public Lookup lookup(String formToken, TokenHash sessionHash) {
    if (!Tokens.wellFormed(formToken)) {
      return new Lookup.Missing();
    }
    Map<String, AttributeValue> found =
        dynamo
            .getItem(
                r ->
                    r.tableName(table)
                        .key(key(PREFIX, Tokens.hash(formToken).value()))
                        .consistentRead(true))
            .item();
    if (found == null
        || found.isEmpty()
        || !Tokens.constantTimeEquals(str(found, "session"), sessionHash.value())) {
      return new Lookup.Missing();
    }
    AuthorizationRequest request =
        new AuthorizationRequest(
            str(found, "clientId"),
            str(found, "redirectUri"),
            str(found, "state"),
            Scope.ofStored(str(found, "scope")),
            str(found, "challenge"));
    if (!Items.live(found, clock.instant())) {
      return new Lookup.Expired(request);
    }
    return new Lookup.Live(
        new Consent(
            sessionHash,
            str(found, "sub"),
            request,
            new PendingLink(
                str(found, "pcoLink").isEmpty()
                    ? Optional.empty()
                    : Optional.of(TokenHash.ofStored(str(found, "pcoLink"))),
                new PcoLink(str(found, "pcoOrg"), str(found, "pcoPerson"), str(found, "pcoName")),
                str(found, "pcoOrgName"))));
  }

  /**
   * The conditional delete that consumes a consent: it must exist, be live and match the session.
   */
  public TransactWriteItem consume(String formToken, TokenHash sessionHash) {
    return TransactWriteItem.builder()
        .delete(
            Delete.builder()
                .tableName(table)
                .key(key(PREFIX, Tokens.hash(formToken).value()))
                .conditionExpression("attribute_exists(pk) AND #s = :session AND exp > :now")
                .expressionAttributeNames(Map.of("#s", "session"))
                .expressionAttributeValues(conditionValues(sessionHash))
                .build())
        .build();
  }

  /**
   * Runs the transaction that consumes the consent together with other writes. A transaction even
   * when there are none (a denial): its client request token makes the SDK's retry of an attempt
   * that was applied after the SDK had given up on its answer succeed, where a conditional delete's
   * retry would find the consent gone and call it expired.
   *
   * @return false when the consent was already consumed, expired or not this session's
   */
  public boolean consumeWith(String formToken, TokenHash sessionHash, TransactWriteItem... others) {
    TransactWriteItem[] items = new TransactWriteItem[others.length + 1];
    items[0] = consume(formToken, sessionHash);
    System.arraycopy(others, 0, items, 1, others.length);
    try {
      dynamo.transactWriteItems(r -> r.transactItems(items));
      return true;
    } catch (TransactionCanceledException e) {
      if (StoreFailures.anyConditionFailed(e)) {
        return false;
      }
      throw e;
    }
  }

  private Map<String, AttributeValue> conditionValues(TokenHash sessionHash) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":session", s(sessionHash.value()));
    values.put(":now", n(clock.instant().getEpochSecond()));
    return values;
  }
}
