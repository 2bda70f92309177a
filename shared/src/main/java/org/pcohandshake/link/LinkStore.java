package org.pcohandshake.link;

import static org.pcohandshake.store.Items.item;
import static org.pcohandshake.store.Items.key;
import static org.pcohandshake.store.Items.n;
import static org.pcohandshake.store.Items.s;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.crypto.TokenHash;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.store.Items;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Short-lived records behind the link cookie set at step 2: the cookie holds a random value, the
 * table holds its hash, the PCO identity and the organization's name. A link is single use: the
 * decision at step 4b deletes it in the transaction that issues the code, on the condition that it
 * is still there and live.
 */
public final class LinkStore {

  static final String PREFIX = "PCOLINK";

  /** Set by the first {@link #claim} at step 4: how long the link is held after its own expiry. */
  static final String HOLD = "holdUntil";

  /** Present, and either within its own lifetime or held by a claim at step 4. */
  private static final String LIVE = "attribute_exists(pk) AND (exp > :now OR #hold > :now)";

  private final DynamoDbClient dynamo;
  private final String table;
  private final Duration ttl;
  private final Clock clock;

  public LinkStore(DynamoDbClient dynamo, String table, Duration ttl, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** Stores a link and returns the cookie value that refers to it. */
  public String put(PcoLink link, String organizationName) {
    Prepared prepared = prepare(link, organizationName);
    dynamo.putItem(r -> r.tableName(table).item(prepared.put().put().item()));
    return prepared.cookie();
  }

  /**
   * A link not yet written: its cookie value and the put, for a transaction that stores it together
   * with what it refers to.
   */
  public record Prepared(String cookie, TransactWriteItem put) {}

  /** Prepares a link for {@link Prepared#put()} inside the caller's transaction. */
  public Prepared prepare(PcoLink link, String organizationName) {
    return prepare(Tokens.random(), link, organizationName, null);
  }

  /**
   * SnapStart priming: {@link #prepare}'s link for a cookie value that was never issued (so no
   * random value is drawn), its put conditioned on its record being there already: the table
   * refuses it, alone or inside a transaction, and nothing is stored.
   */
  public Prepared prepareRefused(String neverIssued, PcoLink link, String organizationName) {
    return prepare(neverIssued, link, organizationName, "attribute_exists(pk)");
  }

  /** SnapStart priming: {@link #put}'s write of {@link #prepareRefused}'s link, refused. */
  public void putRefused(String neverIssued, PcoLink link, String organizationName) {
    Put put = prepareRefused(neverIssued, link, organizationName).put().put();
    try {
      dynamo.putItem(
          r -> r.tableName(table).item(put.item()).conditionExpression(put.conditionExpression()));
    } catch (ConditionalCheckFailedException refused) {
      // what priming expects: the link was never issued
    }
  }

  private Prepared prepare(String cookie, PcoLink link, String organizationName, String condition) {
    Map<String, AttributeValue> record =
        item(PREFIX, Tokens.hash(cookie).value(), clock.instant().plus(ttl));
    record.put("org", s(link.organizationId()));
    record.put("person", s(link.personId()));
    record.put("name", s(link.personName()));
    record.put("orgName", s(organizationName));
    return new Prepared(
        cookie,
        TransactWriteItem.builder()
            .put(Put.builder().tableName(table).item(record).conditionExpression(condition).build())
            .build());
  }

  /**
   * Claims a link at step 4 and returns it, if it is live. A link must reach step 4 within its own
   * lifetime ({@code PCO_LINK_TTL_SECONDS}, seconds after step 2 in Planning Center's popup); the
   * first arrival there holds it for {@code hold} more (the sign-in and the consent page), once:
   * later claims keep the first hold. One conditional update, so the read is as consistent as a
   * write and a link that never arrived in time cannot be revived.
   */
  public Optional<PendingLink> claim(String cookieValue, Duration hold) {
    if (!Tokens.wellFormed(cookieValue)) {
      return Optional.empty();
    }
    TokenHash keyHash = Tokens.hash(cookieValue);
    long now = clock.instant().getEpochSecond();
    Map<String, AttributeValue> found;
    try {
      found =
          dynamo
              .updateItem(
                  r ->
                      r.tableName(table)
                          .key(key(PREFIX, keyHash.value()))
                          .updateExpression("SET #hold = if_not_exists(#hold, :until)")
                          .conditionExpression(LIVE)
                          .expressionAttributeNames(Map.of("#hold", HOLD))
                          .expressionAttributeValues(
                              Map.of(":now", n(now), ":until", n(now + hold.toSeconds())))
                          .returnValues(ReturnValue.ALL_NEW))
              .attributes();
    } catch (ConditionalCheckFailedException goneOrLate) {
      return Optional.empty();
    }
    return Optional.of(
        new PendingLink(
            Optional.of(keyHash),
            new PcoLink(
                Items.str(found, "org"), Items.str(found, "person"), Items.str(found, "name")),
            Items.str(found, "orgName")));
  }

  /**
   * The conditional delete that consumes a link inside the transaction that issues the code: it
   * must still be there and live, so a link yields one code at most, however many consent pages
   * were shown for it.
   */
  public TransactWriteItem consume(TokenHash keyHash) {
    return TransactWriteItem.builder()
        .delete(
            Delete.builder()
                .tableName(table)
                .key(key(PREFIX, keyHash.value()))
                .conditionExpression(LIVE)
                .expressionAttributeNames(Map.of("#hold", HOLD))
                .expressionAttributeValues(Map.of(":now", n(clock.instant().getEpochSecond())))
                .build())
        .build();
  }

  /** The delete that ends a link with a denial: whatever its state, no condition to fail. */
  public TransactWriteItem discard(TokenHash keyHash) {
    return TransactWriteItem.builder()
        .delete(Delete.builder().tableName(table).key(key(PREFIX, keyHash.value())).build())
        .build();
  }

  public Duration ttl() {
    return ttl;
  }
}
