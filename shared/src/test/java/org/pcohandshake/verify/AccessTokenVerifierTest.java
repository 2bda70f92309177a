package org.pcohandshake.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config.AccessTokenAlgorithm;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.snapstart.Priming;

/** Every access-token case of the OAuth rules, each refused for its own reason. */
class AccessTokenVerifierTest {

  static final String ISSUER = "https://auth.example.test";
  static final String AUDIENCE = ISSUER + "/api";
  static final Instant NOW = Instant.parse("2025-05-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  static ECKey signingKey;
  static ECKey otherKey;

  final List<String> checkedGrants = new ArrayList<>();

  @BeforeAll
  static void keys() throws Exception {
    signingKey = new ECKeyGenerator(Curve.P_256).keyID("key-1").generate();
    otherKey = new ECKeyGenerator(Curve.P_256).keyID("key-2").generate();
  }

  AccessTokenVerifier verifier(GrantCheck grants) {
    return new AccessTokenVerifier(
        new ImmutableJWKSet<>(new JWKSet(signingKey.toPublicJWK())),
        AccessTokenAlgorithm.ES256,
        ISSUER,
        AUDIENCE,
        Duration.ofSeconds(60),
        grants,
        CLOCK);
  }

  AccessTokenVerifier verifier() {
    return verifier(
        grantId -> {
          checkedGrants.add(grantId);
          return true;
        });
  }

  static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject("user-1")
        .audience(AUDIENCE)
        .claim("client_id", "pco-addon")
        .issueTime(Date.from(NOW.minusSeconds(10)))
        .notBeforeTime(Date.from(NOW.minusSeconds(10)))
        .expirationTime(Date.from(NOW.plusSeconds(3590)))
        .jwtID("jti-1")
        .claim("scope", "people services")
        .claim("sid", "grant-1")
        .claim("pco_organization_id", "org-9")
        .claim("pco_person_id", "person-8");
  }

  static JWSHeader.Builder header() {
    return new JWSHeader.Builder(JWSAlgorithm.ES256)
        .type(new JOSEObjectType("at+jwt"))
        .keyID(signingKey.getKeyID());
  }

