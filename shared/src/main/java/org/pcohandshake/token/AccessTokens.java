package org.pcohandshake.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcohandshake.config.Config;
import org.pcohandshake.crypto.KmsJwsSigner;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.json.Json;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Access tokens as JWTs per RFC 9068, signed by the KMS key in the deployment's algorithm ({@code
 * ACCESS_TOKEN_ALGORITHM}: ES256 or RS256). Claim names for the Planning Center link are {@value
 * #PCO_ORGANIZATION} and {@value #PCO_PERSON}; the grant id is {@code sid}; the grant's custom
 * claims follow, as the login gave them, those that {@code LOGIN_CLAIMS} still names: a claim taken
 * off the list leaves every token issued afterwards, also of grants approved before.
 */
public final class AccessTokens {

  public static final String PCO_ORGANIZATION = "pco_organization_id";
  public static final String PCO_PERSON = "pco_person_id";

  private final KmsJwsSigner signer;
  private final String issuer;
  private final String audience;
  private final Duration ttl;
  private final Clock clock;
  private final List<String> claimNames;

  /** Signed by {@code SIGNING_KEY_ID} in KMS, for {@code ISSUER} and {@code API_AUDIENCE}. */
  public static AccessTokens from(Config config, KmsClient kms, Clock clock) {
    return new AccessTokens(
        new KmsJwsSigner(
            kms, config.signing().keyId(), config.signing().keyId(), config.signing().algorithm()),
        config.issuer(),
        config.api().audience(),
        config.tokens().accessTtl(),
        clock,
        config.login().claims());
  }

  /** Tokens that carry no custom claims (an empty {@code LOGIN_CLAIMS}). */
  public AccessTokens(
      KmsJwsSigner signer, String issuer, String audience, Duration ttl, Clock clock) {
    this(signer, issuer, audience, ttl, clock, List.of());
  }

  /**
   * @param claimNames {@code LOGIN_CLAIMS} as configured now: the grant's custom claims a token may
   *     carry
   */
  public AccessTokens(
      KmsJwsSigner signer,
      String issuer,
      String audience,
      Duration ttl,
      Clock clock,
      List<String> claimNames) {
    this.signer = signer;
    this.issuer = issuer;
    this.audience = audience;
    this.ttl = ttl;
    this.clock = clock;
    this.claimNames = List.copyOf(claimNames);
  }

  /**
   * A signed access token and how long it lives: {@code ACCESS_TOKEN_TTL_SECONDS}, cut short at the
   * grant's absolute end, which no token of the family outlives.
   */
  public Issued issue(Grant grant) {
    Instant now = clock.instant();
    return new Issued(
        signer.sign(claims(grant, Tokens.id(), now)),
        expiry(grant, now).getEpochSecond() - now.getEpochSecond());
  }

  /**
   * An issued access token.
   *
   * @param token the JWT
   * @param expiresIn its {@code exp} less its {@code iat}, for the token response's {@code
   *     expires_in}
   */
  public record Issued(String token, long expiresIn) {}

  private Instant expiry(Grant grant, Instant now) {
    Instant full = now.plus(ttl);
    return grant.expiresAt().isBefore(full) ? grant.expiresAt() : full;
  }

  /**
   * Runs the issuing path once for a SnapStart snapshot, with nothing unique in it: the claims of a
   * grant that was never issued, with a fixed id, and a signature of a constant that is not a
   * token.
   */
  public void prime(Grant neverIssued) {
    Json.write(claims(neverIssued, "priming", Instant.EPOCH));
    signer.prime();
  }

  /** The claims in RFC 9068's order of mention, as plain values (times in epoch seconds). */
  private Map<String, Object> claims(Grant grant, String jwtId, Instant now) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", grant.subject());
    claims.put("aud", audience);
    claims.put("client_id", grant.clientId());
    claims.put("iat", now.getEpochSecond());
    claims.put("nbf", now.getEpochSecond());
    claims.put("exp", expiry(grant, now).getEpochSecond());
    claims.put("jti", jwtId);
    claims.put("scope", grant.scope().serialize());
    claims.put("sid", grant.id());
    if (grant.link().present()) {
      claims.put(PCO_ORGANIZATION, grant.link().organizationId());
      claims.put(PCO_PERSON, grant.link().personId());
    }
    // the integrator's own (LOGIN_CLAIMS refuses the names above at init): never over ours, and
    // only those the allow-list still names (the grant keeps what the login gave at approval)
    grant
        .claims()
        .values()
        .forEach(
            (name, value) -> {
              if (claimNames.contains(name)) {
                claims.putIfAbsent(name, value);
              }
            });
    return claims;
  }
}
