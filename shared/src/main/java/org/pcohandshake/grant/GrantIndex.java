package org.pcohandshake.grant;

import static org.pcohandshake.store.Items.key;
import static org.pcohandshake.store.Items.num;
import static org.pcohandshake.store.Items.s;
import static org.pcohandshake.store.Items.str;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.json.Json;
import org.pcohandshake.store.Items;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Grants found by who they are for: three global secondary indexes of the table (by integrator
 * user, by PCO organization, by PCO person), keys only, written on grant items alone. An index is
 * eventually consistent, so it only says <em>which</em> grants exist; every grant's state is then
 * read from its own item by primary key with a strongly consistent read, and revocation writes the
 * grant item itself. No token path reads an index.
 */
public final class GrantIndex {

  /** The three ways to find grants: index name, its key attribute, the key values' prefix. */
  public enum By {
    USER("GrantsByUser", "ixUser", "USER"),
    ORGANIZATION("GrantsByOrganization", "ixOrg", "ORG"),
    PERSON("GrantsByPerson", "ixPerson", "PERSON");

    private final String indexName;
    private final String attribute;
    private final String prefix;

    By(String indexName, String attribute, String prefix) {
      this.indexName = indexName;
      this.attribute = attribute;
      this.prefix = prefix;
    }

    /** The index's name in template.yaml. */
    public String indexName() {
      return indexName;
    }

    /** The grant item's attribute the index is keyed on. */
    public String attribute() {
      return attribute;
    }

    String value(String id) {
      return prefix + "#" + id;
    }
  }

  /** The most grants one page (and one {@code BatchGetItem}) holds. */
  public static final int MAX_PAGE = 100;

  private static final int BATCH_ATTEMPTS = 5;

  private final DynamoDbClient dynamo;
  private final String table;
  private final Clock clock;

  public GrantIndex(DynamoDbClient dynamo, String table, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.clock = clock;
  }

  /**
   * The index keys a new grant item carries: the user always, the PCO organization and person when
   * linked (an index key may not be empty).
   */
  static Map<String, AttributeValue> keysFor(Grant grant) {
    Map<String, AttributeValue> keys = new HashMap<>();
    keys.put(By.USER.attribute(), s(By.USER.value(grant.subject())));
    if (!grant.link().organizationId().isEmpty()) {
      keys.put(
          By.ORGANIZATION.attribute(), s(By.ORGANIZATION.value(grant.link().organizationId())));
    }
    if (!grant.link().personId().isEmpty()) {
      keys.put(By.PERSON.attribute(), s(By.PERSON.value(grant.link().personId())));
    }
    return keys;
  }

  /**
   * One page of grant ids, newest first.
   *
   * @param cursor where the previous page ended ({@link Page#cursor()}), empty for the first
   * @throws IllegalArgumentException when the cursor is not one this index handed out for {@code
   *     id}
   */
  public IdPage ids(By by, String id, int limit, Optional<String> cursor) {
    String value = by.value(id);
    Map<String, AttributeValue> start = cursor.map(c -> decode(c, by, value)).orElse(null);
    QueryResponse response =
        dynamo.query(
            r ->
                r.tableName(table)
                    .indexName(by.indexName())
                    .keyConditionExpression("#k = :k")
                    .expressionAttributeNames(Map.of("#k", by.attribute()))
                    .expressionAttributeValues(Map.of(":k", s(value)))
                    .scanIndexForward(false)
                    .limit(Math.min(limit, MAX_PAGE))
                    .exclusiveStartKey(start));
    List<String> ids = new ArrayList<>();
    for (Map<String, AttributeValue> item : response.items()) {
      String pk = str(item, Items.PK);
      ids.add(pk.substring(GrantStore.GRANT.length() + 1));
    }
    Map<String, AttributeValue> last = response.lastEvaluatedKey();
    Optional<String> next =
        response.hasLastEvaluatedKey() && last != null && !last.isEmpty()
            ? Optional.of(encode(last, by))
            : Optional.empty();
    return new IdPage(ids, next);
  }

  /** Grant ids of one page, and the cursor of the next page (empty on the last). */
  public record IdPage(List<String> ids, Optional<String> cursor) {
    public IdPage {
      ids = List.copyOf(ids);
    }
  }

