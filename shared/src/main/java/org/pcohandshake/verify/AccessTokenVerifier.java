package org.pcohandshake.verify;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.Config.AccessTokenAlgorithm;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.grant.Scope;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.json.Json;
import org.pcohandshake.log.Log;
import org.pcohandshake.snapstart.Priming;

/**
 * Verifies our access tokens (RFC 9068) for a resource server, in one call: {@link
 * #verify(HttpRequest)} answers {@link Verification.Valid} with the claims, or {@link
 * Verification.Invalid} with the reason and the 401 to send.
 *
 * <p>Checks, in order: the token comes in the {@code Authorization: Bearer} header (never the URL);
 * it is a compact JWS of at most {@value #MAX_TOKEN_CHARS} characters; {@code alg} is the
 * deployment's one algorithm ({@code ACCESS_TOKEN_ALGORITHM}: ES256 or RS256) and nothing else (no
 * {@code none}, no HMAC, so a public key can never serve as an HMAC secret, and not the other
 * asymmetric algorithm either); {@code typ} is {@code at+jwt}; {@code kid} names a signing key of
 * the JWKS of that algorithm's kind (EC P-256 for ES256, RSA of at least 2048 bits for RS256); the
 * signature verifies; then, only on a verified payload, {@code iss} is our issuer, {@code aud}
 * names this API, {@code exp}, {@code nbf} and {@code iat} hold within the clock skew, the required
 * claims are present; last, when the revocation policy says so, the grant is alive (one DynamoDB
 * read).
 *
 * <p>Where the keys come from is the caller's choice ({@link JWKSource}). {@link #from(Config,
 * Clock)}, which resource servers use, reads the JWKS over HTTPS from {@code jwks_uri} ({@code
 * JWKS_URL}, by default the issuer's {@code /.well-known/jwks.json}) and caches it ({@link
 * CachedJwks}): that is what every standard verifier does, it needs no AWS permission nor AWS SDK
 * in the integrator's functions, it follows a key rotation by itself (the JWKS is the one place
 * that says which keys are trusted), and it works from any account or language. Our own revocation
 * endpoint, which already holds KMS access, builds its key source from KMS instead.
 */
public final class AccessTokenVerifier {

  /** Longer tokens are refused before any parsing (ours are well under 1,000 characters). */
  public static final int MAX_TOKEN_CHARS = 4_096;

  /** RSA keys shorter than this are not trusted (RFC 7518 section 3.3). */
  public static final int MIN_RSA_KEY_BITS = 2048;

  private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

  private final JWKSource<SecurityContext> keys;
  private final AccessTokenAlgorithm algorithm;
  private final String issuer;
  private final String audience;
  private final Duration clockSkew;
  private final GrantCheck grants;
  private final Clock clock;

  /**
   * @param keys the trusted public keys (the JWKS)
   * @param algorithm the one {@code alg} accepted; tokens of any other are refused
   * @param issuer the exact {@code iss} expected
   * @param audience the {@code aud} value that names this API
   * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}
   * @param grants the revocation policy: {@link GrantCheck#none()} or a grant lookup
   */
  public AccessTokenVerifier(
      JWKSource<SecurityContext> keys,
      AccessTokenAlgorithm algorithm,
      String issuer,
      String audience,
      Duration clockSkew,
      GrantCheck grants,
      Clock clock) {
    this.keys = keys;
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    this.issuer = issuer;
    this.audience = audience;
    this.clockSkew = clockSkew;
    this.grants = grants;
    this.clock = clock;
  }

  /**
   * The verifier a resource server builds once, at init, from its environment: {@code ISSUER}
   * (required), {@code ACCESS_TOKEN_ALGORITHM} (the issuer's: ES256, the default, or RS256), {@code
   * API_AUDIENCE}, {@code JWKS_URL}, {@code CLOCK_SKEW_SECONDS}, and {@code REVOCATION_CHECK}
   * ({@code grant}, the default, also needs {@code TABLE_NAME} and read access to the table; {@code
   * none} needs neither).
   */
  public static AccessTokenVerifier fromEnvironment(Map<String, String> environment) {
    return from(Config.fromEnvironment(environment), Clock.systemUTC());
  }

  /** Like {@link #fromEnvironment(Map)}, from a configuration already read. */
  public static AccessTokenVerifier from(Config config, Clock clock) {
    config.require(Config.ISSUER);
    GrantCheck grants = GrantCheck.none();
    if (config.api().revocationCheck() == Config.RevocationCheck.GRANT) {
      config.require(Config.TABLE_NAME);
      grants = grantStore(config, clock)::grantAlive;
    }
    return new AccessTokenVerifier(
        CachedJwks.remote(URI.create(config.api().jwksUrl()), clock),
        config.signing().algorithm(),
        config.issuer(),
        config.api().audience(),
        config.api().clockSkew(),
        grants,
        clock);
  }

