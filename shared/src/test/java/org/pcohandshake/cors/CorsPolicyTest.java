package org.pcohandshake.cors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;

class CorsPolicyTest {

  final CorsPolicy policy =
      new CorsPolicy(
          List.of(Config.DEFAULT_ALLOWED_ORIGINS.split(" ")),
          List.of("GET"),
          List.of("Authorization"));

  static HttpRequest request(String method, Map<String, String> headers) {
    return HttpRequest.from(
        APIGatewayV2HTTPEvent.builder()
            .withRawPath("/api/me")
            .withHeaders(headers)
            .withRequestContext(
                APIGatewayV2HTTPEvent.RequestContext.builder()
                    .withHttp(
                        APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                            .withMethod(method)
                            .build())
                    .build())
            .build());
  }

  @Test
  void planningCenterProductOrigins_areAllowed() {
    for (String origin :
        List.of(
            "https://services.planningcenteronline.com",
            "https://people.planningcenteronline.com",
            "https://check-ins.planningcenteronline.com",
            "https://planningcenteronline.com")) {
      assertTrue(policy.allows(origin), origin);
    }
  }

  @Test
  void lookalikeOrigins_areNotAllowed() {
    for (String origin :
        List.of(
            "http://services.planningcenteronline.com",
            "https://services.planningcenteronline.com:8443",
            "https://a.b.planningcenteronline.com",
            "https://planningcenteronline.com.evil.example",
            "https://services.planningcenteronline.com.evil.example",
            "https://evilplanningcenteronline.com",
            "https://evil.example/.planningcenteronline.com",
            "https://-x.planningcenteronline.com",
            "https://.planningcenteronline.com",
            "null",
            "")) {
      assertFalse(policy.allows(origin), origin);
    }
  }

  @Test
  void preflightFromAnAllowedOrigin_grantsGetWithAuthorization() {
    HttpResponse response =
        policy.preflight(
            request(
                "OPTIONS",
                Map.of(
                    "Origin", "https://services.planningcenteronline.com",
                    "Access-Control-Request-Method", "GET",
                    "Access-Control-Request-Headers", "authorization")));
    assertEquals(204, response.status());
    assertEquals(
        "https://services.planningcenteronline.com",
        response.headers().get("access-control-allow-origin"));
    assertEquals("GET", response.headers().get("access-control-allow-methods"));
    assertEquals("Authorization", response.headers().get("access-control-allow-headers"));
    assertTrue(response.headers().get("vary").contains("Origin"));
    assertNull(response.headers().get("access-control-allow-credentials"));
  }

  @Test
  void preflightFromAnotherOrigin_orForMoreThanAllowed_getsNoCorsHeaders() {
    for (Map<String, String> headers :
        List.of(
            Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "GET"),
            Map.of(
                "Origin",
                "https://services.planningcenteronline.com",
                "Access-Control-Request-Method",
                "DELETE"),
            Map.of(
                "Origin",
                "https://services.planningcenteronline.com",
                "Access-Control-Request-Method",
                "GET",
                "Access-Control-Request-Headers",
                "authorization, x-custom"))) {
      HttpResponse response = policy.preflight(request("OPTIONS", headers));
      assertEquals(403, response.status(), headers.toString());
      assertNull(response.headers().get("access-control-allow-origin"));
    }
  }

  @Test
  void actualResponse_namesAnAllowedOriginOnly_andAlwaysVaries() {
    HttpResponse ok = HttpResponse.json(200, "{}");
    HttpResponse allowed =
        policy.apply(
            request("GET", Map.of("Origin", "https://people.planningcenteronline.com")), ok);
    assertEquals(
        "https://people.planningcenteronline.com",
        allowed.headers().get("access-control-allow-origin"));
    assertEquals("WWW-Authenticate", allowed.headers().get("access-control-expose-headers"));
    assertEquals("Origin", allowed.headers().get("vary"));

    HttpResponse other = policy.apply(request("GET", Map.of("Origin", "https://evil.example")), ok);
    assertNull(other.headers().get("access-control-allow-origin"));
    assertEquals("Origin", other.headers().get("vary"));
  }
}
