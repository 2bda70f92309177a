package org.pcohandshake.grant;

import java.time.Instant;
import java.util.Optional;
import org.pcohandshake.crypto.TokenHash;

/**
 * A stored refresh token (by hash) and the place in its family's chain it stands for. A token
 * handed out by a repeat inside the grace window is a second handle on the successor of the first
 * rotation, not a successor of its own: it shares that successor's place, so the chain stays one.
 *
 * @param hash SHA-256 of the token
 * @param position hash of the token whose place in the chain this one holds (its own hash, but for
 *     a handle handed out by a repeat)
 * @param grant the family it belongs to
 * @param rotatedAt when that place was first exchanged for a successor; empty while current
 * @param successor hash of that successor; empty while current
 */
public record RefreshToken(
    TokenHash hash,
    TokenHash position,
    Grant grant,
    Optional<Instant> rotatedAt,
    Optional<TokenHash> successor) {}
