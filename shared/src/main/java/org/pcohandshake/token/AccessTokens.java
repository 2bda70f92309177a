package org.pcohandshake.token;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.pcohandshake.crypto.KmsJwsSigner;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.Grant;

/**
 * Access tokens as JWTs per RFC 9068, signed ES256 by the KMS key. Claim names for the Planning
 * Center link are {@value #PCO_ORGANIZATION} and {@value #PCO_PERSON}; the grant id is {@code sid}.
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
    claims(neverIssued, "priming", Instant.EPOCH).toString();
    signer.prime();
  }

  private JWTClaimsSet claims(Grant grant, String jwtId, Instant now) {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(grant.subject())
            .audience(audience)
            .claim("client_id", grant.clientId())
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ttl)))
            .jwtID(jwtId)
            .claim("scope", grant.scope())
            .claim("sid", grant.id());
    if (grant.link().present()) {
      claims.claim(PCO_ORGANIZATION, grant.link().organizationId());
      claims.claim(PCO_PERSON, grant.link().personId());
    }
    return claims.build();
  }

  public Duration ttl() {
    return ttl;
  }
}
