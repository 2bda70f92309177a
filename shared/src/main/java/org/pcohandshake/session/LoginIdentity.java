package org.pcohandshake.session;

import java.time.Instant;
import java.util.Map;

/**
 * Who the login says the user is, from a verified {@code login_token}.
 *
 * @param subject the integrator's user id ({@code sub})
 * @param name display name, may be empty
 * @param tokenId the {@code jti}, single use
 * @param expiresAt the token's {@code exp}
 * @param loginState the round trip the login app bound the token to (its {@code login_state}
 *     claim), empty when it did not bind it
 * @param claims every claim of the verified token as plain values (strings, numbers, booleans,
 *     lists, maps): what the {@code LOGIN_CLAIMS} allow-list picks from ({@link
 *     org.pcohandshake.grant.CustomClaims#select}), whatever kind of login verified them
 */
public record LoginIdentity(
    String subject,
    String name,
    String tokenId,
    Instant expiresAt,
    String loginState,
    Map<String, Object> claims) {

  public LoginIdentity {
    claims = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claims));
  }

  /** An identity whose token carries no claims but its own. */
  public LoginIdentity(
      String subject, String name, String tokenId, Instant expiresAt, String loginState) {
    this(subject, name, tokenId, expiresAt, loginState, Map.of());
  }

  /** An identity whose token is not bound to a round trip. */
  public LoginIdentity(String subject, String name, String tokenId, Instant expiresAt) {
    this(subject, name, tokenId, expiresAt, "");
  }

  /** The claims stay out of the text of this record: they are the integrator's, not the log's. */
  @Override
  public String toString() {
    return "LoginIdentity[claims=" + claims.size() + "]";
  }
}
