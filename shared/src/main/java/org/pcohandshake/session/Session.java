package org.pcohandshake.session;

import java.time.Instant;
import org.pcohandshake.crypto.TokenHash;
import org.pcohandshake.grant.CustomClaims;

/**
 * An integrator user's browser session with this server.
 *
 * @param idHash the SHA-256 of the session cookie value (the only form stored)
 * @param subject the integrator's user id
 * @param name the user's display name, may be empty
 * @param claims the login's allow-listed claims ({@code LOGIN_CLAIMS}), for the grants this session
 *     approves
 * @param openedAt when the login opened it: the codes it approves carry it, and an offboarding
 *     after it ends them ({@link org.pcohandshake.grant.GrantStore#endUser})
 */
public record Session(
    TokenHash idHash, String subject, String name, CustomClaims claims, Instant openedAt) {

  /** A session whose login carried no allow-listed claims, opened at the epoch (priming, tests). */
  public Session(TokenHash idHash, String subject, String name) {
    this(idHash, subject, name, CustomClaims.NONE, Instant.EPOCH);
  }
}
