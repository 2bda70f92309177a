package org.pcohandshake.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PkceAndTokensTest {

  // RFC 7636 appendix B
  private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

  @Test
  void rfc7636AppendixB_verifierMatchesChallenge() {
    assertTrue(Pkce.validChallenge(CHALLENGE));
    assertTrue(Pkce.verify(VERIFIER, CHALLENGE));
  }

  @Test
  void wrongOrMalformedVerifier_fails() {
    assertFalse(Pkce.verify(VERIFIER.replace('d', 'e'), CHALLENGE));
    assertFalse(Pkce.verify("short", CHALLENGE));
    assertFalse(Pkce.verify(CHALLENGE, CHALLENGE));
  }

  @Test
  void plainStyleChallenge_isNotAnS256Challenge() {
    assertFalse(Pkce.validChallenge("too-short"));
    assertFalse(Pkce.validChallenge(CHALLENGE + "A"));
    assertFalse(Pkce.validChallenge(CHALLENGE.substring(1) + "="));
  }

  @Test
  void randomTokens_are256BitBase64Url_andDistinct() {
    String a = Tokens.random();
    String b = Tokens.random();
    assertEquals(43, a.length());
    assertTrue(Tokens.wellFormed(a));
    assertNotEquals(a, b);
  }

  @Test
  void hash_isStableAndNotTheInput() {
    String token = Tokens.random();
    assertEquals(Tokens.hash(token), Tokens.hash(token));
    assertNotEquals(token, Tokens.hash(token).value());
  }

  @Test
  void hash_ofDifferentNonAsciiInputs_differs() {
    // a login token's jti is the issuer's text, not ours: "é" and "ü" must not both become "?",
    // or one single-use id would block (or stand in for) another
    assertNotEquals(Tokens.hash("jti-\u00e9"), Tokens.hash("jti-\u00fc"));
    assertNotEquals(Tokens.hash("jti-\u00e9"), Tokens.hash("jti-?"));
  }

  @Test
  void hash_ofAsciiInput_isSha256OfItsBytes() {
    // pins the stored form: items written before the hash read UTF-8 still match (ASCII is the
    // same bytes in US-ASCII and UTF-8)
    String token = Tokens.random();
    assertEquals(
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(Tokens.sha256(token.getBytes(StandardCharsets.US_ASCII))),
        Tokens.hash(token).value());
    // SHA-256("abc"), FIPS 180-2 appendix B.1, base64url
    assertEquals("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", Tokens.hash("abc").value());
  }

  @Test
  void constantTimeEquals_comparesWholeValue() {
    assertTrue(Tokens.constantTimeEquals("secret", "secret"));
    assertFalse(Tokens.constantTimeEquals("secret", "secreT"));
    assertFalse(Tokens.constantTimeEquals("secret", "secret1"));
  }
}
