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
    String cookie = Tokens.random();
    Map<String, AttributeValue> record =
        item(PREFIX, Tokens.hash(cookie), clock.instant().plus(ttl));
    record.put("org", s(link.organizationId()));
    record.put("person", s(link.personId()));
    record.put("name", s(link.personName()));
    dynamo.putItem(r -> r.tableName(table).item(record));
    return cookie;
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
