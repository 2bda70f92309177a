package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pcohandshake.testkit.fault.Operations.GET_SECRET_VALUE;
import static org.pcohandshake.testkit.fault.Operations.KMS_SIGN;
import static org.pcohandshake.testkit.fault.Operations.TRANSACT_WRITE_ITEMS;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.PcoTokenMode;
import org.pcohandshake.log.Log;
import org.pcohandshake.pco.PcoTokenVault;
import org.pcohandshake.testkit.fault.Fault;
import org.pcohandshake.testkit.fault.Rule;
import org.pcohandshake.testkit.json.TestJson;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The whole handshake and refresh through the handlers, PCO's step 2 in store mode with the
 * simulator, the token vault, replays, and fault scenarios, all with the logs captured: every line
 * is JSON with a request id, and no token, code, secret, cookie value, login token or form token
 * appears in any of them. The test also shows the scan failing on a deliberately leaky line.
 */
class LogHygieneIT {

  static Handshake hs;
  static final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  static final SecretScanner scanner = new SecretScanner();

  @BeforeAll
  static void start() {
    hs = new Handshake();
  }

  @AfterAll
  static void stop() {
    Log.to(System.out);
    hs.close();
  }

  @Test
  void wholeHandshakeRefreshAndFaults_logNoSecret_everyLineJsonWithRequestId() throws Exception {
    scanner
        .watch("integrator client secret", hs.clientSecret)
        .watch("login bridge key", hs.stack.secretValue("LoginBridgeKey"))
        .watch("PCO client secret", Handshake.PCO_CLIENT_SECRET)
        .watch("PKCE verifier", Handshake.VERIFIER);
    Log.to(new PrintStream(captured, true, StandardCharsets.UTF_8));

    // steps 2 to 6 and a refresh chain
    Handshake.Secrets first = hs.handshake();
    watch(first);
    String second = Handshake.refreshToken(hs.refresh(first.refreshToken()));
    APIGatewayV2HTTPResponse third = hs.refresh(second);
    scanner
        .watch("refresh token", second)
        .watch("refresh token", Handshake.refreshToken(third))
        .watch("access token", (String) Handshake.json(third).get("access_token"));

    // what the protocol refuses: a code replay (revokes), a reused refresh token, a replayed
    // login token, a replayed form token, a spent PCO code
    assertEquals(400, hs.exchange(first.code()).getStatusCode());
    Handshake.Secrets other = hs.handshake();
    watch(other);
    String rotated = Handshake.refreshToken(hs.refresh(other.refreshToken()));
    scanner.watch("refresh token", rotated);
    hs.clock.advance(Duration.ofMinutes(2));
    assertEquals(400, hs.refresh(other.refreshToken()).getStatusCode());
    assertEquals(400, hs.login(first.loginToken()).getStatusCode());
    assertEquals(400, hs.decide(first.session(), first.formToken(), "approve").getStatusCode());
    assertEquals(400, hs.complete(first.pcoCode()).getStatusCode());
    // a denial
    Handshake.Consent denied = hs.toConsent();
    watch(denied);
    assertEquals(303, hs.decide(denied.session(), denied.formToken(), "deny").getStatusCode());

    // faults: AWS beyond retries and absorbed, PCO failing
    Handshake.Consent pending = hs.toConsent();
    watch(pending);
    String code = Handshake.code(hs.decide(pending.session(), pending.formToken(), "approve"));
    scanner.watch("code", code);
    hs.aws.add(Rule.on(KMS_SIGN).times(AwsClients.MAX_ATTEMPTS).answer(Fault.throttling()));
    assertEquals(503, hs.exchange(code).getStatusCode());
    hs.aws.add(Rule.on(TRANSACT_WRITE_ITEMS).times(1).answer(Fault.drop()));
    APIGatewayV2HTTPResponse afterFaults = hs.exchange(code);
    assertEquals(200, afterFaults.getStatusCode());
    scanner
        .watch("access token", (String) Handshake.json(afterFaults).get("access_token"))
        .watch("refresh token", Handshake.refreshToken(afterFaults));
    hs.freshHandlers();
    hs.aws.add(
        Rule.on(GET_SECRET_VALUE).times(AwsClients.MAX_ATTEMPTS).answer(Fault.serverError()));
    String loginToken = hs.loginToken();
    scanner.watch("login token", loginToken);
    assertEquals(503, hs.login(loginToken).getStatusCode());
    String pcoCode = hs.pcoCode();
    scanner.watch("PCO code", pcoCode);
    hs.pco.failNextMeCalls(1, org.pcohandshake.testkit.pco.Fault.status(503));
    assertEquals(502, hs.complete(pcoCode).getStatusCode());
    hs.aws.reset();

    // the PCO token vault, as another function of the integrator uses it in a request
    watchPcoTokens();
    PcoTokenVault vault = hs.pcoVault();
    hs.pco.expireAccessTokens();
    try (Log.Scope request = Log.request("vault-request-1")) {
      String name = vault.call("2002", "1001", token -> hs.pcoClient().me(token).name());
      assertTrue(!name.isEmpty());
    }
    watchPcoTokens();

    Log.to(System.out);
    String log = captured.toString(StandardCharsets.UTF_8);
    assertTrue(log.lines().count() > 50, "the scenario logged: " + log.lines().count());
    for (String event :
        List.of(
            "token_issued",
            "token_refreshed",
            "code_replay_detected",
            "refresh_reuse_detected",
            "pco_connection_stored",
            "pco_token_refreshed",
            "dependency_unavailable")) {
      assertTrue(log.contains("\"event\":\"" + event + "\""), "logged " + event);
    }
    assertEquals(List.of(), SecretScanner.malformedLines(log));
    assertTrue(scanner.watched().size() > 30, scanner.watched().keySet().toString());
    assertEquals(List.of(), scanner.secretsIn(log), "watched: " + scanner.watched().keySet());

    // the scan would catch a leak: one deliberately leaky line fails it
    ByteArrayOutputStream leaky = new ByteArrayOutputStream();
    Log.to(new PrintStream(leaky, true, StandardCharsets.UTF_8));
    Log.info("req-leak", "deliberate_leak", Map.of("x", first.refreshToken()));
    Log.to(System.out);
    List<SecretScanner.Finding> verdict =
        scanner.secretsIn(log + leaky.toString(StandardCharsets.UTF_8));
    assertEquals(1, verdict.size(), verdict.toString());
    assertTrue(verdict.getFirst().what().startsWith("refresh token"), verdict.toString());
    assertEquals(log.lines().count() + 1, verdict.getFirst().line());
  }

