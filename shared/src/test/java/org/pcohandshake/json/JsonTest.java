package org.pcohandshake.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void writeThenParse_roundTripsEveryKindOfValue() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("s", "quote \" backslash \\ slash / newline \n tab \t nul \u0000 é 😀 \u2028");
    value.put("n", 42L);
    value.put("negative", -7L);
    value.put("d", 1.5);
    value.put("t", true);
    value.put("f", false);
    value.put("null", null);
    value.put("list", List.of("a", 1L, List.of(), Map.of()));
    value.put("nested", Map.of("k", "v"));
    assertEquals(value, Json.parse(Json.write(value)));
  }

  @Test
  void parse_readsEscapesAndWhitespace() {
    assertEquals(
        Map.of("a", "x\"y\\z/\b\f\n\r\té", "b", List.of(1L, 2.5, -3L, 1e3)),
        Json.parse(
            " {\"a\" : \"x\\\"y\\\\z\\/\\b\\f\\n\\r\\t\\u00e9\" ,\n\"b\":[1, 2.5,-3,1e3]} "));
  }

  @Test
  void write_keepsInsertionOrder_andWritesIntegersPlainly() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("z", 1);
    value.put("a", 3600L);
    assertEquals("{\"z\":1,\"a\":3600}", Json.write(value));
  }

  @Test
  void malformedText_isRefused() {
    for (String bad :
        List.of(
            "",
            "{",
            "{\"a\":}",
            "{\"a\" 1}",
            "[1,]x",
            "\"unterminated",
            "\"bad \\x escape\"",
            "\"\\u12\"",
            "tru",
            "{} {}",
            "-",
            "\"raw \u0001 control\"",
            "{\"a\":1,\"a\":2}",
            "[".repeat(100) + "]".repeat(100))) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
    }
  }

  @Test
  void parseObject_refusesOtherValues() {
    assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
  }

  // already refused; pinned so a rewrite keeps them refused
  @Test
  void otherTextOutsideTheGrammar_isRefused() {
    for (String bad :
        List.of(
            "[1,]",
            "{\"a\":1,}",
            "[,1]",
            "{,}",
            "1 2",
            "[1 2]",
            "{\"a\":1 \"b\":2}",
            "{a:1}",
            "{'a':1}",
            "'a'",
            "NaN",
            "Infinity",
            "-Infinity",
            "True",
            "nul",
            "/*c*/1",
            "1 // c",
            "\ufeff1",
            "\f1",
            "\u00a01",
            "\"tab \t raw\"",
            "\"\\'\"",
            "\"\\U0041\"",
            "   ")) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
    }
  }

  // RFC 8259 section 6: int = zero / ( digit1-9 *DIGIT ); frac = decimal-point 1*DIGIT;
  // exp = e [ minus / plus ] 1*DIGIT
  @Test
  void numbersOutsideTheGrammar_areRefused() {
    for (String bad :
        List.of(
            "01", "-01", "00", "[01]", "1.", "-1.", "1.e5", "-.5", "1e", "1e+", "-", "--1", "+1",
            "1.5.5", "1e5e5", "1-2", ".5", "0x10")) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
    }
  }

  @Test
  void numbersInTheGrammar_areRead() {
    assertEquals(
        List.of(
            0L,
            0L,
            10L,
            0.5,
            -0.5,
            100.0,
            1.5e-3,
            2e10,
            1234567890123456789L,
            -9223372036854775808L),
        Json.parse("[0,-0,10,0.5,-0.5,1E2,1.5e-3,2e+10,1234567890123456789,-9223372036854775808]"));
  }

  // RFC 8259 section 7: "\\u" is followed by exactly four hexadecimal digits
  @Test
  void unicodeEscapesWithoutFourHexDigits_areRefused() {
    for (String bad : List.of("\"\\u+041\"", "\"\\u-041\"", "\"\\u 041\"", "\"\\u04\"")) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
    }
  }

  // RFC 8259 section 8.2 leaves unpaired surrogates unpredictable; they cannot be sent as UTF-8
  // (section 8.1), and a lone surrogate turns into '?' when a string is hashed as UTF-8
  @Test
  void unpairedSurrogates_areRefused() {
    for (String bad :
        List.of(
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud800x\"",
            "\"\\ud800\\u0041\"",
            "\"\\udc00\\ud800\"",
            "\"\ud800\"",
            "\"a\udc00\"")) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
    }
    assertEquals("\ud83d\ude00", Json.parse("\"\\ud83d\\ude00\""));
    // the rule is on the string read: a pair may be written half raw, half escaped
    assertEquals("\ud83d\ude00", Json.parse("\"\\ud83d\ude00\""));
  }

  @Test
  void write_replacesUnpairedSurrogates_soItsOutputIsAlwaysReadable() {
    assertEquals("\"a\ufffdb\ufffd\"", Json.write("a\ud800b\udc00"));
    assertEquals("\ud83d\ude00", Json.parse(Json.write("\ud83d\ude00")));
  }

  @Test
  void nesting_isBoundedAt32ContainersWhateverTheyHold() {
    assertEquals(1L, unwrap(Json.parse("[".repeat(32) + "1" + "]".repeat(32)), 32));
    Json.parse("[".repeat(32) + "]".repeat(32));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(33) + "]".repeat(33)));
    assertThrows(
        IllegalArgumentException.class, () -> Json.parse("[".repeat(33) + "1" + "]".repeat(33)));
    assertThrows(
        IllegalArgumentException.class,
        () -> Json.parse("{\"a\":".repeat(33) + "{}" + "}".repeat(33)));
  }

  @Test
  void errors_neverCarryTheInput() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Json.parse("{\"secret-name\":1,\"secret-name\":2}"));
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }

  private static Object unwrap(Object value, int levels) {
    for (int i = 0; i < levels; i++) {
      value = ((List<?>) value).get(0);
    }
    return value;
  }
}
