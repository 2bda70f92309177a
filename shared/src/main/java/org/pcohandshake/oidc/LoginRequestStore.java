package org.pcohandshake.oidc;

import static org.pcohandshake.store.Items.item;
import static org.pcohandshake.store.Items.key;
import static org.pcohandshake.store.Items.n;
import static org.pcohandshake.store.Items.s;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.crypto.TokenHash;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.CustomClaims;
import org.pcohandshake.session.LoginIdentity;
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
    // a sign-in's item has a nonce; a pending switch's (same prefix) never does
    return delete(stateHash, browserHash, "attribute_exists(nonce)")
        .map(
            old ->
                new LoginRequest(
                    stateHash, browserHash, Items.str(old, "nonce"), Items.str(old, "returnTo")));
  }

  /**
   * Stores a finished sign-in that waits for the person's choice on the switch page (a session of
   * another user is live in this browser): the identity the ID token proved, bound to the same
   * browser and kept for {@link #SWITCH_TTL}. Nothing of the provider's (code, tokens) is kept.
   *
   * @param switchToken the fresh random value the page's continue link carries
   */
  public void putSwitch(String switchToken, PendingSwitch pending) {
    Map<String, AttributeValue> item =
        item(LOGIN_REQUEST, Tokens.hash(switchToken).value(), clock.instant().plus(SWITCH_TTL));
    item.put("browser", s(pending.browserHash().value()));
    item.put("returnTo", s(pending.returnTo()));
    item.put("sub", s(pending.identity().subject()));
    item.put("name", s(pending.identity().name()));
    item.put("tokenId", s(pending.identity().tokenId()));
    item.put("tokenExp", n(pending.identity().expiresAt().getEpochSecond()));
    if (!pending.claims().isEmpty()) {
      item.put("claims", s(pending.claims().serialize()));
    }
    dynamo.putItem(
        r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
  }

  /**
   * Consumes a pending switch, if it is this browser's and still live (once: a conditional delete,
   * like a sign-in's).
   */
  public Optional<PendingSwitch> consumeSwitch(String switchToken, String browserCookie) {
    TokenHash browserHash = Tokens.hash(browserCookie);
    return delete(Tokens.hash(switchToken), browserHash, "attribute_exists(#sub)")
        .map(
            old ->
                new PendingSwitch(
                    browserHash,
                    Items.str(old, "returnTo"),
                    new LoginIdentity(
                        Items.str(old, "sub"),
                        Items.str(old, "name"),
                        Items.str(old, "tokenId"),
                        Instant.ofEpochSecond(Items.num(old, "tokenExp").orElse(0L))),
                    CustomClaims.ofStored(Items.str(old, "claims"))));
  }

  /** How long the switch page's choice waits. */
  public static final Duration SWITCH_TTL = Duration.ofMinutes(10);

  /**
   * A sign-in that proved another user than the live session's, waiting for the person's choice.
   *
   * @param browserHash the SHA-256 of the pre-login cookie of the browser it belongs to
   * @param returnTo the authorization request to go back to
   * @param identity who the ID token named, its {@code tokenId} the sign-in's {@code state} hash
   * @param claims the ID token's claims the allow-list selected ({@code LOGIN_CLAIMS}), for the
   *     session the switch opens
   */
  public record PendingSwitch(
      TokenHash browserHash, String returnTo, LoginIdentity identity, CustomClaims claims) {
    @Override
    public String toString() {
      return "PendingSwitch[...]";
    }
  }

  /** Deletes the item if it is this browser's, live and of the kind {@code kind} says. */
  private Optional<Map<String, AttributeValue>> delete(
      TokenHash keyHash, TokenHash browserHash, String kind) {
    try {
      return Optional.of(
          dynamo
              .deleteItem(
                  r ->
                      r.tableName(table)
                          .key(key(LOGIN_REQUEST, keyHash.value()))
                          .conditionExpression("browser = :browser AND #exp > :now AND " + kind)
                          .expressionAttributeNames(
                              kind.contains("#sub")
                                  ? Map.of("#exp", Items.EXPIRES_AT, "#sub", "sub")
                                  : Map.of("#exp", Items.EXPIRES_AT))
                          .expressionAttributeValues(
                              Map.of(
                                  ":browser",
                                  s(browserHash.value()),
                                  ":now",
                                  n(clock.instant().getEpochSecond())))
                          .returnValues(ReturnValue.ALL_OLD))
              .attributes());
    } catch (ConditionalCheckFailedException refused) {
      return Optional.empty();
    }
  }

  /** How long a sign-in may take. */
  public Duration ttl() {
    return ttl;
  }
}
