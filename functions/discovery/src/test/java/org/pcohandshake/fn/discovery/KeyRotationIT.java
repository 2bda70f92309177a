package org.pcohandshake.fn.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.http.LocalApi;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.time.MutableClock;
import org.pcohandshake.verify.AccessTokenVerifier;
import org.pcohandshake.verify.CachedJwks;
import org.pcohandshake.verify.GrantCheck;
import org.pcohandshake.verify.Verification;

/**
 * Signing key rotation as docs/api-side.md describes it, through the template's parameters: key A
 * signs; then key B signs while A stays published; then A is dropped. Each phase is a new
 * deployment (new Lambda instances) on the same issuer URL.
 */
class KeyRotationIT {

  final MutableClock verifierClock = MutableClock.startingNow();

  static LocalApi deploy(ProvisionedStack stack, int port, Map<String, String> parameters) {
    for (int attempt = 0; ; attempt++) {
      try {
        return LocalApi.start(stack, port, parameters);
      } catch (UncheckedIOException e) {
        if (attempt >= 20 || !(e.getCause() instanceof BindException)) {
          throw e;
        }
        sleep(); // the previous deployment's socket is still closing
      }
    }
  }

  static void sleep() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What an integrator's function holds: a verifier with the JWKS cached in its instance. */
  AccessTokenVerifier verifier(String issuer) {
    return new AccessTokenVerifier(
        CachedJwks.remote(URI.create(issuer + Config.JWKS_PATH), verifierClock),
        Config.AccessTokenAlgorithm.ES256,
        issuer,
        issuer + "/api",
        Duration.ofSeconds(60),
        GrantCheck.none(),
        verifierClock);
  }

  /** The key the token function signs with in this deployment, from its environment. */
  static String signerOf(ProvisionedStack stack, String issuer, Map<String, String> parameters) {
    return stack.environmentFor("TokenFunction", issuer, parameters).get(Config.SIGNING_KEY_ID);
  }

  static List<String> publishedKids(LocalApi api) throws IOException, InterruptedException {
    try {
      return JWKSet.parse(Issuing.get(api.uri(Config.JWKS_PATH)).body()).getKeys().stream()
          .map(JWK::getKeyID)
          .toList();
    } catch (java.text.ParseException e) {
      throw new AssertionError(e);
    }
  }

  static void assertValid(AccessTokenVerifier verifier, String token) {
    assertInstanceOf(Verification.Valid.class, verifier.verify(token));
  }

  static void assertRefused(
      Verification.Reason reason, AccessTokenVerifier verifier, String token) {
    assertEquals(
        reason, assertInstanceOf(Verification.Invalid.class, verifier.verify(token)).reason());
  }

  @Test
  void rotation_newKeySigns_oldKeyVerifiesUntilRemoved(@Provisioned ProvisionedStack stack)
      throws Exception {
    String keyA = stack.physicalId("AccessTokenSigningKey");
    String keyB = Issuing.newSigningKey();
    Clock issuing = Clock.systemUTC();

    // phase 1: A signs and is the only published key
    Map<String, String> phase1 = Map.of();
    LocalApi api = deploy(stack, 0, phase1);
    int port = api.port();
    String issuer = api.baseUrl();
    AccessTokenVerifier warm = verifier(issuer);
    String tokenA;
    try {
      assertEquals(keyA, signerOf(stack, issuer, phase1));
      tokenA = Issuing.accessToken(signerOf(stack, issuer, phase1), issuer, issuing);
      assertEquals(List.of(keyA), publishedKids(api));
      assertValid(warm, tokenA);
    } finally {
      api.close();
    }

    // phase 2: B signs, A stays published for the tokens it signed
    Map<String, String> phase2 = Map.of("SigningKeyId", keyB, "PreviousSigningKeyIds", keyA);
    api = deploy(stack, port, phase2);
    try {
      assertEquals(keyB, signerOf(stack, issuer, phase2));
      String tokenB = Issuing.accessToken(signerOf(stack, issuer, phase2), issuer, issuing);
      assertEquals(keyB, SignedJWT.parse(tokenB).getHeader().getKeyID());
      assertEquals(List.of(keyB, keyA), publishedKids(api));
      AccessTokenVerifier fresh = verifier(issuer);
      assertValid(fresh, tokenA);
      assertValid(fresh, tokenB);
      // a warm instance that cached {A} learns B on the unknown kid (after the refresh interval)
      verifierClock.advance(CachedJwks.MIN_REFRESH_INTERVAL.plusSeconds(1));
      assertValid(warm, tokenB);
      assertValid(warm, tokenA);
    } finally {
      api.close();
    }

    // phase 3: A removed from the JWKS; its tokens fail even before they expire
    Map<String, String> phase3 = Map.of("SigningKeyId", keyB);
    api = deploy(stack, port, phase3);
    try {
      assertEquals(List.of(keyB), publishedKids(api));
      AccessTokenVerifier fresh = verifier(issuer);
      assertRefused(Verification.Reason.UNKNOWN_KEY, fresh, tokenA);
      assertValid(fresh, Issuing.accessToken(keyB, issuer, issuing));
      // a warm instance drops A when its cached JWKS expires
      verifierClock.advance(CachedJwks.TTL);
      assertRefused(Verification.Reason.UNKNOWN_KEY, warm, tokenA);
    } finally {
      api.close();
    }
  }
}
