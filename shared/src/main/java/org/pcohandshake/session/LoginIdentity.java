package org.pcohandshake.session;

import java.time.Instant;

/**
 * Who the login bridge says the user is, from a verified {@code login_token}.
 *
 * @param subject the integrator's user id ({@code sub})
 * @param name display name, may be empty
 * @param tokenId the {@code jti}, single use
 * @param expiresAt the token's {@code exp}
 * @param loginState the round trip the login app bound the token to (its {@code login_state}
 *     claim), empty when it did not bind it
 */
public record LoginIdentity(
    String subject, String name, String tokenId, Instant expiresAt, String loginState) {

  /** An identity whose token is not bound to a round trip. */
  public LoginIdentity(String subject, String name, String tokenId, Instant expiresAt) {
    this(subject, name, tokenId, expiresAt, "");
  }
}
