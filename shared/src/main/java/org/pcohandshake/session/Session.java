package org.pcohandshake.session;

import org.pcohandshake.crypto.TokenHash;

/**
 * An integrator user's browser session with this server.
 *
 * @param idHash the SHA-256 of the session cookie value (the only form stored)
 * @param subject the integrator's user id
 * @param name the user's display name, may be empty
 */
public record Session(TokenHash idHash, String subject, String name) {}
