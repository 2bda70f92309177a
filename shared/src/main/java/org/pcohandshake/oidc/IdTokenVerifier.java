package org.pcohandshake.oidc;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;

/** Reads an ID token's claims (OpenID Connect Core 1.0, section 3.1.3.7). */
public final class IdTokenVerifier {

  /** How far our clock and the provider's may disagree. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  private final OidcProvider provider;

  public IdTokenVerifier(OidcProvider provider, Clock clock) {
    this.provider = provider;
  }

  /**
   * The user this stack knows for an issuer and a user claim's value: the issuer, {@code #}, the
   * value. Unambiguous (an issuer has no fragment, so the first {@code #} ends it) and stable.
   */
  public static String subjectOf(String issuer, String user) {
    return issuer + "#" + user;
  }

  /** Reads the token for this login request's {@code nonce}. */
  public IdTokenCheck verify(String idToken, String expectedNonce) {
    JWTClaimsSet claims;
    String user;
    String name;
    try {
      JWT jwt = JWTParser.parse(idToken);
      claims = jwt.getJWTClaimsSet();
      user = claims.getStringClaim(provider.settings().userClaim());
      name = claims.getStringClaim("name");
    } catch (ParseException e) {
      return new IdTokenCheck.Invalid("parse");
    }
    if (user == null || user.isBlank()) {
      return new IdTokenCheck.Invalid("user_claim");
    }
    return new IdTokenCheck.Valid(
        subjectOf(provider.settings().issuer(), user),
        name == null ? "" : name,
        claims.getExpirationTime().toInstant(),
        claims.getClaims());
  }
}
