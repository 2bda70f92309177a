package org.pcohandshake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.crac.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config;
import org.pcohandshake.fn.authorizedecision.AuthorizeDecisionHandler;
import org.pcohandshake.fn.authorizeprompt.AuthorizePromptHandler;
import org.pcohandshake.fn.discovery.DiscoveryHandler;
import org.pcohandshake.fn.exampleapi.ExampleApiHandler;
import org.pcohandshake.fn.grantadmin.GrantAdminHandler;
import org.pcohandshake.fn.logincallback.LoginCallbackHandler;
import org.pcohandshake.fn.pcocomplete.PcoCompleteHandler;
import org.pcohandshake.fn.revoke.RevokeHandler;
import org.pcohandshake.fn.token.TokenHandler;
import org.pcohandshake.log.Log;
import org.pcohandshake.metrics.Metrics;
import org.pcohandshake.testkit.aws.AwsCallCounter;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.pco.PcoSimulator;

/**
 * The SnapStart priming hooks run the request path and leave no trace: nothing stored, no secret
 * read (a secret must never be in a snapshot), no metric counted, no failure swallowed; and the AWS
 * calls they make are pinned like the flows' calls. That each of those calls is one the function's
 * role in template.yaml grants is LeastPrivilegeIT's part: it runs every hook too.
 */
class PrimingIT {

  static final String ISSUER = "https://auth.example.test";

  @Provisioned static ProvisionedStack stack;
  final ByteArrayOutputStream log = new ByteArrayOutputStream();
  final ByteArrayOutputStream metrics = new ByteArrayOutputStream();

  @AfterEach
  void restoreLog() {
    Log.to(System.out);
    Metrics.to(System.out);
  }

  /** Runs a handler's hook; returns the AWS calls it made, after checking it left no trace. */
  Map<String, Long> prime(Resource handler) throws Exception {
    List<?> before = stack.scanTable("Table");
    Log.to(new PrintStream(log, true, StandardCharsets.UTF_8));
    Metrics.to(new PrintStream(metrics, true, StandardCharsets.UTF_8));
    AwsCallCounter.reset();
    handler.beforeCheckpoint(null);
    Map<String, Long> calls = AwsCallCounter.counts();
    Log.to(System.out);
    Metrics.to(System.out);
    String lines = log.toString(StandardCharsets.UTF_8);
    assertTrue(lines.contains("\"snapstart_primed\""), lines);
    assertFalse(lines.contains("snapstart_priming_failed"), lines);
    // no request of the hook was answered by the error path (a dependency that failed)
    assertFalse(
        lines.contains("internal_error") || lines.contains("dependency_unavailable"), lines);
    assertEquals(before, stack.scanTable("Table"), "priming stored something");
    assertFalse(
        calls.keySet().stream().anyMatch(name -> name.startsWith("SecretsManager.")),
        "priming read a secret: " + calls);
    assertEquals("", metrics.toString(StandardCharsets.UTF_8), "priming counted a metric");
    return calls;
  }

  static Map<String, Long> expected(Object... nameThenCount) {
    Map<String, Long> map = new TreeMap<>();
    for (int i = 0; i < nameThenCount.length; i += 2) {
      map.put((String) nameThenCount[i], ((Number) nameThenCount[i + 1]).longValue());
    }
    return map;
  }

  @Test
  void authorizePromptPriming_readsASessionAndClaimsALinkThatWereNeverIssued() throws Exception {
    var handler =
        new AuthorizePromptHandler(
            stack.environmentFor("AuthorizePromptFunction", ISSUER), Clock.systemUTC());
    assertEquals(expected("DynamoDb.GetItem", 1, "DynamoDb.UpdateItem", 1), prime(handler));
  }

  /** The oidc mode's settings; priming never fetches the provider's documents. */
  static final Map<String, String> OIDC =
      Map.of(
          "LoginMode", "oidc",
          "OidcIssuer", "https://login.example.test",
          "OidcClientId", "pco-handshake");

  @Test
  void authorizePromptPriming_inOidcMode_buildsTheProvidersRedirectWithoutStoringIt()
      throws Exception {
    var handler =
        new AuthorizePromptHandler(
            stack.environmentFor("AuthorizePromptFunction", ISSUER, OIDC), Clock.systemUTC());
    assertEquals(expected("DynamoDb.GetItem", 1, "DynamoDb.UpdateItem", 1), prime(handler));
  }

  @Test
  void loginCallbackPriming_triesToConsumeALoginRequestThatWasNeverIssued() throws Exception {
    var handler =
        new LoginCallbackHandler(
            stack.environmentFor("LoginCallbackFunction", ISSUER, OIDC), Clock.systemUTC());
    assertEquals(expected("DynamoDb.DeleteItem", 1), prime(handler));
  }

  @Test
  void loginCallbackPriming_inBridgeMode_makesNoCall() throws Exception {
    var handler =
        new LoginCallbackHandler(
            stack.environmentFor("LoginCallbackFunction", ISSUER), Clock.systemUTC());
    assertEquals(expected(), prime(handler));
  }

  @Test
  void authorizeDecisionPriming_readsAndTriesATransactionThatIsRefused() throws Exception {
    var handler =
        new AuthorizeDecisionHandler(
            stack.environmentFor("AuthorizeDecisionFunction", ISSUER), Clock.systemUTC());
    assertEquals(expected("DynamoDb.GetItem", 2, "DynamoDb.TransactWriteItems", 1), prime(handler));
  }

  @Test
  void tokenPriming_signsAConstant_andTriesARedemptionThatIsRefused() throws Exception {
    var handler =
        new TokenHandler(stack.environmentFor("TokenFunction", ISSUER), Clock.systemUTC());
    assertEquals(
        expected("DynamoDb.GetItem", 1, "Kms.Sign", 1, "DynamoDb.TransactWriteItems", 1),
        prime(handler));
  }

