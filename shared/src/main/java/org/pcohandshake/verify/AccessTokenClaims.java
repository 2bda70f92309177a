package org.pcohandshake.verify;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.pcohandshake.grant.Scope;

/**
 * What a verified access token says (RFC 9068 claims plus the Planning Center link).
 *
 * @param subject {@code sub}: the integrator's user id
 * @param clientId {@code client_id}: the OAuth client the token was issued to (Planning Center)
 * @param scope {@code scope}: the granted scope (may be empty)
 * @param grantId {@code sid}: the grant (token family); revoking it revokes the token
 * @param pcoOrganizationId {@code pco_organization_id}, empty when the grant has no PCO link
 * @param pcoPersonId {@code pco_person_id}, empty when the grant has no PCO link
 * @param tokenId {@code jti}
 * @param expiresAt {@code exp}
 */
public record AccessTokenClaims(
    String subject,
    String clientId,
    Scope scope,
    String grantId,
    Optional<String> pcoOrganizationId,
    Optional<String> pcoPersonId,
    String tokenId,
    Instant expiresAt) {

  /** The granted scopes as a list. */
  public List<String> scopes() {
    return scope.tokens();
  }

  /** Whether the token grants this scope. */
  public boolean hasScope(String name) {
    return scope.contains(name);
  }
}
