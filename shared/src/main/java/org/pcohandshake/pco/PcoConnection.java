package org.pcohandshake.pco;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the vault says about one stored connection, without any token.
 *
 * @param status {@code healthy} or {@code reauthorization_required}
 * @param connectedAt when step 2 first stored it
 * @param lastRefreshedAt when its tokens were last obtained (step 2 or a refresh)
 * @param reason why it needs reauthorization ({@code invalid_grant}, {@code
 *     unauthorized_after_refresh}); empty while healthy
 * @param since when it was found to need reauthorization; empty while healthy
 */
public record PcoConnection(
    String organizationId,
    String personId,
    String status,
    Instant connectedAt,
    Instant lastRefreshedAt,
    List<String> scopes,
    Optional<String> reason,
    Optional<Instant> since) {

  public static final String HEALTHY = "healthy";
  public static final String REAUTHORIZATION_REQUIRED = "reauthorization_required";

  public PcoConnection {
    scopes = List.copyOf(scopes);
  }

  public boolean healthy() {
    return HEALTHY.equals(status);
  }
}
