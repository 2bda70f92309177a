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
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.http.Cookies;

/**
 * {@code GET /oauth/pco/complete} (store mode, against the PCO simulator) under random and
 * malformed requests (jqwik, bounded tries); real codes from the simulator are mixed in.
 */
class PcoCompleteBadInputIT {

  static Handshake hs;

  @BeforeContainer
  static void start() {
    hs = new Handshake();
  }

  @AfterContainer
  static void stop() {
    hs.close();
  }

  static final java.util.Set<Integer> PCO_REPORTED_ERRORS =
      java.util.Set.of(ErrorCatalog.Page.PCO_UNAVAILABLE.status());

  static String title(ErrorCatalog.Page page) {
    String html = page.page().body();
    return html.substring(html.indexOf("<title>") + 7, html.indexOf("</title>"));
  }

  @Provide
  Arbitrary<APIGatewayV2HTTPEvent> requests() {
    Arbitrary<String> good =
        Arbitraries.oneOf(
            Arbitraries.of(
                "access_denied",
                "server_error",
                "temporarily_unavailable",
                "invalid_scope",
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
            Arbitraries.create(hs::pcoCode));
    return Combinators.combine(
            BadInput.rawPairs(
                Arbitraries.of("code", "state", "error", "error_description", "error_uri"), good),
            BadInput.headers(Map.of("referer", BadInput.text())),
            BadInput.cookies(Map.of(Cookies.PCO_LINK, BadInput.text())),
            BadInput.body(BadInput.text()))
        .as(
            (query, headers, cookies, body) ->
                BadInput.event("GET", "/oauth/pco/complete", query, headers, cookies, body));
  }

  @Property(tries = 200)
  void anyReturnFromPco_neverA5xx_noStackTrace_noWriteWhenRefused(
      @ForAll("requests") APIGatewayV2HTTPEvent event) {
    hs.aws.resetCalls();
    APIGatewayV2HTTPResponse response = hs.pcoComplete.handleRequest(event, null);
    if (PCO_REPORTED_ERRORS.contains(response.getStatusCode())) {
      // PCO's own error codes in the return URL (error=server_error, invalid_scope, ...) are
      // answered with the catalog's 502 pages about Planning Center: that is the answer, not a
      // fault of ours
      String body = response.getBody();
      org.junit.jupiter.api.Assertions.assertTrue(
          body.contains(title(ErrorCatalog.Page.PCO_UNAVAILABLE))
              || body.contains(title(ErrorCatalog.Page.PCO_REJECTED)),
          body);
      BadInput.assertClean(response);
    } else {
      BadInput.assertSafe(response);
    }
    BadInput.assertNoWriteWhenRefused(response, hs);
  }
}
