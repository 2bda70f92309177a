package org.pcohandshake.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ParamsTest {

  @Test
  void parse_decodesPercentAndPlus() {
    Params params = Params.parse("a=x%20y&b=1+2&c=%E2%9C%93");
    assertEquals(Optional.of("x y"), params.get("a"));
    assertEquals(Optional.of("1 2"), params.get("b"));
    assertEquals(Optional.of("\u2713"), params.get("c"));
  }

  @Test
  void emptyValue_isTreatedAsOmitted() {
    Params params = Params.parse("scope=&state=s");
    assertEquals(Optional.empty(), params.get("scope"));
    assertTrue(params.has("scope"));
  }

  @Test
  void repeatedParameter_isRefusedWhenRead() {
    Params params = Params.parse("code=a&code=b");
    assertTrue(params.repeated("code"));
    BadRequestException e = assertThrows(BadRequestException.class, () -> params.get("code"));
    assertEquals(BadRequestException.Reason.REPEATED, e.reason());
  }

  @Test
  void badPercentEncoding_isMalformed() {
    BadRequestException e = assertThrows(BadRequestException.class, () -> Params.parse("a=%zz"));
    assertEquals(BadRequestException.Reason.MALFORMED, e.reason());
  }

  @Test
  void tooManyParameters_isTooLarge() {
    String many = "p=1&".repeat(65);
    BadRequestException e = assertThrows(BadRequestException.class, () -> Params.parse(many));
    assertEquals(BadRequestException.Reason.TOO_LARGE, e.reason());
  }

  @Test
  void encode_roundTripsThroughParse() {
    String state = "a b&c=d/é+%";
    assertEquals(Optional.of(state), Params.parse("s=" + Params.encode(state)).get("s"));
    assertFalse(Params.encode(state).contains(" "));
  }
}
