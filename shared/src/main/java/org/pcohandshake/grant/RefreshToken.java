package org.pcohandshake.grant;

import java.time.Instant;
import java.util.Optional;

/**
 * A stored refresh token (by hash).
 *
 * @param hash SHA-256 of the token
 * @param grant the family it belongs to
 * @param rotatedAt when it was first exchanged for a successor; empty while current
 */
public record RefreshToken(String hash, Grant grant, Optional<Instant> rotatedAt) {}