  private static GrantStore grantStore(Config config, Clock clock) {
    return new GrantStore(new AwsClients(config).dynamoDb(), config.tableName(), clock);
  }

  /**
   * Verifies the request's bearer token and logs a refusal's reason with the request id (never the
   * token).
   *
   * @throws UncheckedIOException when no keys can be had (the JWKS endpoint is down and nothing is
   *     cached): the shared error path answers 503, since the token may well be good
   */
  public Verification verify(HttpRequest http) {
    Verification result = verifyRequest(http);
    if (result instanceof Verification.Invalid invalid) {
      Log.warn(http.requestId(), "access_token_refused", Map.of("reason", invalid.reason()));
    }
    return result;
  }

  private Verification verifyRequest(HttpRequest http) {
    if (http.query().has("access_token")) {
      return invalid(Verification.Reason.IN_QUERY);
    }
    Optional<String> authorization = http.header("authorization");
    if (authorization.isEmpty() || !authorization.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
      return invalid(Verification.Reason.MISSING);
    }
    return verify(authorization.get().substring(7).trim());
  }

  /** Verifies a bare token (the compact JWS). */
  public Verification verify(String token) {
    if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      return invalid(Verification.Reason.MALFORMED);
    }
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return invalid(Verification.Reason.MALFORMED);
    }
    Header parsedHeader;
    try {
      parsedHeader = Header.parse(new Base64URL(token.substring(0, dot)));
    } catch (ParseException e) {
      return invalid(Verification.Reason.MALFORMED);
    }
    // decided on the header alone, before anything else is parsed: alg "none" has a PlainHeader,
    // an encrypted token a JWEHeader, and only the configured algorithm is ever accepted
    if (!(parsedHeader instanceof JWSHeader jws)
        || !algorithm.jwsAlgorithm().equals(jws.getAlgorithm())) {
      return invalid(Verification.Reason.ALGORITHM);
    }
    SignedJWT signed;
    try {
      signed = SignedJWT.parse(token);
    } catch (ParseException e) {
      return invalid(Verification.Reason.MALFORMED);
    }
    JWSHeader header = signed.getHeader();
    if (!isAccessTokenType(header.getType())) {
      return invalid(Verification.Reason.TYPE);
    }
    if (header.getKeyID() == null || header.getKeyID().isBlank()) {
      return invalid(Verification.Reason.UNKNOWN_KEY);
    }
    List<JWK> candidates = keysFor(header.getKeyID());
    if (candidates.isEmpty()) {
      return invalid(Verification.Reason.UNKNOWN_KEY);
    }
    if (!signatureVerifies(signed, candidates)) {
      return invalid(Verification.Reason.SIGNATURE);
    }
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      return invalid(Verification.Reason.MALFORMED);
    }
    return checkClaims(claims);
  }

  private Verification checkClaims(JWTClaimsSet claims) {
    if (!issuer.equals(claims.getIssuer())) {
      return invalid(Verification.Reason.ISSUER);
    }
    if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
      return invalid(Verification.Reason.AUDIENCE);
    }
    Date expiration = claims.getExpirationTime();
    Date issuedAt = claims.getIssueTime();
    if (expiration == null || issuedAt == null) {
      return invalid(Verification.Reason.MISSING_CLAIM);
    }
    Instant now = clock.instant();
    if (!now.isBefore(expiration.toInstant().plus(clockSkew))) {
      return invalid(Verification.Reason.EXPIRED);
    }
    Instant latestAcceptable = now.plus(clockSkew);
    Date notBefore = claims.getNotBeforeTime();
    if ((notBefore != null && notBefore.toInstant().isAfter(latestAcceptable))
        || issuedAt.toInstant().isAfter(latestAcceptable)) {
      return invalid(Verification.Reason.NOT_YET_VALID);
    }
    AccessTokenClaims result;
    try {
      String subject = claims.getSubject();
      String clientId = claims.getStringClaim("client_id");
      String grantId = claims.getStringClaim("sid");
      String tokenId = claims.getJWTID();
      if (isBlank(subject) || isBlank(clientId) || isBlank(grantId) || isBlank(tokenId)) {
        return invalid(Verification.Reason.MISSING_CLAIM);
      }
      Optional<Scope> scope =
          Scope.parse(Objects.requireNonNullElse(claims.getStringClaim("scope"), ""));
      if (scope.isEmpty()) {
        return invalid(Verification.Reason.MALFORMED);
      }
      result =
          new AccessTokenClaims(
              subject,
              clientId,
              scope.get(),
              grantId,
              Optional.ofNullable(claims.getStringClaim("pco_organization_id"))
                  .filter(s -> !s.isEmpty()),
              Optional.ofNullable(claims.getStringClaim("pco_person_id")).filter(s -> !s.isEmpty()),
              tokenId,
              expiration.toInstant());
    } catch (ParseException e) {
      return invalid(Verification.Reason.MALFORMED);
    }
    if (!grants.alive(result.grantId())) {
      return invalid(Verification.Reason.REVOKED);
    }
    return new Verification.Valid(result);
  }

  /**
   * SnapStart priming: the verification path run once with no key fetched, nothing accepted and
   * nothing unique. A sample token that names no key is parsed and refused before the key set is
   * asked for; its constant signature is checked, and fails, against a key made of constants that
   * is never in a key set (the curve's base point for ES256, whose private key is 1, so it must
   * never be trusted; a constant modulus for RS256); its claims, dated 1970, are checked and
   * refused as expired; and the revocation check, when the policy has one, looks for a grant that
   * was never issued (a read that misses).
   */
  public void prime() {
    String token = primingToken();
    verify(token);
    try {
      SignedJWT signed = SignedJWT.parse(token);
      JWK key = JWKSet.parse(new JWKSet(primingKey()).toString()).getKeys().get(0);
      signatureVerifies(signed, List.of(key));
      checkClaims(signed.getJWTClaimsSet());
    } catch (ParseException | GeneralSecurityException e) {
      throw new IllegalStateException("the priming sample does not parse", e);
    }
    grants.alive(Priming.GRANT_ID);
  }

  /** A token of the configured algorithm with no {@code kid} and a signature of constant bytes. */
  private String primingToken() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", "priming");
    claims.put("aud", audience);
    claims.put("client_id", "priming");
    claims.put("iat", 0);
    claims.put("nbf", 0);
    claims.put("exp", 60);
    claims.put("jti", "priming");
    claims.put("scope", "");
    claims.put("sid", Priming.GRANT_ID);
    byte[] signature =
        new byte
            [switch (algorithm) {
              case ES256 -> 64;
              case RS256 -> MIN_RSA_KEY_BITS / 8;
            }];
    Arrays.fill(signature, (byte) 1);
    String header = "{\"alg\":\"" + algorithm.jwsAlgorithm().getName() + "\",\"typ\":\"at+jwt\"}";
    return Base64URL.encode(header)
        + "."
        + Base64URL.encode(Json.write(claims))
        + "."
        + Base64URL.encode(signature);
  }

  /**
   * A public key of the configured algorithm's kind made of constants, used only to run the
   * signature check once: it is never in a key set and must never be (the P-256 base point's
   * private key is 1).
   */
  private JWK primingKey() throws GeneralSecurityException {
    return switch (algorithm) {
      case ES256 -> {
        ECParameterSpec p256 = Curve.P_256.toECParameterSpec();
        yield new ECKey.Builder(
                Curve.P_256,
                (ECPublicKey)
                    KeyFactory.getInstance("EC")
                        .generatePublic(new ECPublicKeySpec(p256.getGenerator(), p256)))
            .build();
      }
      case RS256 ->
          new RSAKey.Builder(
                  (RSAPublicKey)
                      KeyFactory.getInstance("RSA")
                          .generatePublic(
                              new RSAPublicKeySpec(
                                  BigInteger.ONE
                                      .shiftLeft(MIN_RSA_KEY_BITS)
                                      .subtract(BigInteger.ONE),
                                  BigInteger.valueOf(65_537))))
              .build();
    };
  }

  /** The JWKS keys named {@code kid} that can verify the configured algorithm, and only those. */
  private List<JWK> keysFor(String kid) {
    JWKMatcher.Builder matcher =
        new JWKMatcher.Builder()
            .keyID(kid)
            .keyUses(KeyUse.SIGNATURE, null)
            .algorithms(algorithm.jwsAlgorithm(), null);
    switch (algorithm) {
      case ES256 -> matcher.keyType(KeyType.EC).curve(Curve.P_256);
      case RS256 -> matcher.keyType(KeyType.RSA).minKeySize(MIN_RSA_KEY_BITS);
    }
    try {
      return keys.get(new JWKSelector(matcher.build()), null);
    } catch (KeySourceException e) {
      throw new UncheckedIOException(new IOException("no signing keys available", e));
    }
  }

  private boolean signatureVerifies(SignedJWT signed, List<JWK> candidates) {
    for (JWK candidate : candidates) {
      try {
        JWSVerifier verifier =
            switch (algorithm) {
              case ES256 -> new ECDSAVerifier(candidate.toECKey());
              case RS256 -> new RSASSAVerifier(candidate.toRSAKey());
            };
        if (signed.verify(verifier)) {
          return true;
        }
      } catch (JOSEException e) {
        // a key that cannot verify this token: try the next one
      }
    }
    return false;
  }

  /** RFC 9068 section 4: {@code at+jwt}, or the full media type, compared case-insensitively. */
  private static boolean isAccessTokenType(JOSEObjectType type) {
    if (type == null) {
      return false;
    }
    String value = type.getType().toLowerCase(Locale.ROOT);
    return value.equals(AT_JWT.getType()) || value.equals("application/at+jwt");
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static Verification invalid(Verification.Reason reason) {
    return new Verification.Invalid(reason);
  }
}
