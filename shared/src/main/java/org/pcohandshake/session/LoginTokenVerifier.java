package org.pcohandshake.session;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Verifies the login bridge's {@code login_token}: a compact JWS, HS256 with a shared key or
 * RS256/ES256 from the integrator's JWKS, with {@code iss}, {@code aud} (this server's issuer),
 * {@code sub}, {@code iat}, {@code exp} at most 5 minutes after {@code iat}, and {@code jti}.
 * Single use of {@code jti} is enforced by the caller's store.
 */
public final class LoginTokenVerifier {

  /** The longest lifetime a login token may claim. */
  public static final Duration MAX_LIFETIME = Duration.ofMinutes(5);

  private static final int MAX_LENGTH = 4096;
  private static final int CLOCK_SKEW_SECONDS = 30;

  private final Supplier<String> keySource;
  private final Function<String, DefaultJWTProcessor<SecurityContext>> processorFor;
  private final Clock clock;
  private volatile Built built;

  /** The processor and what it was built from (a key is never part of the text of this record). */
  private record Built(String keySource, DefaultJWTProcessor<SecurityContext> processor) {
    @Override
    public String toString() {
      return "Built[processor]";
    }
  }

  private LoginTokenVerifier(
      Supplier<String> keySource,
      Function<String, DefaultJWTProcessor<SecurityContext>> processorFor,
      Clock clock) {
    this.keySource = keySource;
    this.processorFor = processorFor;
    this.clock = clock;
  }

  /**
   * HS256 with a key asked for at each verification (a {@code SecretCache}, which reads Secrets
   * Manager again when its cache expires): when the key has changed, the processor is built anew,
   * so after a rotation of the key the new one is accepted and the old one refused.
   */
  public static LoginTokenVerifier hmac(
      Supplier<String> key, String loginIssuer, String audience, Clock clock) {
    return new LoginTokenVerifier(
        key,
        currentKey -> {
          byte[] secret = currentKey.getBytes(StandardCharsets.UTF_8);
          return processor(
              new ImmutableSecret<>(secret),
              Set.of(JWSAlgorithm.HS256),
              loginIssuer,
              audience,
              clock);
        },
        clock);
  }

  /** RS256 or ES256 with keys from the integrator's JWKS URL (cached, refreshed on unknown kid). */
  public static LoginTokenVerifier jwks(
      String jwksUrl, String loginIssuer, String audience, Clock clock) {
    return new LoginTokenVerifier(
        () -> jwksUrl,
        url -> {
          try {
            JWKSource<SecurityContext> source =
                JWKSourceBuilder.create(URI.create(url).toURL()).retrying(true).build();
            return processor(
                source,
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                loginIssuer,
                audience,
                clock);
          } catch (MalformedURLException e) {
            throw new IllegalStateException("LOGIN_JWKS_URL is not a URL", e);
          }
        },
        clock);
  }

  private static DefaultJWTProcessor<SecurityContext> processor(
      JWKSource<SecurityContext> keys,
      Set<JWSAlgorithm> algorithms,
      String loginIssuer,
      String audience,
      Clock clock) {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            audience,
            new JWTClaimsSet.Builder().issuer(loginIssuer).build(),
            Set.of("sub", "iat", "exp", "jti")) {
          @Override
          protected Date currentTime() {
            return Date.from(clock.instant());
          }
        };
    claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
    processor.setJWTClaimsSetVerifier(claims);
    return processor;
  }

  /** The identity in a valid token; empty for anything invalid, expired or too long-lived. */
  public Optional<LoginIdentity> verify(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    JWTClaimsSet claims;
    try {
      claims = processor().process(token, null);
    } catch (java.text.ParseException
        | com.nimbusds.jose.proc.BadJOSEException
        | com.nimbusds.jose.JOSEException e) {
      return Optional.empty();
    }
    Date iat = claims.getIssueTime();
    Date exp = claims.getExpirationTime();
    if (exp.getTime() - iat.getTime() > MAX_LIFETIME.toMillis()
        || iat.toInstant().isAfter(clock.instant().plusSeconds(CLOCK_SKEW_SECONDS))
        || claims.getSubject().isBlank()
        || claims.getJWTID().isBlank()) {
      return Optional.empty();
    }
    String name;
    try {
      name = Optional.ofNullable(claims.getStringClaim("name")).orElse("");
    } catch (java.text.ParseException e) {
      name = "";
    }
    String loginState;
    try {
      loginState = Optional.ofNullable(claims.getStringClaim(LoginBinding.STATE)).orElse("");
    } catch (java.text.ParseException notAString) {
      return Optional.empty(); // a binding we cannot read is no binding to trust
    }
    return Optional.of(
        new LoginIdentity(
            claims.getSubject(),
            name,
            claims.getJWTID(),
            exp.toInstant(),
            loginState,
            claims.toJSONObject()));
  }

  /** The processor for the key as it is now, built when first needed and when the key changed. */
  private DefaultJWTProcessor<SecurityContext> processor() {
    String source = keySource.get();
    Built b = built;
    if (b == null || !b.keySource.equals(source)) {
      b = new Built(source, processorFor.apply(source));
      built = b;
    }
    return b.processor;
  }
}
