package org.pcohandshake.pco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PcoTokensTest {

  private static final Instant EXPIRY = Instant.parse("2030-01-01T10:00:00Z");
  private final PcoTokens tokens =
      new PcoTokens("access-7f3a9c", "refresh-2b8e41", EXPIRY, "people services");

  @Test
  void toString_showsNeitherToken() {
    String text = tokens.toString();
    assertFalse(text.contains("access-7f3a9c"), text);
    assertFalse(text.contains("refresh-2b8e41"), text);
    assertTrue(text.contains("2030-01-01T10:00:00Z"), text);
  }

  @Test
  void json_roundTripsEveryField() {
    assertEquals(tokens, PcoTokens.fromJson(tokens.toJson()));
    PcoTokens noRefresh = new PcoTokens("a", "", EXPIRY, "");
    assertEquals(noRefresh, PcoTokens.fromJson(noRefresh.toJson()));
  }

  @Test
  void fromJson_refusesOtherTextWithoutEchoingIt() {
    for (String text :
        new String[] {
          "", "not json", "{}", "{\"v\":2,\"access_token\":\"secret-xyz\"}", "{\"v\":1}"
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> PcoTokens.fromJson(text));
      assertFalse(e.getMessage().contains("secret-xyz"));
    }
  }

  @Test
  void expiresWithin_isTrueInsideTheMarginAndAfterExpiry() {
    assertFalse(tokens.expiresWithin(Duration.ofMinutes(5), EXPIRY.minusSeconds(301)));
    assertTrue(tokens.expiresWithin(Duration.ofMinutes(5), EXPIRY.minusSeconds(300)));
    assertTrue(tokens.expiresWithin(Duration.ZERO, EXPIRY.plusSeconds(1)));
  }

  @Test
  void withRefreshToken_keepsTheRest() {
    PcoTokens replaced = tokens.withRefreshToken("other");
    assertEquals("other", replaced.refreshToken());
    assertEquals(tokens.accessToken(), replaced.accessToken());
    assertEquals(tokens.expiresAt(), replaced.expiresAt());
  }
}