  @Test
  void pcoCompletePriming_triesALinkWriteThatIsRefused_andCallsNoPlanningCenter() throws Exception {
    try (PcoSimulator pco = Scenarios.startPco(ISSUER)) {
      var handler =
          new PcoCompleteHandler(pcoCompleteEnvironment(pco, "identify"), Clock.systemUTC());
      assertEquals(expected("DynamoDb.PutItem", 1), prime(handler));
      assertEquals(0, pco.tokenCalls().get() + pco.meCalls().get(), "priming called PCO");
    }
  }

  @Test
  void pcoCompletePriming_inStoreMode_encryptsASample_andTriesATransactionThatIsRefused()
      throws Exception {
    try (PcoSimulator pco = Scenarios.startPco(ISSUER)) {
      var handler = new PcoCompleteHandler(pcoCompleteEnvironment(pco, "store"), Clock.systemUTC());
      // the read of what is stored (which decides the connection's event), never issued here
      assertEquals(
          expected("Kms.Encrypt", 1, "DynamoDb.GetItem", 1, "DynamoDb.TransactWriteItems", 1),
          prime(handler));
      assertEquals(0, pco.tokenCalls().get() + pco.meCalls().get(), "priming called PCO");
    }
  }

  @Test
  void pcoBrokerPriming_readsAConnectionAndAListingThatWereNeverStored_andCallsNoPlanningCenter()
      throws Exception {
    try (PcoSimulator pco = Scenarios.startPco(ISSUER)) {
      var handler =
          new org.pcohandshake.fn.pcobroker.PcoBrokerHandler(
              pcoEnvironment(pco, "PcoBrokerFunction", "store"), Clock.systemUTC());
      assertEquals(expected("DynamoDb.GetItem", 1, "DynamoDb.Query", 1), prime(handler));
      assertEquals(0, pco.tokenCalls().get() + pco.revokeCalls().get(), "priming called PCO");
    }
  }

  @Test
  void pcoKeepAlivePriming_isADryRun_oneIndexQuery_noRefresh() throws Exception {
    try (PcoSimulator pco = Scenarios.startPco(ISSUER)) {
      var handler =
          new org.pcohandshake.fn.pcokeepalive.PcoKeepAliveHandler(
              pcoEnvironment(pco, "PcoKeepAliveFunction", "store"), Clock.systemUTC());
      assertEquals(expected("DynamoDb.Query", 1), prime(handler));
      assertEquals(0, pco.tokenCalls().get(), "priming called PCO");
    }
  }

  @Test
  void revokePriming_readsATokenThatWasNeverIssued_andTriesARevocationThatIsRefused()
      throws Exception {
    var handler =
        new RevokeHandler(stack.environmentFor("RevokeFunction", ISSUER), Clock.systemUTC());
    assertEquals(expected("DynamoDb.GetItem", 1, "DynamoDb.UpdateItem", 1), prime(handler));
  }

  @Test
  void grantAdminPriming_readsAndListsGrantsNeverIssued_andTriesARevocationThatIsRefused()
      throws Exception {
    var handler =
        new GrantAdminHandler(
            stack.environmentFor("GrantAdminFunction", ISSUER), Clock.systemUTC());
    // no event: nothing was revoked
    assertEquals(
        expected("DynamoDb.GetItem", 1, "DynamoDb.Query", 1, "DynamoDb.UpdateItem", 1),
        prime(handler));
  }

  @Test
  void discoveryPriming_readsThePublicKeysOnce_andKeepsThem() throws Exception {
    var handler =
        new DiscoveryHandler(stack.environmentFor("DiscoveryFunction", ISSUER), Clock.systemUTC());
    assertEquals(expected("Kms.GetPublicKey", 1), prime(handler));
    // what priming kept is what the first request after a restore serves, with no call of its own
    AwsCallCounter.reset();
    var jwks = handler.handleRequest(TestEvent.get(Config.JWKS_PATH).build(), null);
    assertEquals(200, jwks.getStatusCode(), jwks.getBody());
    assertEquals(expected(), AwsCallCounter.counts());
  }

  @Test
  void exampleApiPriming_readsAGrantThatWasNeverIssued_andFetchesNoKeys() throws Exception {
    try (JwksServer jwks = new JwksServer("{\"keys\":[]}")) {
      Map<String, String> env =
          new LinkedHashMap<>(stack.environmentFor("ExampleApiFunction", ISSUER));
      env.put(Config.JWKS_URL, jwks.url().toString());
      var handler = new ExampleApiHandler(env, Clock.systemUTC());
      assertEquals(expected("DynamoDb.GetItem", 1), prime(handler));
      assertEquals(0, jwks.requests(), "priming fetched the JWKS");
    }
  }

  /** pco-complete's environment in a token mode, with Planning Center's simulator as PCO. */
  static Map<String, String> pcoCompleteEnvironment(PcoSimulator pco, String mode) {
    return pcoEnvironment(pco, "PcoCompleteFunction", mode);
  }

  /** A function's environment in a token mode, with Planning Center's simulator as PCO. */
  static Map<String, String> pcoEnvironment(PcoSimulator pco, String logicalId, String mode) {
    return stack.environmentFor(
        logicalId,
        ISSUER,
        Map.of(
            "PcoBaseUrl",
            pco.baseUrl(),
            "PcoClientId",
            Scenarios.PCO_CLIENT_ID,
            "PcoOAuthApplicationId",
            Scenarios.PCO_APPLICATION_ID,
            "PcoTokenMode",
            mode));
  }
}
