package org.pcohandshake.oidc;

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
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Sign-ins in flight at the identity provider ({@code LOGINREQ#<sha256(state)>}): written when the
 * browser is sent there, consumed once by the callback, in one conditional delete that succeeds
 * only for the browser that started it (its pre-login cookie's hash) and only while the request
 * lives. A replayed {@code state}, or a callback opened in another browser, consumes nothing.
 */
public final class LoginRequestStore {

  static final String LOGIN_REQUEST = "LOGINREQ";

  private final DynamoDbClient dynamo;
  private final String table;
  private final Duration ttl;
  private final Clock clock;

  public LoginRequestStore(DynamoDbClient dynamo, String table, Duration ttl, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** Stores a new sign-in (its {@code state} is fresh: an item already there is a fault). */
  public void put(LoginRequest request) {
    Map<String, AttributeValue> item =
        item(LOGIN_REQUEST, request.stateHash().value(), clock.instant().plus(ttl));
    item.put("browser", s(request.browserHash().value()));
    item.put("nonce", s(request.nonce()));
    item.put("returnTo", s(request.returnTo()));
    dynamo.putItem(
        r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
  }

  /**
   * Consumes the sign-in a callback names, if it is this browser's and still live.
   *
   * @param state the callback's {@code state}
   * @param browserCookie this browser's pre-login cookie
   * @return the request, now deleted; empty when there is none (replayed, expired, never issued) or
   *     it belongs to another browser (then it stays for its own browser)
   */
  public Optional<LoginRequest> consume(String state, String browserCookie) {
    TokenHash stateHash = Tokens.hash(state);
    TokenHash browserHash = Tokens.hash(browserCookie);
    Map<String, AttributeValue> old;
    try {
      old =
          dynamo
              .deleteItem(
                  r ->
                      r.tableName(table)
                          .key(key(LOGIN_REQUEST, stateHash.value()))
                          .conditionExpression("browser = :browser AND #exp > :now")
                          .expressionAttributeNames(Map.of("#exp", Items.EXPIRES_AT))
                          .expressionAttributeValues(
                              Map.of(
                                  ":browser",
                                  s(browserHash.value()),
                                  ":now",
                                  n(clock.instant().getEpochSecond())))
                          .returnValues(ReturnValue.ALL_OLD))
              .attributes();
    } catch (ConditionalCheckFailedException refused) {
      return Optional.empty();
    }
    return Optional.of(
        new LoginRequest(
            stateHash, browserHash, Items.str(old, "nonce"), Items.str(old, "returnTo")));
  }

  /** How long a sign-in may take. */
  public Duration ttl() {
    return ttl;
  }
}
