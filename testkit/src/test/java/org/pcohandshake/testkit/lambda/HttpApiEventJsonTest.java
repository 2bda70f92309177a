package org.pcohandshake.testkit.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpApiEventJsonTest {

  /** The shape `sam local generate-event apigateway http-api-proxy` produces. */
  static final String SAM_EVENT =
      """
      {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/path/to/resource",
        "rawQueryString": "parameter1=value1&parameter1=value2&parameter2=value",
        "cookies": ["cookie1", "cookie2"],
        "headers": {"Header1": "value1", "Header2": "value1,value2"},
        "queryStringParameters": {"parameter1": "value1,value2", "parameter2": "value"},
        "requestContext": {
          "accountId": "123456789012",
          "apiId": "api-id",
          "authentication": {"clientCert": {"clientCertPem": "CERT_CONTENT"}},
          "authorizer": {"jwt": {"claims": {"claim1": "value1", "exp": 1700000000},
                                 "scopes": ["scope1", "scope2"]}},
          "domainName": "id.execute-api.us-east-1.amazonaws.com",
          "domainPrefix": "id",
          "http": {"method": "POST", "path": "/path/to/resource", "protocol": "HTTP/1.1",
                   "sourceIp": "192.168.0.1/32", "userAgent": "agent"},
          "requestId": "id",
          "routeKey": "$default",
          "stage": "$default",
          "time": "12/Mar/2020:19:03:58 +0000",
          "timeEpoch": 1583348638390
        },
        "body": "eyJ0ZXN0IjoiYm9keSJ9",
        "pathParameters": {"parameter1": "value1"},
        "isBase64Encoded": true,
        "stageVariables": {"stageVariable1": "value1", "stageVariable2": "value2"}
      }
      """;

  @Test
  void samGeneratedEvent_mapsEveryField() {
    APIGatewayV2HTTPEvent event = HttpApiEventJson.parseEvent(SAM_EVENT);
    assertEquals("2.0", event.getVersion());
    assertEquals("$default", event.getRouteKey());
    assertEquals("/path/to/resource", event.getRawPath());
    assertEquals("parameter1=value1&parameter1=value2&parameter2=value", event.getRawQueryString());
    assertEquals(List.of("cookie1", "cookie2"), event.getCookies());
    assertEquals("value1,value2", event.getHeaders().get("Header2"));
    assertEquals("value1,value2", event.getQueryStringParameters().get("parameter1"));
    assertEquals(Map.of("parameter1", "value1"), event.getPathParameters());
    assertEquals("value2", event.getStageVariables().get("stageVariable2"));
    assertEquals("eyJ0ZXN0IjoiYm9keSJ9", event.getBody());
    assertTrue(event.getIsBase64Encoded());
    var context = event.getRequestContext();
    assertEquals("api-id", context.getApiId());
    assertEquals("POST", context.getHttp().getMethod());
    assertEquals("192.168.0.1/32", context.getHttp().getSourceIp());
    assertEquals("agent", context.getHttp().getUserAgent());
    assertEquals(1583348638390L, context.getTimeEpoch());
    assertEquals("1700000000", context.getAuthorizer().getJwt().getClaims().get("exp"));
    assertEquals(List.of("scope1", "scope2"), context.getAuthorizer().getJwt().getScopes());
  }

  @Test
  void missingOptionalFields_stayNull_andIsBase64EncodedDefaultsToFalse() {
    APIGatewayV2HTTPEvent event = HttpApiEventJson.parseEvent("{\"rawPath\":\"/x\"}");
    assertEquals("/x", event.getRawPath());
    assertNull(event.getCookies());
    assertNull(event.getHeaders());
    assertNull(event.getRequestContext());
    assertFalse(event.getIsBase64Encoded());
  }

  @Test
  void eventJson_roundTrips() {
    APIGatewayV2HTTPEvent event = HttpApiEventJson.parseEvent(SAM_EVENT);
    APIGatewayV2HTTPEvent again = HttpApiEventJson.parseEvent(HttpApiEventJson.eventToJson(event));
    assertEquals(event, again);
  }

  @Test
  void responseJson_roundTripsWithJsonFieldNames() {
    APIGatewayV2HTTPResponse response =
        APIGatewayV2HTTPResponse.builder()
            .withStatusCode(302)
            .withHeaders(Map.of("Location", "https://example.com/?a=1&b=<2>"))
            .withCookies(List.of("sid=1; HttpOnly"))
            .withBody("")
            .withIsBase64Encoded(false)
            .build();
    String json = HttpApiEventJson.responseToJson(response);
    assertTrue(json.contains("\"isBase64Encoded\": false"), json);
    assertTrue(json.contains("https://example.com/?a=1&b=<2>"), json);
    assertEquals(response, HttpApiEventJson.parseResponse(json));
  }

  @Test
  void wronglyTypedField_isRejectedNamingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HttpApiEventJson.parseEvent("{\"cookies\": \"a=b\"}"));
    assertTrue(e.getMessage().contains("'cookies'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HttpApiEventJson.parseEvent("[1]"));
    assertThrows(IllegalArgumentException.class, () -> HttpApiEventJson.parseEvent("{"));
  }
}
