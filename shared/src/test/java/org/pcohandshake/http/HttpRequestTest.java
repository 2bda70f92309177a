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

  /** The event as Lambda's JSON, written here by hand the way API Gateway sends it. */
  private static String eventJson(String body, boolean base64) {
    return "{\"version\":\"2.0\",\"routeKey\":\"POST /oauth/token\",\"rawPath\":\"/oauth/token\","
        + "\"rawQueryString\":\"a=1\",\"cookies\":[\"x=1\",\"y=two=2\"],"
        + "\"headers\":{\"Content-Type\":\"application/x-www-form-urlencoded; charset=utf-8\"},"
        + "\"requestContext\":{\"requestId\":\"req-1\",\"http\":{\"method\":\"post\"},"
        + "\"timeEpoch\":1700000000000},"
        + "\"body\":"
        + (body == null ? "null" : "\"" + body + "\"")
        + ",\"isBase64Encoded\":"
        + base64
        + "}";
  }

  @Test
  void eventJson_givesTheSameRequestAsTheEventObject() {
    String encoded =
        Base64.getEncoder()
            .encodeToString("grant_type=x&b=%C3%A9".getBytes(StandardCharsets.UTF_8));
    for (boolean base64 : new boolean[] {true, false}) {
      String body = base64 ? encoded : "plain";
      assertEquals(
          HttpRequest.from(event(body, base64)),
          HttpRequest.fromEventJson(eventJson(body, base64)));
    }
    assertEquals(
        HttpRequest.from(event(null, false)), HttpRequest.fromEventJson(eventJson(null, false)));
  }

  @Test
  void eventJson_withoutOptionalParts_hasTheEventObjectsDefaults() {
    assertEquals(
        HttpRequest.from(APIGatewayV2HTTPEvent.builder().build()), HttpRequest.fromEventJson("{}"));
  }

  @Test
  void eventJson_appliesTheSameLimits() {
    String big = "a".repeat(HttpRequest.MAX_BODY_BYTES + 1);
    BadRequestException e =
        assertThrows(
            BadRequestException.class, () -> HttpRequest.fromEventJson(eventJson(big, false)));
    assertEquals(BadRequestException.Reason.TOO_LARGE, e.reason());
  }

  @Test
  void responseJson_holdsWhatTheResponseEventHolds() {
    HttpResponse response =
        HttpResponse.json(200, "{\"a\":\"\u00e9\"}")
            .withCookie("c=1; Path=/")
            .withHeader("x-y", "z");
    var event = response.toEvent();
    Map<String, Object> json = org.pcohandshake.json.Json.parseObject(response.toEventJson());
    assertEquals((long) event.getStatusCode(), json.get("statusCode"));
    assertEquals(event.getHeaders(), json.get("headers"));
    assertEquals(event.getCookies(), json.get("cookies"));
    assertEquals(event.getBody(), json.get("body"));
    assertEquals(false, json.get("isBase64Encoded"));
    assertEquals(
        false,
        org.pcohandshake.json.Json.parseObject(HttpResponse.redirect(302, "/x").toEventJson())
            .containsKey("cookies"));
  }
}
