package org.pcohandshake.session;

import java.time.Instant;

/**
 * Who the login bridge says the user is, from a verified {@code login_token}.
 *
 * @param subject the integrator's user id ({@code sub})
 * @param name display name, may be empty
 * @param tokenId the {@code jti}, single use
 * @param expiresAt the token's {@code exp}
 */
public record LoginIdentity(String subject, String name, String tokenId, Instant expiresAt) {}
