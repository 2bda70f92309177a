package org.pcohandshake.pco;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A Planning Center access token handed out from the vault: never with its refresh token. {@link
 * #toString()} never shows the token.
 *
 * @param organizationId the connection's organization
 * @param personId the person the token acts as (every PCO token acts as one person)
 * @param accessToken the bearer token for PCO's API
 * @param expiresAt when it expires (at least {@link PcoTokenVault#REFRESH_MARGIN} away when PCO
 *     could be reached)
 * @param scopes the granted scopes
 */
public record PcoAccessToken(
    String organizationId,
    String personId,
    String accessToken,
    Instant expiresAt,
    List<String> scopes) {

  public PcoAccessToken {
    Objects.requireNonNull(accessToken, "accessToken");
    scopes = List.copyOf(scopes);
  }

  @Override
  public String toString() {
    return "PcoAccessToken[organizationId="
        + organizationId
        + ", personId="
        + personId
        + ", accessToken=<redacted>, expiresAt="
        + expiresAt
        + ", scopes="
        + scopes
        + "]";
  }
}
