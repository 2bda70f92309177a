package org.pcohandshake.authorize;

import org.pcohandshake.grant.Scope;

/**
 * A validated authorization request (RFC 6749 section 4.1.1, RFC 7636 section 4.3).
 *
 * @param clientId the registered client
 * @param redirectUri exactly one of the allowed redirect URIs
 * @param state the client's state, echoed byte for byte
 * @param scope the requested scope (may be empty)
 * @param codeChallenge the S256 PKCE challenge, empty when none was sent
 */
public record AuthorizationRequest(
    String clientId, String redirectUri, String state, Scope scope, String codeChallenge) {}