  /** Grants of one page, in the page's order, and the cursor of the next. */
  public record Page(List<GrantRecord> grants, Optional<String> cursor) {
    public Page {
      grants = List.copyOf(grants);
    }
  }

  /** One page of grants: the ids from the index, each grant read by primary key, consistently. */
  public Page page(By by, String id, int limit, Optional<String> cursor) {
    IdPage ids = ids(by, id, limit, cursor);
    Map<String, GrantRecord> read = read(ids.ids());
    List<GrantRecord> grants = new ArrayList<>();
    for (String grantId : ids.ids()) {
      GrantRecord grant = read.get(grantId);
      if (grant != null) { // gone meanwhile (TTL): the index lags the table
        grants.add(grant);
      }
    }
    return new Page(grants, ids.cursor());
  }

  /** A grant by id, read by primary key, consistently. */
  public Optional<GrantRecord> find(String grantId) {
    Map<String, AttributeValue> found =
        dynamo
            .getItem(
                r -> r.tableName(table).key(key(GrantStore.GRANT, grantId)).consistentRead(true))
            .item();
    return found == null || found.isEmpty() ? Optional.empty() : Optional.of(record(found));
  }

  /** Grants by id, read by primary key in one strongly consistent batch (at most 100). */
  private Map<String, GrantRecord> read(List<String> grantIds) {
    Map<String, GrantRecord> out = new HashMap<>();
    if (grantIds.isEmpty()) {
      return out;
    }
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    grantIds.forEach(id -> keys.add(key(GrantStore.GRANT, id)));
    Map<String, KeysAndAttributes> request =
        Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
    for (int attempt = 1; !request.isEmpty(); attempt++) {
      if (attempt > BATCH_ATTEMPTS) {
        throw new IllegalStateException("BatchGetItem left keys unprocessed");
      }
      Map<String, KeysAndAttributes> ask = request;
      BatchGetItemResponse response = dynamo.batchGetItem(r -> r.requestItems(ask));
      response
          .responses()
          .getOrDefault(table, List.of())
          .forEach(item -> out.put(str(item, "grantId"), record(item)));
      request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
      if (!request.isEmpty()) {
        pause(attempt);
      }
    }
    return out;
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(25L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading grants", e);
    }
  }

  static GrantRecord record(Map<String, AttributeValue> item) {
    return new GrantRecord(
        GrantStore.readGrant(item),
        Instant.ofEpochSecond(num(item, GrantStore.CREATED_AT).orElse(0L)),
        num(item, GrantStore.LAST_REFRESHED_AT).map(Instant::ofEpochSecond),
        num(item, GrantStore.REVOKED_AT).map(Instant::ofEpochSecond),
        str(item, GrantStore.REVOKED_FOR));
  }

  /** The time grants are judged alive at. */
  public Instant now() {
    return clock.instant();
  }

  // A cursor is the index's LastEvaluatedKey (the grant's key, the index key, its creation time),
  // as base64url JSON; it is checked on the way back in, so it can only continue the same listing.

  private static String encode(Map<String, AttributeValue> last, By by) {
    Map<String, Object> cursor = new LinkedHashMap<>();
    cursor.put("g", str(last, Items.PK).substring(GrantStore.GRANT.length() + 1));
    cursor.put("i", str(last, by.attribute()));
    cursor.put("c", num(last, GrantStore.CREATED_AT).orElse(0L));
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(Json.write(cursor).getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, AttributeValue> decode(String cursor, By by, String value) {
    Map<String, Object> parsed;
    try {
      parsed =
          Json.parseObject(
              new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a cursor", e);
    }
    if (parsed.size() != 3
        || !(parsed.get("g") instanceof String grantId)
        || !grantId.matches("[A-Za-z0-9_-]{1,64}")
        || !value.equals(parsed.get("i"))
        || !(parsed.get("c") instanceof Long createdAt)) {
      throw new IllegalArgumentException("not a cursor of this listing");
    }
    Map<String, AttributeValue> start = new HashMap<>(key(GrantStore.GRANT, grantId));
    start.put(by.attribute(), s(value));
    start.put(GrantStore.CREATED_AT, Items.n(createdAt));
    return start;
  }
}
