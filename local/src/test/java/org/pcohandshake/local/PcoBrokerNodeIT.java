package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.node.NodeScripts;
import org.pcohandshake.testkit.pco.AddonResult;
import org.pcohandshake.testkit.pco.PcoSimulator;

/**
 * The language-neutral promise, checked: the whole handshake in {@code store} mode through the
 * local stack, then a Node backend with nothing but the AWS SDK for JavaScript gets a fresh PCO
 * access token from the broker (and PCO accepts it), lists the organization's connections and
 * disconnects the person, all by Lambda Invoke.
 */
class PcoBrokerNodeIT {

  static DevStack local;
  static PcoSimulator pco;
  static NodeScripts node;

  @BeforeAll
  static void start() {
    local =
        DevStack.start(
            DevStackOptions.onFreePorts()
                .withEmulator(Emulator.shared())
                .withSimulatorSettings(s -> s.withAutoApprove(true))
                .withFunctionSettings(Map.of(Config.PCO_TOKEN_MODE, "store")),
            Progress.silent());
    pco = local.simulator().orElseThrow();
    node = NodeScripts.in(Path.of("src/test/node").toAbsolutePath());
  }

  @AfterAll
  static void stop() {
    if (local != null) {
      local.close();
    }
  }

  /** Both legs through the local stack, as HandshakeHttpIT runs them. */
  static void handshake() throws Exception {
    String issuer = local.baseUrl();
    try (HttpSession browser = new HttpSession()) {
      HttpSession.Page login = browser.get(local.startUrl().orElseThrow() + "addons/start");
      assertEquals(200, login.status(), browser.hops() + "\n" + login.body());
      DevLoginApp loginApp = local.loginApp().orElseThrow();
      HttpSession.Page consent =
          browser.postForm(
              loginApp.loginUrl(),
              loginApp.baseUrl(),
              Map.of(
                  "return_to",
                  HandshakeHttpIT.query(login.uri()).get("return_to"),
                  "user_id",
                  "user-7",
                  "name",
                  "Grace Hopper"));
      assertEquals(200, consent.status(), browser.hops() + "\n" + consent.body());
      HttpSession.Page result =
          browser.postForm(
              issuer + "/oauth/authorize",
              issuer,
              Map.of(
                  "form_token",
                  consent.find("name=\"form_token\" value=\"([^\"]+)\""),
                  "decision",
                  "approve"));
      assertEquals(200, result.status(), browser.hops() + "\n" + result.body());
    }
    assertEquals(AddonResult.Outcome.AUTHORIZED, pco.lastAddonResult().outcome());
  }

  @Test
  @SuppressWarnings("unchecked")
  void aNodeBackend_getsAPcoTokenThatPcoAccepts_listsTheConnection_andDisconnectsIt()
      throws Exception {
    handshake();
    pco.resetCounters();

    NodeScripts.Result result =
        node.node(
            "broker.mjs",
            Map.of(
                "LAMBDA_ENDPOINT", local.api().lambdaEndpoint(),
                "PCO_API", pco.baseUrl(),
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "123456789012",
                "AWS_SECRET_ACCESS_KEY", "test"),
            "PcoBrokerFunction",
            "2002");

    assertEquals(0, result.exitCode(), result.stderr() + result.stdout());
    Map<String, Object> out = TestJson.object(result.stdout().trim());
    Map<String, Object> token = (Map<String, Object>) out.get("token");
    assertEquals("1001", token.get("person_id"));
    assertEquals("most_recently_refreshed", token.get("person_selected"));
    assertFalse(((List<Object>) token.get("keys")).contains("refresh_token"));
    assertTrue(((Number) token.get("expires_in")).doubleValue() > 300);
    Map<String, Object> me = (Map<String, Object>) out.get("pco_me");
    assertEquals(200.0, ((Number) me.get("status")).doubleValue(), "PCO accepts the token");
    assertEquals("1001", me.get("person"));
    List<Map<String, Object>> connections =
        (List<Map<String, Object>>)
            ((Map<String, Object>) out.get("connections")).get("connections");
    assertEquals(1, connections.size());
    assertEquals("healthy", connections.get(0).get("status"));
    Map<String, Object> disconnected = (Map<String, Object>) out.get("disconnected");
    assertEquals(true, disconnected.get("disconnected"));
    assertEquals(true, disconnected.get("revoked_at_pco"));
    assertEquals(1, pco.revokeCalls().get());
    assertEquals("not_connected", ((Map<String, Object>) out.get("after")).get("error"));
    assertFalse(
        result.stdout().contains("pco_tok") || result.stdout().contains("access_token\":\""));
  }
}
