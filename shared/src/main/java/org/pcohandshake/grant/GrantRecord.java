package org.pcohandshake.grant;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A grant as the administrator sees it, read from the grant's own item by primary key (strongly
 * consistent): who and what it is for, and its state.
 *
 * @param grant the family's fields (id, client, user, scope, PCO link, absolute expiry)
 * @param createdAt when the code was redeemed
 * @param lastRefreshedAt when one of its refresh tokens was last exchanged; empty if never
 * @param revokedAt when it was revoked; empty while not revoked
 * @param revokedFor why (e.g. {@code refresh_reuse}, {@code admin}); empty while not revoked
 */
public record GrantRecord(
    Grant grant,
    Instant createdAt,
    Optional<Instant> lastRefreshedAt,
    Optional<Instant> revokedAt,
    String revokedFor) {

  /** Whether it can still issue tokens at {@code now}: not revoked, not past its absolute end. */
  public boolean alive(Instant now) {
    return revokedAt.isEmpty() && grant.expiresAt().isAfter(now);
  }

  /** The answer's members for one grant (times as ISO-8601 UTC, to the second). */
  public Map<String, Object> describe(Instant now) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("grant_id", grant.id());
    out.put("client_id", grant.clientId());
    out.put("user_id", grant.subject());
    out.put("pco_organization_id", grant.link().organizationId());
    out.put("pco_person_id", grant.link().personId());
    out.put("scope", grant.scope().serialize());
    out.put("created_at", createdAt.toString());
    out.put("last_refreshed_at", lastRefreshedAt.map(Instant::toString).orElse(null));
    out.put("expires_at", grant.expiresAt().toString());
    out.put("revoked", revokedAt.isPresent());
    out.put("revoked_at", revokedAt.map(Instant::toString).orElse(null));
    out.put("revoked_reason", revokedAt.isPresent() ? revokedFor : null);
    out.put("alive", alive(now));
    return out;
  }
}
