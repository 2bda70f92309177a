package org.pcohandshake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pcohandshake.bench.Scenarios.Scenario;
import org.pcohandshake.fn.authorizedecision.AuthorizeDecisionHandler;
import org.pcohandshake.fn.authorizeprompt.AuthorizePromptHandler;
import org.pcohandshake.fn.discovery.DiscoveryHandler;
import org.pcohandshake.fn.exampleapi.ExampleApiHandler;
import org.pcohandshake.fn.grantadmin.GrantAdminHandler;
import org.pcohandshake.fn.logincallback.LoginCallbackHandler;
import org.pcohandshake.fn.pcobroker.PcoBrokerHandler;
import org.pcohandshake.fn.pcocomplete.PcoCompleteHandler;
import org.pcohandshake.fn.pcokeepalive.PcoKeepAliveHandler;
import org.pcohandshake.fn.revoke.RevokeHandler;
import org.pcohandshake.fn.token.TokenHandler;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.lambda.HttpApiEventJson;
import org.pcohandshake.testkit.oidc.TestProvider;
import org.pcohandshake.testkit.pco.PcoSimulator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Every function's stream entry (what the Lambda runtime calls: an HTTP function's event JSON in,
 * response JSON out; an invoke-style function's command in, answer out) serves the benchmark's
 * success path, and each scenario's check (and each of its variants') holds for it: in {@code make
 * test}, so that a scenario or a stream entry that broke is found before a 20-minute benchmark.
 */
class StreamEntriesIT {

  static final String ISSUER = "https://auth.example.test";

  @Provisioned(secrets = {"PcoClientSecret", Scenarios.PCO_CLIENT_SECRET})
  static ProvisionedStack stack;

  static PcoSimulator pco;
  static JwksServer jwks;
  static DynamoDbClient dynamo;
  static KmsClient kms;
  static Scenarios scenarios;
  static TestProvider oidc;

  @BeforeAll
  static void start() throws Exception {
    Emulator emulator = Emulator.shared();
    pco = Scenarios.startPco(ISSUER);
    dynamo = emulator.dynamoDb();
    kms = emulator.kms();
    jwks = new JwksServer(Scenarios.jwks(stack, kms, ISSUER));
    oidc = TestProvider.start();
    scenarios =
        new Scenarios(stack, dynamo, kms, ISSUER, pco, jwks.url(), java.util.Optional.of(oidc));
  }

  @AfterAll
  static void stop() {
    jwks.close();
    pco.close();
    oidc.close();
    dynamo.close();
    kms.close();
  }

  static final Map<String, Function<Map<String, String>, RequestStreamHandler>> HANDLERS =
      Map.ofEntries(
          Map.entry(
              "LoginCallbackFunction", env -> new LoginCallbackHandler(env, Clock.systemUTC())),
          Map.entry("PcoCompleteFunction", env -> new PcoCompleteHandler(env, Clock.systemUTC())),
          Map.entry(
              "AuthorizePromptFunction", env -> new AuthorizePromptHandler(env, Clock.systemUTC())),
          Map.entry(
              "AuthorizeDecisionFunction",
              env -> new AuthorizeDecisionHandler(env, Clock.systemUTC())),
          Map.entry("TokenFunction", env -> new TokenHandler(env, Clock.systemUTC())),
          Map.entry("RevokeFunction", env -> new RevokeHandler(env, Clock.systemUTC())),
          Map.entry("DiscoveryFunction", env -> new DiscoveryHandler(env, Clock.systemUTC())),
          Map.entry("ExampleApiFunction", env -> new ExampleApiHandler(env, Clock.systemUTC())),
          Map.entry("PcoBrokerFunction", env -> new PcoBrokerHandler(env, Clock.systemUTC())),
          Map.entry("PcoKeepAliveFunction", env -> new PcoKeepAliveHandler(env, Clock.systemUTC())),
          Map.entry("GrantAdminFunction", env -> new GrantAdminHandler(env, Clock.systemUTC())));

  /** Two requests through one handler: the cold one and a warm one, each checked. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "PcoCompleteFunction",
        "AuthorizePromptFunction",
        "AuthorizeDecisionFunction",
        "TokenFunction",
        "RevokeFunction",
        "DiscoveryFunction",
        "ExampleApiFunction",
        "LoginCallbackFunction",
        "PcoBrokerFunction",
        "PcoKeepAliveFunction",
        "GrantAdminFunction"
      })
  void theStreamEntryServesTheScenario_andPassesItsCheck(String logicalId) throws Exception {
    Scenario scenario = scenarios.forFunction(logicalId).orElseThrow();
    servesTwoChecked(logicalId, scenario);
    for (Scenario variant : scenarios.variants(logicalId).values()) {
      servesTwoChecked(logicalId, variant);
    }
  }

  /** Two requests through one new handler: the cold one and a warm one, each checked. */
  private static void servesTwoChecked(String logicalId, Scenario scenario) throws Exception {
    scenarios.wipe();
    RequestStreamHandler handler =
        HANDLERS.get(logicalId).apply(scenarios.environmentFor(logicalId));
    scenario.prepare(2);
    for (int i = 0; i < 2; i++) {
      scenario.checkAnswer(invoke(handler, scenario.payload(i)));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"PcoBrokerFunction", "GrantAdminFunction"})
  void anInvokeStyleRefusal_failsTheCheck_whereSuccessIsExpected(String logicalId)
      throws Exception {
    RequestStreamHandler handler =
        HANDLERS.get(logicalId).apply(scenarios.environmentFor(logicalId));
    Scenario scenario = scenarios.forFunction(logicalId).orElseThrow();
    scenario.prepare(1);
    // what was seeded is gone: the broker answers not_connected, the admin function not_found
    scenarios.wipe();
    String answer = invoke(handler, scenario.payload(0));
    assertTrue(answer.contains("\"error\""), answer);
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> scenario.checkAnswer(answer));
    assertTrue(refused.getMessage().startsWith("refused"), refused.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"store", "skip"})
  void theOtherPcoTokenModes_checkedTheSameWay_whereTheyAdvanceWithALink(String mode)
      throws Exception {
    RequestStreamHandler handler =
        new PcoCompleteHandler(scenarios.pcoCompleteEnvironment(mode), Clock.systemUTC());
    Scenarios.HttpScenario scenario = scenarios.pcoComplete(mode);
    scenario.prepare(1);
    APIGatewayV2HTTPResponse response =
        HttpApiEventJson.parseResponse(invoke(handler, scenario.payload(0)));
    if (mode.equals("store")) {
      scenario.check(response);
    } else {
      // skip mode learns no identity, so it sets no link: the check must see that
      assertEquals(302, response.getStatusCode(), response.getBody());
      assertThrows(IllegalStateException.class, () -> scenario.check(response));
    }
  }

  /** One payload through the stream entry, as the runtime passes it; the answer as written. */
  private static String invoke(RequestStreamHandler handler, String payload) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
    return out.toString(StandardCharsets.UTF_8);
  }
}
