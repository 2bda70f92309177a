package org.pcohandshake.grant;

import java.time.Instant;

/**
 * What an authorization code is bound to (RFC 6749 section 4.1.3, RFC 7636 section 4.6).
 *
 * @param grant the grant this code will create, with its id chosen at issue time so that a replay
 *     can revoke exactly the tokens issued from the first exchange
 * @param redirectUri the exact redirect URI the code was sent to
 * @param codeChallenge the S256 challenge, empty when none
 * @param expiresAt when the code stops being redeemable
 * @param redeemed whether it was already exchanged
 * @param loginAt when the session that approved it was opened: an offboarding of the user at or
 *     after that time refuses its redemption ({@link GrantStore#endUser})
 */
public record AuthorizationCode(
    Grant grant,
    String redirectUri,
    String codeChallenge,
    Instant expiresAt,
    boolean redeemed,
    Instant loginAt) {

  /** A code of no known login (taken as opened at the epoch: any offboarding ends it). */
  public AuthorizationCode(
      Grant grant, String redirectUri, String codeChallenge, Instant expiresAt, boolean redeemed) {
    this(grant, redirectUri, codeChallenge, expiresAt, redeemed, Instant.EPOCH);
  }
}
