package org.pcohandshake.link;

import static org.pcohandshake.store.Items.item;
import static org.pcohandshake.store.Items.key;
import static org.pcohandshake.store.Items.n;
import static org.pcohandshake.store.Items.s;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.store.Items;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Short-lived records behind the link cookie set at step 2: the cookie holds a random value, the
 * table holds its hash, the PCO identity and the organization's name. A link is single use: the
 * decision at step 4b deletes it in the transaction that issues the code, on the condition that it
 * is still there and live.
 */
public final class LinkStore {

  static final String PREFIX = "PCOLINK";

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
        item(PREFIX, Tokens.hash(cookie), clock.instant().plus(ttl));
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

  /** The live link a cookie value refers to. */
  public Optional<PendingLink> find(String cookieValue) {
    if (!Tokens.wellFormed(cookieValue)) {
      return Optional.empty();
    }
    String keyHash = Tokens.hash(cookieValue);
    // consistent: step 4 follows step 2's write by a second, and a missed link is now an error
    Map<String, AttributeValue> found =
        dynamo
            .getItem(r -> r.tableName(table).key(key(PREFIX, keyHash)).consistentRead(true))
            .item();
    if (!Items.live(found, clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(
        new PendingLink(
            keyHash,
            new PcoLink(
                Items.str(found, "org"), Items.str(found, "person"), Items.str(found, "name")),
            Items.str(found, "orgName")));
  }

  /**
   * The conditional delete that consumes a link inside the transaction that issues the code: it
   * must still be there and live, so a link yields one code at most, however many consent pages
   * were shown for it.
   */
  public TransactWriteItem consume(String keyHash) {
    return TransactWriteItem.builder()
        .delete(
            Delete.builder()
                .tableName(table)
                .key(key(PREFIX, keyHash))
                .conditionExpression("attribute_exists(pk) AND exp > :now")
                .expressionAttributeValues(Map.of(":now", n(clock.instant().getEpochSecond())))
                .build())
        .build();
  }

  /** The delete that ends a link with a denial: whatever its state, no condition to fail. */
  public TransactWriteItem discard(String keyHash) {
    return TransactWriteItem.builder()
        .delete(Delete.builder().tableName(table).key(key(PREFIX, keyHash)).build())
        .build();
  }

  public Duration ttl() {
    return ttl;
  }
}
