package org.pcohandshake.grant;

import java.time.Instant;
import org.pcohandshake.link.PcoLink;

/**
 * A token family: everything issued from one authorization.
 *
 * @param id random id, also the access tokens' {@code sid} claim
 * @param clientId the client it was issued to
 * @param subject the integrator user
 * @param scope granted scope (may be empty)
 * @param link the Planning Center person and organization it serves
 * @param expiresAt the absolute end of the family; rotation never extends it
 * @param claims the login's allow-listed claims, copied into every access token of the family
 */
public record Grant(
    String id,
    String clientId,
    String subject,
    Scope scope,
    PcoLink link,
    Instant expiresAt,
    CustomClaims claims) {

  /** A grant without custom claims. */
  public Grant(
      String id, String clientId, String subject, Scope scope, PcoLink link, Instant expiresAt) {
    this(id, clientId, subject, scope, link, expiresAt, CustomClaims.NONE);
  }

  /** The same family with another scope (a refresh that asks for less): all else unchanged. */
  public Grant withScope(Scope narrower) {
    return new Grant(id, clientId, subject, narrower, link, expiresAt, claims);
  }
}