  static void watch(Handshake.Secrets secrets) {
    scanner
        .watch("PCO code", secrets.pcoCode())
        .watch("link cookie", secrets.linkCookie())
        .watch("login token", secrets.loginToken())
        .watch("session cookie", secrets.session())
        .watch("form token", secrets.formToken())
        .watch("code", secrets.code())
        .watch("access token", secrets.accessToken())
        .watch("refresh token", secrets.refreshToken());
  }

  static void watch(Handshake.Consent consent) {
    scanner
        .watch("PCO code", consent.pcoCode())
        .watch("link cookie", consent.link())
        .watch("login token", consent.loginToken())
        .watch("session cookie", consent.session())
        .watch("form token", consent.formToken());
  }

  /** PCO's tokens as the vault holds them (decrypted as only its context allows). */
  static void watchPcoTokens() throws Exception {
    Config config = Config.fromEnvironment(hs.environment("PcoCompleteFunction"));
    Map<String, AttributeValue> connection =
        hs.stack.scanTable("Table").stream()
            .filter(i -> i.get("pk").s().equals("PCOCONN#2002#1001"))
            .findFirst()
            .orElseThrow();
    try (KmsClient kms = kmsDirect()) {
      SdkBytes plaintext =
          kms.decrypt(
                  r ->
                      r.keyId(((PcoTokenMode.Store) config.pcoTokenMode()).tokenKeyId())
                          .ciphertextBlob(connection.get("tokens").b())
                          .encryptionContext(
                              Map.of(
                                  "purpose",
                                  "pco-token",
                                  "organization",
                                  "2002",
                                  "person",
                                  "1001")))
              .plaintext();
      Map<String, Object> tokens = TestJson.object(plaintext.asUtf8String());
      scanner
          .watch("PCO access token", (String) tokens.get("access_token"))
          .watch("PCO refresh token", (String) tokens.get("refresh_token"));
    }
  }

  static KmsClient kmsDirect() {
    return org.pcohandshake.testkit.aws.AwsClients.kms(hs.stack.endpoint());
  }
}
