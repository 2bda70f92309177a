package org.pcohandshake.oidc;

import org.pcohandshake.crypto.TokenHash;

/**
 * A sign-in at the identity provider in flight, as stored until its callback consumes it.
 *
 * @param stateHash the SHA-256 of the {@code state} sent to the provider (the item's key)
 * @param browserHash the SHA-256 of the pre-login cookie of the browser that started it
 * @param nonce the {@code nonce} sent, which the ID token must carry (not a secret: it travels
 *     through the browser)
 * @param returnTo the authorization request to go back to, on this API's origin
 */
public record LoginRequest(
    TokenHash stateHash, TokenHash browserHash, String nonce, String returnTo) {}
