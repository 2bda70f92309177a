package org.pcohandshake.testkit.login;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Signs login bridge tokens as an integrator's login app does: HS256 with the shared key, {@code
 * iss} the login app, {@code aud} this server's issuer, a fresh {@code jti}, at most 5 minutes.
 */
public final class LoginTokens {

  private final String key;
  private final String loginIssuer;
  private final String audience;

  public LoginTokens(String key, String loginIssuer, String audience) {
    this.key = key;
    this.loginIssuer = loginIssuer;
    this.audience = audience;
  }

  /** A valid token for the user, issued now and living two minutes. */
  public String sign(String subject, String name) {
    return sign(subject, name, Instant.now(), Duration.ofMinutes(2));
  }

  public String sign(String subject, String name, Instant issuedAt, Duration lifetime) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(loginIssuer)
            .audience(audience)
            .subject(subject)
            .claim("name", name)
            .issueTime(Date.from(issuedAt))
            .expirationTime(Date.from(issuedAt.plus(lifetime)))
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalStateException("the login bridge key must be at least 32 bytes", e);
    }
    return jwt.serialize();
  }

  /** Where the login app sends the browser back: {@code return_to} plus the token. */
  public static String returnUrl(String returnTo, String token) {
    return returnTo + (returnTo.contains("?") ? "&" : "?") + "login_token=" + token;
  }
}
