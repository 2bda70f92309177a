package org.pcohandshake.testkit.login;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.pcohandshake.testkit.events.TestEvent;

/**
 * Signs login bridge tokens as an integrator's login app does: HS256 with the shared key, {@code
 * iss} the login app, {@code aud} this server's issuer, a fresh {@code jti}, at most 5 minutes.
 */
public final class LoginTokens {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

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
    return sign(subject, name, issuedAt, lifetime, null);
  }

  /**
   * A valid token that also carries the round trip's {@code login_state} as a claim, as a login app
   * that binds its tokens to the round trip signs them.
   */
  public String signBound(String subject, String name, String loginState) {
    return sign(subject, name, Instant.now(), Duration.ofMinutes(2), loginState);
  }

  /**
   * A valid token that also carries the integrator's own claims (a tenant, roles), as a login app
   * that feeds {@code LOGIN_CLAIMS} signs them; values are plain JSON values (strings, numbers,
   * booleans, lists, maps).
   */
  public String signWith(
      String subject, String name, Instant issuedAt, Map<String, Object> extraClaims) {
    return sign(subject, name, issuedAt, Duration.ofMinutes(2), null, extraClaims);
  }

  private String sign(
      String subject, String name, Instant issuedAt, Duration lifetime, String loginState) {
    return sign(subject, name, issuedAt, lifetime, loginState, Map.of());
  }

  private String sign(
      String subject,
      String name,
      Instant issuedAt,
      Duration lifetime,
      String loginState,
      Map<String, Object> extraClaims) {
    JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
    extraClaims.forEach(builder::claim);
    JWTClaimsSet claims =
        builder
            .issuer(loginIssuer)
            .audience(audience)
            .subject(subject)
            .claim("name", name)
            .issueTime(Date.from(issuedAt))
            .expirationTime(Date.from(issuedAt.plus(lifetime)))
            .jwtID(UUID.randomUUID().toString())
            .claim("login_state", loginState)
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

  /** The pre-login cookie that binds a login round trip to the browser that started it. */
  public static final String ROUND_TRIP_COOKIE = "__Host-pco_hs_login";

  /**
   * The login bridge's return as the browser that started the round trip makes it: a fresh
   * pre-login cookie, its SHA-256 as {@code login_state} (what {@code return_to} carries after the
   * redirect to the login app), and the token. Equivalent to following the redirect first.
   */
  public static TestEvent bound(TestEvent authorize, String token) {
    return bound(authorize, token, roundTrip());
  }

  /** {@link #bound(TestEvent, String)} for a given round trip's cookie value. */
  public static TestEvent bound(TestEvent authorize, String token, String roundTrip) {
    return authorize
        .cookie(ROUND_TRIP_COOKIE, roundTrip)
        .query("login_state", stateOf(roundTrip))
        .query("login_token", token);
  }

  /** A new round trip's cookie value, as the server draws one: 256 random bits, base64url. */
  public static String roundTrip() {
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    return URL.encodeToString(random);
  }

  /** The {@code login_state} of a round trip's cookie value: its SHA-256, base64url. */
  public static String stateOf(String roundTrip) {
    try {
      return URL.encodeToString(
          MessageDigest.getInstance("SHA-256").digest(roundTrip.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where the login app sends the browser back: {@code return_to} plus the token. */
  public static String returnUrl(String returnTo, String token) {
    return returnTo + (returnTo.contains("?") ? "&" : "?") + "login_token=" + token;
  }
}
