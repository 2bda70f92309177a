package org.pcohandshake.link;

import static org.pcohandshake.store.Items.item;
import static org.pcohandshake.store.Items.key;
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
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Short-lived records behind the link cookie set at step 2: the cookie holds a random value, the
 * table holds its hash and the PCO identity.
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
  public String put(PcoLink link) {
    Prepared prepared = prepare(link);
    dynamo.putItem(r -> r.tableName(table).item(prepared.put().put().item()));
    return prepared.cookie();
  }

  /**
   * A link not yet written: its cookie value and the put, for a transaction that stores it together
   * with what it refers to.
   */
  public record Prepared(String cookie, TransactWriteItem put) {}

  /** Prepares a link for {@link Prepared#put()} inside the caller's transaction. */
  public Prepared prepare(PcoLink link) {
    return prepare(Tokens.random(), link, null);
  }

  /**
   * SnapStart priming: {@link #prepare}'s link for a cookie value that was never issued (so no
   * random value is drawn), its put conditioned on its record being there already: the table
   * refuses it, alone or inside a transaction, and nothing is stored.
   */
  public Prepared prepareRefused(String neverIssued, PcoLink link) {
    return prepare(neverIssued, link, "attribute_exists(pk)");
  }

  /** SnapStart priming: {@link #put}'s write of {@link #prepareRefused}'s link, refused. */
  public void putRefused(String neverIssued, PcoLink link) {
    Put put = prepareRefused(neverIssued, link).put().put();
    try {
      dynamo.putItem(
          r -> r.tableName(table).item(put.item()).conditionExpression(put.conditionExpression()));
    } catch (ConditionalCheckFailedException refused) {
      // what priming expects: the link was never issued
    }
  }

  private Prepared prepare(String cookie, PcoLink link, String condition) {
    Map<String, AttributeValue> record =
        item(PREFIX, Tokens.hash(cookie), clock.instant().plus(ttl));
    record.put("org", s(link.organizationId()));
    record.put("person", s(link.personId()));
    record.put("name", s(link.personName()));
    return new Prepared(
        cookie,
        TransactWriteItem.builder()
            .put(Put.builder().tableName(table).item(record).conditionExpression(condition).build())
            .build());
  }

  /** The live link a cookie value refers to. */
  public Optional<PcoLink> find(String cookieValue) {
    if (!Tokens.wellFormed(cookieValue)) {
      return Optional.empty();
    }
    Map<String, AttributeValue> found =
        dynamo.getItem(r -> r.tableName(table).key(key(PREFIX, Tokens.hash(cookieValue)))).item();
    if (!Items.live(found, clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(
        new PcoLink(Items.str(found, "org"), Items.str(found, "person"), Items.str(found, "name")));
  }

  public Duration ttl() {
    return ttl;
  }
}