  static String sign(JWSHeader header, JWTClaimsSet claims, ECKey key) throws Exception {
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  static String token(Consumer<JWTClaimsSet.Builder> change) throws Exception {
    JWTClaimsSet.Builder builder = claims();
    change.accept(builder);
    return sign(header().build(), builder.build(), signingKey);
  }

  static String token() throws Exception {
    return token(c -> {});
  }

  Verification.Reason refusal(String token) {
    Verification result = verifier().verify(token);
    return assertInstanceOf(Verification.Invalid.class, result).reason();
  }

  static HttpRequest request(Map<String, String> headers, String query) {
    return HttpRequest.from(
        APIGatewayV2HTTPEvent.builder()
            .withRawPath("/api/me")
            .withHeaders(headers)
            .withRawQueryString(query)
            .build());
  }

  // ---- accepted

  @Test
  void tokenWeIssue_isValid_andCarriesEveryClaim() throws Exception {
    Verification result = verifier().verify(token());
    AccessTokenClaims claims = assertInstanceOf(Verification.Valid.class, result).claims();
    assertEquals("user-1", claims.subject());
    assertEquals("pco-addon", claims.clientId());
    assertEquals(List.of("people", "services"), claims.scopes());
    assertTrue(claims.hasScope("services"));
    assertEquals("grant-1", claims.grantId());
    assertEquals(Optional.of("org-9"), claims.pcoOrganizationId());
    assertEquals(Optional.of("person-8"), claims.pcoPersonId());
    assertEquals("jti-1", claims.tokenId());
    assertEquals(List.of("grant-1"), checkedGrants);
  }

  @Test
  void fullMediaTypeInTyp_isAcceptedToo() throws Exception {
    String token =
        sign(
            header().type(new JOSEObjectType("application/at+jwt")).build(),
            claims().build(),
            signingKey);
    assertInstanceOf(Verification.Valid.class, verifier().verify(token));
  }

  @Test
  void clockSkewOfUnderAMinute_isTolerated() throws Exception {
    assertInstanceOf(
        Verification.Valid.class,
        verifier().verify(token(c -> c.expirationTime(Date.from(NOW.minusSeconds(30))))));
    assertInstanceOf(
        Verification.Valid.class,
        verifier()
            .verify(
                token(
                    c ->
                        c.notBeforeTime(Date.from(NOW.plusSeconds(30)))
                            .issueTime(Date.from(NOW.plusSeconds(30))))));
  }

  // ---- the access-token cases of the OAuth rules

  @Test
  void algNone_isRefused() throws Exception {
    PlainJWT unsigned =
        new PlainJWT(
            new PlainHeader.Builder().type(new JOSEObjectType("at+jwt")).build(), claims().build());
    assertEquals(Verification.Reason.ALGORITHM, refusal(unsigned.serialize()));
    // the same with a signature part left on, as some attacks send it
    assertEquals(Verification.Reason.ALGORITHM, refusal(unsigned.serialize() + "c2lnbmF0dXJl"));
  }

  @Test
  void hs256WithThePublicKeyAsHmacSecret_isRefused() throws Exception {
    byte[] secret = signingKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType("at+jwt"))
                .keyID(signingKey.getKeyID())
                .build(),
            claims().build());
    forged.sign(new MACSigner(secret));
    // a verifier that let the header choose the algorithm would accept this token
    assertTrue(SignedJWT.parse(forged.serialize()).verify(new MACVerifier(secret)));
    assertEquals(Verification.Reason.ALGORITHM, refusal(forged.serialize()));
  }

  @Test
  void wrongIssuer_isRefused() throws Exception {
    assertEquals(
        Verification.Reason.ISSUER, refusal(token(c -> c.issuer("https://evil.example.test"))));
  }

  @Test
  void wrongAudience_isRefused() throws Exception {
    assertEquals(
        Verification.Reason.AUDIENCE,
        refusal(token(c -> c.audience("https://another-api.example.test"))));
  }

  @Test
  void expiredToken_isRefused() throws Exception {
    assertEquals(
        Verification.Reason.EXPIRED,
        refusal(token(c -> c.expirationTime(Date.from(NOW.minusSeconds(61))))));
  }

  @Test
  void notYetValidToken_isRefused() throws Exception {
    assertEquals(
        Verification.Reason.NOT_YET_VALID,
        refusal(token(c -> c.notBeforeTime(Date.from(NOW.plusSeconds(120))))));
  }

  @Test
  void tokenIssuedInTheFuture_isRefused() throws Exception {
    assertEquals(
        Verification.Reason.NOT_YET_VALID,
        refusal(token(c -> c.issueTime(Date.from(NOW.plusSeconds(120))).notBeforeTime(null))));
  }

  @Test
  void tamperedPayload_isRefused() throws Exception {
    String[] parts = token().split("\\.");
    String otherUser =
        Base64URL.encode(
                claims().subject("admin").build().toString().getBytes(StandardCharsets.UTF_8))
            .toString();
    assertEquals(
        Verification.Reason.SIGNATURE, refusal(parts[0] + "." + otherUser + "." + parts[2]));
  }

  @Test
  void unknownKid_isRefused() throws Exception {
    String token = sign(header().keyID(otherKey.getKeyID()).build(), claims().build(), otherKey);
    assertEquals(Verification.Reason.UNKNOWN_KEY, refusal(token));
  }

  @Test
  void missingKid_isRefused() throws Exception {
    String token = sign(header().keyID(null).build(), claims().build(), signingKey);
    assertEquals(Verification.Reason.UNKNOWN_KEY, refusal(token));
  }

  @Test
  void knownKidButSignedByAnotherKey_isRefused() throws Exception {
    assertEquals(
        Verification.Reason.SIGNATURE, refusal(sign(header().build(), claims().build(), otherKey)));
  }

  @Test
  void wrongTyp_isRefused() throws Exception {
    String plainJwt = sign(header().type(JOSEObjectType.JWT).build(), claims().build(), signingKey);
    assertEquals(Verification.Reason.TYPE, refusal(plainJwt));
    String noType = sign(header().type(null).build(), claims().build(), signingKey);
    assertEquals(Verification.Reason.TYPE, refusal(noType));
  }

  @Test
  void otherAsymmetricAlgorithm_isRefused() throws Exception {
    ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("key-1").generate();
    String token =
        sign(
            new JWSHeader.Builder(JWSAlgorithm.ES384)
                .type(new JOSEObjectType("at+jwt"))
                .keyID("key-1")
                .build(),
            claims().build(),
            p384);
    assertEquals(Verification.Reason.ALGORITHM, refusal(token));
  }

  @Test
  void eachRequiredClaim_whenMissing_isRefused() throws Exception {
    for (String claim : List.of("sub", "client_id", "sid", "jti", "exp", "iat")) {
      assertEquals(
          Verification.Reason.MISSING_CLAIM, refusal(token(c -> c.claim(claim, null))), claim);
    }
  }

  @Test
  void claimOfTheWrongType_isMalformed() throws Exception {
    assertEquals(Verification.Reason.MALFORMED, refusal(token(c -> c.claim("client_id", 42))));
  }

  @Test
  void garbageAndOversizedTokens_areMalformed() throws Exception {
    assertEquals(Verification.Reason.MALFORMED, refusal("not-a-token"));
    assertEquals(Verification.Reason.MALFORMED, refusal("a.b.c"));
    assertEquals(Verification.Reason.MALFORMED, refusal(""));
    String huge = token(c -> c.claim("padding", "x".repeat(AccessTokenVerifier.MAX_TOKEN_CHARS)));
    assertEquals(Verification.Reason.MALFORMED, refusal(huge));
  }

  @Test
  void revokedGrant_isRefused_whenThePolicyChecksGrants() throws Exception {
    List<String> asked = new ArrayList<>();
    Verification result =
        verifier(
                grantId -> {
                  asked.add(grantId);
                  return false;
                })
            .verify(token());
    assertEquals(
        Verification.Reason.REVOKED, assertInstanceOf(Verification.Invalid.class, result).reason());
    assertEquals(List.of("grant-1"), asked);
  }

  @Test
  void grantIsNotLookedUp_forATokenThatFailsEarlier() throws Exception {
    refusal(token(c -> c.issuer("https://evil.example.test")));
    assertEquals(List.of(), checkedGrants);
  }

  @Test
  void keysThatCannotBeHad_areAServerFault_notAnInvalidToken() throws Exception {
    AccessTokenVerifier verifier =
        new AccessTokenVerifier(
            (selector, context) -> {
              throw new KeySourceException("down");
            },
            AccessTokenAlgorithm.ES256,
            ISSUER,
            AUDIENCE,
            Duration.ofSeconds(60),
            GrantCheck.none(),
            CLOCK);
    String token = token();
    assertThrows(UncheckedIOException.class, () -> verifier.verify(token));
  }

  // ---- the request: header only, and the answers

  @Test
  void bearerHeader_isRead_caseInsensitively() throws Exception {
    HttpRequest http = request(Map.of("Authorization", "bearer " + token()), "");
    assertInstanceOf(Verification.Valid.class, verifier().verify(http));
  }

  @Test
  void noToken_answers401WithABareBearerChallenge() {
    for (Map<String, String> headers :
        List.of(Map.<String, String>of(), Map.of("Authorization", "Basic dXNlcjpwYXNz"))) {
      Verification result = verifier().verify(request(headers, ""));
      Verification.Invalid invalid = assertInstanceOf(Verification.Invalid.class, result);
      assertEquals(Verification.Reason.MISSING, invalid.reason());
      HttpResponse response = invalid.response();
      assertEquals(401, response.status());
      assertEquals("Bearer", response.headers().get("www-authenticate"));
    }
  }

  @Test
  void invalidToken_answers401WithInvalidTokenChallenge() throws Exception {
    String expired = token(c -> c.expirationTime(Date.from(NOW.minusSeconds(3600))));
    Verification result =
        verifier().verify(request(Map.of("Authorization", "Bearer " + expired), ""));
    HttpResponse response = assertInstanceOf(Verification.Invalid.class, result).response();
    assertEquals(401, response.status());
    assertTrue(
        response.headers().get("www-authenticate").startsWith("Bearer error=\"invalid_token\""),
        response.headers().get("www-authenticate"));
    assertEquals("no-store", response.headers().get("cache-control"));
  }

  @Test
  void tokenInTheQueryString_isRefused_evenAlongAValidHeader() throws Exception {
    String token = token();
    for (Map<String, String> headers :
        List.of(Map.<String, String>of(), Map.of("Authorization", "Bearer " + token))) {
      Verification result = verifier().verify(request(headers, "access_token=" + token));
      Verification.Invalid invalid = assertInstanceOf(Verification.Invalid.class, result);
      assertEquals(Verification.Reason.IN_QUERY, invalid.reason());
      assertEquals(400, invalid.response().status());
      assertTrue(invalid.response().headers().get("www-authenticate").contains("invalid_request"));
      assertFalse(invalid.response().body().contains(token));
    }
    assertEquals(List.of(), checkedGrants);
  }

  // ---- SnapStart priming

  @Test
  void priming_fetchesNoKeys_andLooksUpOnlyAGrantThatWasNeverIssued() {
    for (AccessTokenAlgorithm algorithm : AccessTokenAlgorithm.values()) {
      List<String> grants = new ArrayList<>();
      new AccessTokenVerifier(
              (selector, context) -> {
                throw new AssertionError("priming asked for the keys");
              },
              algorithm,
              ISSUER,
              AUDIENCE,
              Duration.ofSeconds(60),
              grantId -> {
                grants.add(grantId);
                return false;
              },
              CLOCK)
          .prime();
      assertEquals(List.of(Priming.GRANT_ID), grants, algorithm.name());
    }
  }
}
