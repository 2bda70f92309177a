package org.pcohandshake.reliability;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.pcohandshake.crypto.Tokens;

/** {@code POST /oauth/token} under random and malformed requests (jqwik, bounded tries). */
class TokenBadInputIT {

  static Handshake hs;

  @BeforeContainer
  static void start() {
    hs = new Handshake();
  }

  @AfterContainer
  static void stop() {
    hs.close();
  }

  static final String[] NAMES = {
    "grant_type",
    "code",
    "refresh_token",
    "redirect_uri",
    "code_verifier",
    "client_id",
    "client_secret",
    "scope"
  };

  Arbitrary<String> goodValues() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "authorization_code",
            "refresh_token",
            "client_credentials",
            hs.redirectUri,
            hs.clientId,
            hs.clientSecret,
            Handshake.VERIFIER,
            "people"),
        Arbitraries.create(Tokens::random));
  }

  Arbitrary<Map<String, String>> headers() {
    return BadInput.headers(
        Map.of(
            "content-type", BadInput.contentType(),
            "authorization", BadInput.authorization(hs.clientId, hs.clientSecret)));
  }

  @Provide
  Arbitrary<APIGatewayV2HTTPEvent> formRequests() {
    return Combinators.combine(
            BadInput.rawPairs(Arbitraries.of(NAMES), goodValues()),
            BadInput.rawPairs("client_secret", "client_id", "code"),
            headers(),
            BadInput.cookies(Map.of()))
        .flatAs(
            (form, query, headers, cookies) ->
                BadInput.body(Arbitraries.just(form))
                    .map(
                        body ->
                            BadInput.event("POST", "/oauth/token", query, headers, cookies, body)));
  }

  @Provide
  Arbitrary<APIGatewayV2HTTPEvent> jsonRequests() {
    return Combinators.combine(BadInput.json(NAMES), headers())
        .flatAs(
            (json, headers) ->
                BadInput.body(Arbitraries.just(json))
                    .map(
                        body -> {
                          headers.putIfAbsent("content-type", "application/json");
                          return BadInput.event(
                              "POST", "/oauth/token", "", headers, java.util.List.of(), body);
                        }));
  }

  @Property(tries = 200)
  void anyFormRequest_neverA5xx_noStackTrace_noWriteWhenRefused(
      @ForAll("formRequests") APIGatewayV2HTTPEvent event) {
    check(event);
  }

  @Property(tries = 200)
  void anyJsonRequest_neverA5xx_noStackTrace_noWriteWhenRefused(
      @ForAll("jsonRequests") APIGatewayV2HTTPEvent event) {
    check(event);
  }

  private static void check(APIGatewayV2HTTPEvent event) {
    hs.aws.resetCalls();
    APIGatewayV2HTTPResponse response = hs.token.handleRequest(event, null);
    BadInput.assertSafe(response);
    BadInput.assertNoWriteWhenRefused(response, hs);
    org.junit.jupiter.api.Assertions.assertEquals(
        "no-store", response.getHeaders().get("cache-control"));
    org.junit.jupiter.api.Assertions.assertTrue(
        response.getHeaders().get("content-type").startsWith("application/json"));
  }
}
