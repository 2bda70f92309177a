package org.pcohandshake.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class LoginTokenVerifierTest {

  private static final String KEY = "k".repeat(48);
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private final LoginTokenVerifier verifier =
      LoginTokenVerifier.hmac(
          () -> KEY,
          "https://app.example",
          "https://auth.example",
          Clock.fixed(NOW, ZoneOffset.UTC));

  private static String token(UnaryOperator<JWTClaimsSet.Builder> change, String key)
      throws Exception {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer("https://app.example")
            .audience("https://auth.example")
            .subject("user-7")
            .issueTime(Date.from(NOW))
            .expirationTime(Date.from(NOW.plusSeconds(120)))
            .jwtID("jti-1")
            .claim("name", "Ada");
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
            change.apply(claims).build());
    jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }

  @Test
  void validToken_givesIdentity() throws Exception {
    LoginIdentity identity = verifier.verify(token(b -> b, KEY)).orElseThrow();
    assertEquals("user-7", identity.subject());
    assertEquals("Ada", identity.name());
    assertEquals("jti-1", identity.tokenId());
  }

  @Test
  void theTokensClaims_comeAsPlainValues_forTheAllowList() throws Exception {
    LoginIdentity identity =
        verifier
            .verify(
                token(
                    b ->
                        b.claim("tenant", "acme")
                            .claim("seats", 12)
                            .claim("beta", true)
                            .claim("roles", java.util.List.of("leader")),
                    KEY))
            .orElseThrow();
    assertEquals("acme", identity.claims().get("tenant"));
    assertEquals(12L, identity.claims().get("seats"));
    assertEquals(true, identity.claims().get("beta"));
    assertEquals(java.util.List.of("leader"), identity.claims().get("roles"));
    assertEquals(
        "{\"tenant\":\"acme\",\"roles\":[\"leader\"],\"seats\":12,\"beta\":true}",
        ((org.pcohandshake.grant.CustomClaims.Selection.Selected)
                org.pcohandshake.grant.CustomClaims.select(
                    java.util.List.of("tenant", "roles", "seats", "beta"), identity.claims()))
            .claims()
            .serialize());
  }

  @Test
  void wrongKeyIssuerAudienceOrExpired_isRefused() throws Exception {
    assertTrue(verifier.verify(token(b -> b, "x".repeat(48))).isEmpty());
    assertTrue(verifier.verify(token(b -> b.issuer("https://evil.example"), KEY)).isEmpty());
    assertTrue(verifier.verify(token(b -> b.audience("https://other.example"), KEY)).isEmpty());
    assertTrue(
        verifier
            .verify(
                token(
                    b ->
                        b.issueTime(Date.from(NOW.minusSeconds(400)))
                            .expirationTime(Date.from(NOW.minusSeconds(100))),
                    KEY))
            .isEmpty());
  }

  @Test
  void lifetimeOverFiveMinutes_isRefused() throws Exception {
    assertTrue(
        verifier
            .verify(token(b -> b.expirationTime(Date.from(NOW.plusSeconds(301))), KEY))
            .isEmpty());
  }

  @Test
  void missingJtiOrSub_isRefused() throws Exception {
    assertTrue(verifier.verify(token(b -> b.jwtID(null), KEY)).isEmpty());
    assertTrue(verifier.verify(token(b -> b.subject(null), KEY)).isEmpty());
  }

  @Test
  void garbage_andUnsignedTokens_areRefused() {
    assertTrue(verifier.verify("not.a.jwt").isEmpty());
    assertTrue(verifier.verify("").isEmpty());
    String unsigned =
        new com.nimbusds.jwt.PlainJWT(
                new JWTClaimsSet.Builder().subject("u").issuer("https://app.example").build())
            .serialize();
    assertTrue(verifier.verify(unsigned).isEmpty());
  }

  @Test
  void hmacKeyChangedBehindTheVerifier_newKeyIsAccepted_andTheOldOneRefused() throws Exception {
    String newKey = "m".repeat(48);
    AtomicReference<String> key = new AtomicReference<>(KEY);
    LoginTokenVerifier rotating =
        LoginTokenVerifier.hmac(
            key::get,
            "https://app.example",
            "https://auth.example",
            Clock.fixed(NOW, ZoneOffset.UTC));
    assertTrue(rotating.verify(token(b -> b, KEY)).isPresent());

    key.set(newKey);

    assertTrue(rotating.verify(token(b -> b, newKey)).isPresent());
    assertTrue(rotating.verify(token(b -> b, KEY)).isEmpty());
  }
}
