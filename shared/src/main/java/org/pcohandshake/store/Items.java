package org.pcohandshake.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Small helpers for the single table's items: typed-prefix keys, attribute builders and readers.
 * Every short-lived item carries {@link #TTL}; readers also check expiry themselves because TTL
 * deletion can lag.
 */
public final class Items {

  public static final String PK = "pk";
  public static final String SK = "sk";
  public static final String TTL = "ttl";
  public static final String EXPIRES_AT = "exp";

  private Items() {}

  /** The key of an item: {@code pk = PREFIX#id}, {@code sk = PREFIX}. */
  public static Map<String, AttributeValue> key(String prefix, String id) {
    Map<String, AttributeValue> key = new HashMap<>(2);
    key.put(PK, s(prefix + "#" + id));
    key.put(SK, s(prefix));
    return key;
  }

  /** A new mutable item with its key, expiry and TTL. */
  public static Map<String, AttributeValue> item(String prefix, String id, Instant expiresAt) {
    Map<String, AttributeValue> item = key(prefix, id);
    item.put(EXPIRES_AT, n(expiresAt.getEpochSecond()));
    // keep expired items a day for diagnosis before DynamoDB deletes them
    item.put(TTL, n(expiresAt.getEpochSecond() + 86_400));
    return item;
  }

  public static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  public static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  public static String str(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.s() == null ? "" : value.s();
  }

  public static Optional<Long> num(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null
        ? Optional.empty()
        : Optional.of(Long.parseLong(value.n()));
  }

  public static boolean bool(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value != null && Boolean.TRUE.equals(value.bool());
  }

  public static Instant expiresAt(Map<String, AttributeValue> item) {
    return Instant.ofEpochSecond(num(item, EXPIRES_AT).orElse(0L));
  }

  /** Whether the item is present and not past its own expiry. */
  public static boolean live(Map<String, AttributeValue> item, Instant now) {
    return item != null && !item.isEmpty() && expiresAt(item).isAfter(now);
  }
}
