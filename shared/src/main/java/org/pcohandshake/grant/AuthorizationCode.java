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
 */
public record AuthorizationCode(
    Grant grant, String redirectUri, String codeChallenge, Instant expiresAt, boolean redeemed) {}
