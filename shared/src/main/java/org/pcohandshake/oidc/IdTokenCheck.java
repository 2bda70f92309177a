package org.pcohandshake.oidc;

import java.time.Instant;
import java.util.Map;

/** What the check of an ID token found: the user it names, or the rule it broke. */
public sealed interface IdTokenCheck {

  /**
   * A valid ID token.
   *
   * @param subject the user as this stack names them: {@link IdTokenVerifier#subjectOf} of the
   *     issuer and the user claim, never an address
   * @param name the {@code name} claim, may be empty
   * @param expiresAt the token's {@code exp}
   * @param claims every claim of the token, for an allow-list of claims to carry into grants
   */
  record Valid(String subject, String name, Instant expiresAt, Map<String, Object> claims)
      implements IdTokenCheck {
    public Valid {
      claims = Map.copyOf(claims);
    }

    @Override
    public String toString() {
      return "Valid[claims]"; // a token's claims are not for logs
    }
  }

  /**
   * An ID token refused.
   *
   * @param reason which rule, for the log line (never a value from the token)
   */
  record Invalid(String reason) implements IdTokenCheck {}
}
