package org.pcohandshake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.bench.Popup.Fn;
import org.pcohandshake.fn.authorizedecision.AuthorizeDecisionHandler;
import org.pcohandshake.fn.authorizeprompt.AuthorizePromptHandler;
import org.pcohandshake.fn.pcocomplete.PcoCompleteHandler;
import org.pcohandshake.fn.token.TokenHandler;
import org.pcohandshake.http.HttpFunction;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.lambda.LocalContext;
import org.pcohandshake.testkit.pco.PcoSimulator;
import org.pcohandshake.testkit.sam.SamTemplate;

/**
 * The benchmark's popup walks the real handshake, step 2 to the token response, with the browser's
 * cookies carried between hops, and stops at a wrong answer. Here the functions are handlers in the
 * test JVM (one instance each, as the benchmark's JVMs); the benchmark runs the same walk through
 * the artifacts under the Runtime Interface Client.
 */
class PopupIT {

  static final String ISSUER = "https://auth.example.test";
  static final SamTemplate TEMPLATE = SamTemplate.fromProjectRoot();

  @Provisioned(secrets = {"PcoClientSecret", Scenarios.PCO_CLIENT_SECRET})
  static ProvisionedStack stack;

  static PcoSimulator pco;
  static JwksServer jwks;
  static Scenarios scenarios;
  static Popup popup;

  @BeforeAll
  static void start() throws Exception {
    Emulator emulator = Emulator.shared();
    pco = Scenarios.startPco(ISSUER);
    jwks = new JwksServer(Scenarios.jwks(stack, emulator.kms(), ISSUER));
    scenarios =
        new Scenarios(
            stack,
            emulator.dynamoDb(),
            emulator.kms(),
            ISSUER,
            pco,
            jwks.url(),
            java.util.Optional.empty());
    popup =
        new Popup(
            ISSUER,
            scenarios.environmentFor(Fn.PROMPT.logicalId),
            stack.secretValue("LoginBridgeKey"),
            stack.secretValue("IntegratorClientSecret"),
            pco.advanceUrl(),
            scenarios::pcoCode);
  }

  @AfterAll
  static void stop() {
    if (jwks != null) {
      jwks.close();
    }
    if (pco != null) {
      pco.close();
    }
  }

  /** One handler per function, built on its first request (cold), reused after (warm). */
  static final class Handlers implements Popup.Functions {
    final Map<Fn, HttpFunction> built = new EnumMap<>(Fn.class);

    @Override
    public Popup.Served serve(Fn fn, APIGatewayV2HTTPEvent event) {
      boolean cold = !built.containsKey(fn);
      HttpFunction function = built.computeIfAbsent(fn, Handlers::build);
      long started = System.nanoTime();
      APIGatewayV2HTTPResponse response =
          function.handleRequest(event, LocalContext.forFunction(TEMPLATE.function(fn.logicalId)));
      return new Popup.Served(
          response, Stats.millis(System.nanoTime() - started), Double.NaN, cold);
    }

    static HttpFunction build(Fn fn) {
      Map<String, String> env = scenarios.environmentFor(fn.logicalId);
      Clock clock = Clock.systemUTC();
      return switch (fn) {
        case PCO_COMPLETE -> new PcoCompleteHandler(env, clock);
        case PROMPT -> new AuthorizePromptHandler(env, clock);
        case DECISION -> new AuthorizeDecisionHandler(env, clock);
        case TOKEN -> new TokenHandler(env, clock);
      };
    }
  }

  @Test
  void walksStepTwoToTheTokenResponseColdOnEachFunctionsFirstHopOnly() throws Exception {
    Handlers handlers = new Handlers();

    Popup.Walk first = popup.walk(handlers);
    Popup.Walk second = popup.walk(handlers);

    assertEquals(List.of(Popup.Hop.values()), first.steps().stream().map(Popup.Step::hop).toList());
    assertEquals(
        List.of(true, true, false, false, true, true),
        first.steps().stream().map(Popup.Step::cold).toList(),
        "authorize-prompt is cold on its first hop only");
    assertTrue(second.steps().stream().noneMatch(Popup.Step::cold));
    assertTrue(first.totalMs() > 0 && first.wallMs() >= first.totalMs());
  }

  @Test
  void aBrowserThatLostThePreLoginCookieStopsTheWalk() {
    Handlers handlers = new Handlers();
    int[] requests = {0};
    Popup.Functions losingCookies =
        (fn, event) -> {
          if (++requests[0] == 3) {
            // the login return, without the cookie that binds the round trip to this browser
            event.setCookies(
                event.getCookies().stream()
                    .filter(c -> !c.startsWith("__Host-pco_hs_login="))
                    .toList());
          }
          return handlers.serve(fn, event);
        };

    IllegalStateException stopped =
        assertThrows(IllegalStateException.class, () -> popup.walk(losingCookies));
    assertTrue(stopped.getMessage().contains("login return"), stopped.getMessage());
  }
}
