package org.pcohandshake.fn.pcocomplete;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** API Gateway HTTP API (payload 2.0) events for invoking the handler directly. */
final class Events {

  private Events() {}

  /** {@code GET /oauth/pco/complete?rawQuery} with the given cookies ({@code name=value}). */
  static APIGatewayV2HTTPEvent complete(String rawQuery, String... cookies) {
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey("GET /oauth/pco/complete")
        .withRawPath("/oauth/pco/complete")
        .withRawQueryString(rawQuery)
        .withCookies(cookies.length == 0 ? null : List.of(cookies))
        .withHeaders(Map.of("host", "integrator.test", "user-agent", "test"))
        .withIsBase64Encoded(false)
        .withRequestContext(
            APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRequestId(UUID.randomUUID().toString())
                .withRouteKey("GET /oauth/pco/complete")
                .withStage("$default")
                .withHttp(
                    APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod("GET")
                        .withPath("/oauth/pco/complete")
                        .withProtocol("HTTP/1.1")
                        .withSourceIp("127.0.0.1")
                        .build())
                .build())
        .build();
  }
}
