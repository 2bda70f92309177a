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
import org.pcohandshake.http.Cookies;
import org.pcohandshake.testkit.login.LoginTokens;

/**
 * {@code GET} and {@code POST /oauth/authorize} under random and malformed requests (jqwik, bounded
 * tries). Valid sessions, links, login tokens and form tokens are mixed in, so the generators also
 * reach the deeper checks.
 */
class AuthorizeBadInputIT {

  static Handshake hs;
  static String session;
  static String link;
  static final String roundTrip = LoginTokens.roundTrip();

  @BeforeContainer
  static void start() {
    hs = new Handshake();
    Handshake.Consent consent = hs.toConsent();
    session = consent.session();
    link = consent.link();
  }

  @AfterContainer
  static void stop() {
    hs.close();
  }

  Arbitrary<java.util.List<String>> cookies() {
    return BadInput.cookies(
        Map.of(
            Cookies.SESSION,
            BadInput.value(Arbitraries.of(session, Tokens.random())),
            Cookies.PCO_LINK,
            BadInput.value(Arbitraries.of(link)),
            Cookies.LOGIN,
            BadInput.value(Arbitraries.of(roundTrip))));
  }

  @Provide
  Arbitrary<APIGatewayV2HTTPEvent> promptRequests() {
    Arbitrary<String> good =
        Arbitraries.oneOf(
            Arbitraries.of(
                "code",
                "token",
                hs.clientId,
                hs.redirectUri,
                hs.redirectUri + "/",
                Handshake.CHALLENGE,
                "S256",
                "plain",
                "people",
                "continue",
                LoginTokens.stateOf(roundTrip)),
            Arbitraries.create(hs::loginToken));
    return Combinators.combine(
            BadInput.rawPairs(
                Arbitraries.of(
                    "response_type",
                    "client_id",
                    "redirect_uri",
                    "state",
                    "scope",
                    "code_challenge",
                    "code_challenge_method",
                    "login_token",
                    "login_state",
                    "login_switch"),
                good),
            BadInput.headers(Map.of("cookie", BadInput.text())),
            cookies(),
            BadInput.body(BadInput.text()))
        .as(
            (query, headers, cookies, body) ->
                BadInput.event("GET", "/oauth/authorize", query, headers, cookies, body));
  }

  @Provide
  Arbitrary<APIGatewayV2HTTPEvent> decisionRequests() {
    Arbitrary<String> good =
        Arbitraries.oneOf(
            Arbitraries.of("approve", "deny"),
            // a fresh link for each form: an approval uses its link up
            Arbitraries.create(() -> Handshake.formToken(hs.consentPage(session, hs.freshLink()))));
    return Combinators.combine(
            BadInput.rawPairs(Arbitraries.of("form_token", "decision"), good),
            BadInput.headers(
                Map.of(
                    "content-type",
                    BadInput.contentType(),
                    "origin",
                    BadInput.value(Arbitraries.of(Handshake.ISSUER, "https://evil.example")))),
            cookies())
        .flatAs(
            (form, headers, cookies) ->
                BadInput.body(Arbitraries.just(form))
                    .map(
                        body ->
                            BadInput.event(
                                "POST", "/oauth/authorize", "", headers, cookies, body)));
  }

  @Property(tries = 200)
  void anyPromptRequest_neverA5xx_noStackTrace_noWriteWhenRefused(
      @ForAll("promptRequests") APIGatewayV2HTTPEvent event) {
    hs.aws.resetCalls();
    APIGatewayV2HTTPResponse response = hs.prompt.handleRequest(event, null);
    BadInput.assertSafe(response);
    BadInput.assertNoWriteWhenRefused(response, hs);
  }

  @Property(tries = 200)
  void anyDecisionRequest_neverA5xx_noStackTrace_noWriteWhenRefused(
      @ForAll("decisionRequests") APIGatewayV2HTTPEvent event) {
    hs.aws.resetCalls();
    APIGatewayV2HTTPResponse response = hs.decision.handleRequest(event, null);
    BadInput.assertSafe(response);
    BadInput.assertNoWriteWhenRefused(response, hs);
  }
}
