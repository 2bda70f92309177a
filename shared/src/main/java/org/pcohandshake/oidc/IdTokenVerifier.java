package org.pcohandshake.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.pcohandshake.crypto.Tokens;

/**
 * Checks an ID token (OpenID Connect Core 1.0, section 3.1.3.7) with nimbus-jose-jwt: the signature
 * against the provider's JWKS with one of the asymmetric algorithms its discovery document names
 * (never {@code none}, never an HMAC); {@code iss} exactly the configured issuer ({@link
 * #acceptedIssuers}); {@code aud} containing our client id and, when it names several audiences,
 * {@code azp} our client id (an {@code azp} naming another client is refused always); {@code exp}
 * and {@code iat} within {@link #CLOCK_SKEW}, {@code iat} no older than {@link #MAX_AGE}; {@code
 * nonce} the one this login request sent; a non-empty user claim.
 */
public final class IdTokenVerifier {

  /** How far our clock and the provider's may disagree. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  /** The oldest {@code iat} accepted: the token was issued for this exchange, moments ago. */
  public static final Duration MAX_AGE = Duration.ofMinutes(10);

  /** The longest ID token read (a provider's are 1 to 2 KB). */
  static final int MAX_LENGTH = 16 * 1024;

  /** OpenID Connect Core, section 2: {@code sub} is at most 255 ASCII characters. */
  static final int MAX_SUBJECT_LENGTH = 255;

  private static final int MAX_NAME_LENGTH = 200;

  private final OidcProvider provider;
  private final Clock clock;

  public IdTokenVerifier(OidcProvider provider, Clock clock) {
    this.provider = provider;
    this.clock = clock;
  }

  /**
   * The user this stack knows for an issuer and a user claim's value: the issuer, {@code #}, the
   * value. Unambiguous (an issuer has no fragment, so the first {@code #} ends it) and stable.
   */
  public static String subjectOf(String issuer, String user) {
    return issuer + "#" + user;
  }

  /** Google's issuer, which its ID tokens may also write without the scheme. */
  static final String GOOGLE = "https://accounts.google.com";

  /**
   * The {@code iss} values accepted: exactly the configured issuer, and for Google also {@code
   * accounts.google.com}, the second form Google documents for its ID tokens.
   */
  static Set<String> acceptedIssuers(String issuer) {
    return issuer.equals(GOOGLE) ? Set.of(GOOGLE, "accounts.google.com") : Set.of(issuer);
  }

  /**
   * Checks the token for this login request's {@code nonce}.
   *
   * @throws OidcException {@code UNAVAILABLE} when the provider's keys cannot be had
   */
  public IdTokenCheck verify(String idToken, String expectedNonce) {
    if (idToken == null || idToken.isEmpty() || idToken.length() > MAX_LENGTH) {
      return new IdTokenCheck.Invalid("length");
    }
    String clientId = provider.settings().clientId();
    String issuer = provider.settings().issuer();
    ProviderMetadata metadata = provider.metadata();
    Instant now = clock.instant();
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(metadata.algorithms(), provider.keys()));
    DefaultJWTClaimsVerifier<SecurityContext> rules =
        new DefaultJWTClaimsVerifier<>(
            Set.of(clientId),
            new JWTClaimsSet.Builder().build(),
            Set.of("iss", "sub", "iat", "exp", "nonce"),
            Set.of()) {
          @Override
          protected java.util.Date currentTime() {
            return java.util.Date.from(now);
          }
        };
    rules.setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
    processor.setJWTClaimsSetVerifier(rules);
    JWTClaimsSet claims;
    try {
      claims = processor.process(idToken, null);
    } catch (KeySourceException noKeys) {
      // the provider's keys could not be had: not the token's fault
      throw new OidcException(OidcException.Kind.UNAVAILABLE, "jwks", noKeys);
    } catch (ParseException | BadJOSEException | JOSEException e) {
      return new IdTokenCheck.Invalid(e.getClass().getSimpleName());
    }
    if (!acceptedIssuers(issuer).contains(claims.getIssuer())) {
      return new IdTokenCheck.Invalid("iss");
    }
    Instant issuedAt = claims.getIssueTime().toInstant();
    if (issuedAt.isAfter(now.plus(CLOCK_SKEW)) || issuedAt.isBefore(now.minus(MAX_AGE))) {
      return new IdTokenCheck.Invalid("iat");
    }
    List<String> audience = claims.getAudience();
    Object azp = claims.getClaim("azp");
    if ((audience.size() > 1 || azp != null) && !clientId.equals(azp)) {
      return new IdTokenCheck.Invalid("azp");
    }
    String nonce;
    String user;
    String name;
    try {
      nonce = claims.getStringClaim("nonce");
      user = claims.getStringClaim(provider.settings().userClaim());
      name = claims.getStringClaim("name");
    } catch (ParseException notAString) {
      return new IdTokenCheck.Invalid("claim_type");
    }
    if (nonce == null || !Tokens.constantTimeEquals(nonce, expectedNonce)) {
      return new IdTokenCheck.Invalid("nonce");
    }
    String subject = claims.getSubject();
    if (subject.isBlank() || subject.length() > MAX_SUBJECT_LENGTH) {
      return new IdTokenCheck.Invalid("sub");
    }
    if (user == null || user.isBlank() || user.length() > MAX_SUBJECT_LENGTH) {
      return new IdTokenCheck.Invalid("user_claim");
    }
    name = name == null ? "" : name.strip();
    if (name.length() > MAX_NAME_LENGTH) {
      name = name.substring(0, MAX_NAME_LENGTH);
    }
    return new IdTokenCheck.Valid(
        subjectOf(issuer, user), name, claims.getExpirationTime().toInstant(), claims.getClaims());
  }
}
