package org.pcohandshake.authorize;

import org.pcohandshake.crypto.TokenHash;
import org.pcohandshake.link.PendingLink;

/**
 * A consent in flight: the validated request waiting for the user's decision, bound to the session
 * that saw the form.
 *
 * @param sessionHash the hash of the session cookie the form was shown to
 * @param subject the integrator user of that session
 * @param request the validated authorization request
 * @param link the link from step 2 that the decision consumes with the code, or {@link
 *     PendingLink#NONE} when step 2 is skipped
 */
public record Consent(
    TokenHash sessionHash, String subject, AuthorizationRequest request, PendingLink link) {}
