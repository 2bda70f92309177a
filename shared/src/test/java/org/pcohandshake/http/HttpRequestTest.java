package org.pcohandshake.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpRequestTest {

  private static APIGatewayV2HTTPEvent event(String body, boolean base64) {
    return APIGatewayV2HTTPEvent.builder()
        .withRawPath("/oauth/token")
        .withRawQueryString("a=1")
        .withHeaders(Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"))
        .withCookies(List.of("x=1", "y=two=2"))
        .withBody(body)
        .withIsBase64Encoded(base64)
        .withRequestContext(
            APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRequestId("req-1")
                .withHttp(
                    APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("post").build())
                .build())
        .build();
  }

  @Test
  void base64Body_isDecoded_andHeadersLowerCased() {
    String encoded =
        Base64.getEncoder().encodeToString("grant_type=x".getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.from(event(encoded, true));
    assertEquals("grant_type=x", request.body());
    assertEquals("application/x-www-form-urlencoded", request.mediaType());
    assertEquals("POST", request.method());
    assertEquals("req-1", request.requestId());
    assertEquals("a=1", request.rawQuery());
  }

  @Test
  void cookies_areSplitOnFirstEquals() {
    HttpRequest request = HttpRequest.from(event("", false));
    assertEquals(Optional.of("1"), request.cookie("x"));
    assertEquals(Optional.of("two=2"), request.cookie("y"));
  }

  @Test
  void oversizedBody_isRefused() {
    String big = "a".repeat(HttpRequest.MAX_BODY_BYTES + 1);
    BadRequestException e =
        assertThrows(BadRequestException.class, () -> HttpRequest.from(event(big, false)));
    assertEquals(BadRequestException.Reason.TOO_LARGE, e.reason());
  }

  @Test
  void invalidBase64_isMalformed() {
    BadRequestException e =
        assertThrows(BadRequestException.class, () -> HttpRequest.from(event("@@@", true)));
    assertEquals(BadRequestException.Reason.MALFORMED, e.reason());
  }
}
