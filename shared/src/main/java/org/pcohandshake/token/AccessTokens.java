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
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(grant.subject())
            .audience(audience)
            .claim("client_id", grant.clientId())
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ttl)))
            .jwtID(Tokens.id())
            .claim("scope", grant.scope())
            .claim("sid", grant.id());
    if (grant.link().present()) {
      claims.claim(PCO_ORGANIZATION, grant.link().organizationId());
      claims.claim(PCO_PERSON, grant.link().personId());
    }
    return signer.sign(claims.build());
  }

  public Duration ttl() {
    return ttl;
  }
}
