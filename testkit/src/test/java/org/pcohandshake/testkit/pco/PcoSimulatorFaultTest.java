package org.pcohandshake.testkit.pco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pcohandshake.testkit.pco.SimHttp.basic;
import static org.pcohandshake.testkit.pco.SimHttp.form;
import static org.pcohandshake.testkit.pco.SimHttp.json;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PcoSimulatorFaultTest {
  private PcoSimulator sim;
  private final SimHttp http = new SimHttp();

  @BeforeEach
  void start() throws Exception {
    sim = PcoSimulator.start(PcoSimulatorProviderTest.settings());
  }

  @AfterEach
  void stop() {
    sim.close();
    http.close();
  }

  private HttpResponse<String> refresh(String refreshToken) throws Exception {
    return http.postForm(
        sim.tokenEndpoint(),
        form("grant_type", "refresh_token", "refresh_token", refreshToken),
        "Authorization",
        basic(PcoSimulatorProviderTest.CLIENT_ID, PcoSimulatorProviderTest.CLIENT_SECRET));
  }

  @Test
  void failNextTokenCalls_500_failsExactlyThatManyCallsThenAnswersNormally() throws Exception {
    TokenPair pair = sim.issueTokens();
    sim.failNextTokenCalls(2, Fault.status(500));

    assertEquals(500, refresh(pair.refreshToken()).statusCode());
    assertEquals(500, refresh(pair.refreshToken()).statusCode());
    // the faulted calls did not consume the refresh token
    HttpResponse<String> third = refresh(pair.refreshToken());
    assertEquals(200, third.statusCode());
    assertTrue(json(third).containsKey("access_token"));
    assertEquals(3, sim.tokenCalls().get());
    assertEquals(3, sim.refreshCalls().get());
  }

  @Test
  void tooManyRequests_answers429WithRetryAfter() throws Exception {
    sim.failNextTokenCalls(1, Fault.tooManyRequests(7));
    HttpResponse<String> response = refresh(sim.issueTokens().refreshToken());
    assertEquals(429, response.statusCode());
    assertEquals("7", response.headers().firstValue("Retry-After").orElse(null));
  }

  @Test
  void invalidGrantFault_answersInvalidGrantForAValidRefreshToken() throws Exception {
    sim.failNextTokenCalls(1, Fault.invalidGrant());
    HttpResponse<String> response = refresh(sim.issueTokens().refreshToken());
    assertEquals(400, response.statusCode());
    assertEquals("invalid_grant", json(response).get("error"));
  }

  @Test
  void delayFault_waitsBeforeAnsweringNormally() throws Exception {
    TokenPair pair = sim.issueTokens();
    sim.failNextTokenCalls(1, Fault.delay(Duration.ofMillis(400)));
    long started = System.nanoTime();
    HttpResponse<String> response = refresh(pair.refreshToken());
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(200, response.statusCode());
    assertTrue(elapsedMillis >= 400, "answered after " + elapsedMillis + " ms");
  }

  @Test
  void dropConnectionFault_closesTheConnectionWithoutAnAnswer() throws Exception {
    TokenPair pair = sim.issueTokens();
    sim.failNextTokenCalls(1, Fault.dropConnection());
    assertThrows(IOException.class, () -> refresh(pair.refreshToken()));
    // the next call is answered again
    assertEquals(200, refresh(pair.refreshToken()).statusCode());
  }

  @Test
  void failNextMeCalls_503_thenMeAnswersNormally() throws Exception {
    TokenPair pair = sim.issueTokens();
    sim.failNextMeCalls(1, Fault.status(503));
    String bearer = "Bearer " + pair.accessToken();
    assertEquals(503, http.get(sim.meEndpoint(), "Authorization", bearer).statusCode());
    assertEquals(200, http.get(sim.meEndpoint(), "Authorization", bearer).statusCode());
    assertEquals(2, sim.meCalls().get());
  }

  @Test
  void invalidGrantFaultAtMe_answers401() throws Exception {
    sim.failNextMeCalls(1, Fault.invalidGrant());
    HttpResponse<String> response =
        http.get(sim.meEndpoint(), "Authorization", "Bearer " + sim.issueTokens().accessToken());
    assertEquals(401, response.statusCode());
  }

  @Test
  void clearFaults_dropsQueuedFaults() throws Exception {
    sim.failNextTokenCalls(3, Fault.status(500));
    sim.clearFaults();
    assertEquals(200, refresh(sim.issueTokens().refreshToken()).statusCode());
  }
}
