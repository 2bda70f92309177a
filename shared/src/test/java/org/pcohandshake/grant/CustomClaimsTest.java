package org.pcohandshake.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CustomClaimsTest {

  private static final List<String> ALLOWED = List.of("tenant", "roles", "seats", "beta");

  private static CustomClaims selected(Map<String, Object> source) {
    return assertInstanceOf(
            CustomClaims.Selection.Selected.class, CustomClaims.select(ALLOWED, source))
        .claims();
  }

  @Test
  void onlyAllowListedClaims_areTaken_inTheAllowListsOrder() {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("scope", "admin");
    source.put("beta", true);
    source.put("sub", "someone-else");
    source.put("roles", List.of("leader", "admin"));
    source.put("tenant", "acme");
    source.put("email", "ada@example.org");
    assertEquals(
        "{\"tenant\":\"acme\",\"roles\":[\"leader\",\"admin\"],\"beta\":true}",
        selected(source).serialize());
  }

  @Test
  void absentAndNullClaims_areLeftOut() {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("tenant", null);
    assertTrue(selected(source).isEmpty());
    assertTrue(selected(Map.of()).isEmpty());
  }

  @Test
  void integersWithinTwoToThe53_areTaken() {
    assertEquals(
        "{\"seats\":9007199254740991}",
        selected(Map.of("seats", 9_007_199_254_740_991L)).serialize());
    assertEquals("{\"seats\":-3}", selected(Map.of("seats", -3)).serialize());
  }

  static List<Arguments> refusedKinds() {
    return List.of(
        Arguments.of("an object", Map.of("k", "v")),
        Arguments.of("a fraction", 1.5),
        Arguments.of("an integral double", 2.0),
        Arguments.of("an integer beyond 2^53", 9_007_199_254_740_992L),
        Arguments.of("the most negative long", Long.MIN_VALUE),
        Arguments.of("an array of numbers", List.of(1L, 2L)),
        Arguments.of("an array holding an object", List.of("a", Map.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedKinds")
  void aValueOfAKindNotAccepted_refusesTheLogin(String kind, Object value) {
    assertInstanceOf(
        CustomClaims.Selection.Refused.class,
        CustomClaims.select(ALLOWED, Map.of("tenant", value)));
  }

  @Test
  void moreThan1024BytesInAll_refusesTheLogin_1024AreTaken() {
    // {"tenant":"…"} is 13 bytes around the value
    String fits = "é".repeat((CustomClaims.MAX_BYTES - 13) / 2) + "x";
    assertEquals(
        CustomClaims.MAX_BYTES,
        selected(Map.of("tenant", fits))
            .serialize()
            .getBytes(java.nio.charset.StandardCharsets.UTF_8)
            .length);
    assertInstanceOf(
        CustomClaims.Selection.Refused.class,
        CustomClaims.select(ALLOWED, Map.of("tenant", fits + "x")));
  }

  @Test
  void theStoredForm_readsBackToTheSameBytes() {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("tenant", "a\"c\u00e9\u2028me");
    source.put("roles", List.of());
    source.put("seats", 12L);
    String stored = selected(source).serialize();
    assertEquals(stored, CustomClaims.ofStored(stored).serialize());
    assertEquals(CustomClaims.NONE, CustomClaims.ofStored(""));
  }
}
