package org.pcohandshake.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
