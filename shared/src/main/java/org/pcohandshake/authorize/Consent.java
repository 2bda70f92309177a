package org.pcohandshake.authorize;

import org.pcohandshake.link.PcoLink;

/**
 * A consent in flight: the validated request waiting for the user's decision, bound to the session
 * that saw the form.
 *
 * @param sessionHash the hash of the session cookie the form was shown to
 * @param subject the integrator user of that session
 * @param request the validated authorization request
 * @param link the Planning Center identity from step 2, or {@link PcoLink#NONE}
 */
public record Consent(
    String sessionHash, String subject, AuthorizationRequest request, PcoLink link) {}
