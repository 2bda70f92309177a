package org.pcohandshake.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pcohandshake.crypto.KmsJwsSigner;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.json.Json;

/**
 * Access tokens as JWTs per RFC 9068, signed by the KMS key in the deployment's algorithm ({@code
 * ACCESS_TOKEN_ALGORITHM}: ES256 or RS256). Claim names for the Planning Center link are {@value
 * #PCO_ORGANIZATION} and {@value #PCO_PERSON}; the grant id is {@code sid}.
 */
public final class AccessTokens {

  public static final String PCO_ORGANIZATION = "pco_organization_id";
  public static final String PCO_PERSON = "pco_person_id";

  private final KmsJwsSigner signer;
  private final String issuer;
  private final String audience;
  private final Duration ttl;
  private final Clock clock;

  public AccessTokens(
      KmsJwsSigner signer, String issuer, String audience, Duration ttl, Clock clock) {
    this.signer = signer;
    this.issuer = issuer;
    this.audience = audience;
    this.ttl = ttl;
    this.clock = clock;
  }

  public String issue(Grant grant) {
    return signer.sign(claims(grant, Tokens.id(), clock.instant()));
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
    claims.put("exp", now.plus(ttl).getEpochSecond());
    claims.put("jti", jwtId);
    claims.put("scope", grant.scope());
    claims.put("sid", grant.id());
    if (grant.link().present()) {
      claims.put(PCO_ORGANIZATION, grant.link().organizationId());
      claims.put(PCO_PERSON, grant.link().personId());
    }
    return claims;
  }

  public Duration ttl() {
    return ttl;
  }
}
