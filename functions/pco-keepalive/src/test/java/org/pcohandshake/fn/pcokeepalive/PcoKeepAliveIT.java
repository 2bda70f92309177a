package org.pcohandshake.fn.pcokeepalive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.PcoTokenMode;
import org.pcohandshake.pco.PcoClient;
import org.pcohandshake.pco.PcoException;
import org.pcohandshake.pco.PcoIdentity;
import org.pcohandshake.pco.PcoTokenVault;
import org.pcohandshake.pco.PcoTokens;
import org.pcohandshake.pco.ReauthorizationRequired;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.EventCapture;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.pco.Fault;
import org.pcohandshake.testkit.pco.PcoSimulator;
import org.pcohandshake.testkit.pco.TokenPair;
import org.pcohandshake.testkit.time.MutableClock;

/**
 * Keep-alive against the emulator and the PCO simulator, a stack per test (it reads every stored
 * connection): only idle connections are refreshed, flagged ones are left alone, dead ones are
 * flagged with their event, and two runs at once refresh each connection once.
 */
class PcoKeepAliveIT {

  static final String BASE_URL = "https://integrator.test";
  static final String PCO_CLIENT_ID = "pco-keepalive-client";
  static final String PCO_CLIENT_SECRET = "pco-keepalive-secret-5b9c0e";

  @Provisioned(secrets = {"PcoClientSecret", PCO_CLIENT_SECRET})
  ProvisionedStack stack;

  PcoSimulator pco;
  EventCapture events;
  final MutableClock clock = MutableClock.startingNow();
  PcoTokenVault vault;

  @BeforeEach
  void start() throws Exception {
    pco =
        PcoSimulator.start(
            PcoSimulator.Settings.defaults().withPcoClient(PCO_CLIENT_ID, PCO_CLIENT_SECRET));
    events = new EventCapture(Emulator.shared());
    Config config = Config.fromEnvironment(environment(Map.of()));
    AwsClients aws = new AwsClients(config);
    vault =
        PcoTokenVault.publishing(
            config,
            (PcoTokenMode.Store) config.pcoTokenMode(),
            aws,
            aws.dynamoDb(),
            new PcoClient(
                pco.baseUrl(),
                PCO_CLIENT_ID,
                () -> PCO_CLIENT_SECRET,
                Duration.ofSeconds(4),
                clock),
            clock);
  }

  @AfterEach
  void stop() {
    pco.close();
    events.close();
  }

  Map<String, String> environment(Map<String, String> extra) {
    Map<String, String> env =
        new HashMap<>(
            stack.environmentFor(
                "PcoKeepAliveFunction",
                BASE_URL,
                Map.of(
                    "PcoBaseUrl",
                    pco.baseUrl(),
                    "PcoClientId",
                    PCO_CLIENT_ID,
                    "PcoTokenMode",
                    "store")));
    env.put(Config.EVENT_BUS_NAME, events.busName());
    env.putAll(extra);
    return env;
  }

  /** Stores a connection now (by the test's clock), its access token good for a day. */
  TokenPair connect(String personId) {
    TokenPair pair = pco.issueTokens();
    vault.store(
        new PcoIdentity("900", personId, "Pat"),
        new PcoTokens(
            pair.accessToken(),
            pair.refreshToken(),
            clock.instant().plus(Duration.ofDays(400)),
            "people"));
    return pair;
  }

  Map<String, Object> run(PcoKeepAliveHandler handler, String command) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(command.getBytes(StandardCharsets.UTF_8)), out, null);
    return TestJson.object(out.toString(StandardCharsets.UTF_8));
  }

  Map<String, Object> run() throws Exception {
    return run(
        new PcoKeepAliveHandler(environment(Map.of()), clock), "{\"operation\":\"keep_alive\"}");
  }

  static int count(Map<String, Object> report, String name) {
    return ((Number) report.get(name)).intValue();
  }

  @Test
  void keepAlive_refreshesOnlyConnectionsIdleForTheConfiguredDays() throws Exception {
    connect("1");
    TokenPair idle = connect("2");
    clock.advance(Duration.ofDays(25));
    TokenPair recent = connect("3");
    clock.advance(Duration.ofDays(6));

    Map<String, Object> report = run();

    assertEquals(2, count(report, "refreshed"), report.toString());
    assertEquals(2, pco.refreshCalls().get());
    assertEquals(true, report.get("complete"));
    // the idle ones' refresh tokens were rotated; the recent one's still works
    assertThrows(PcoException.class, () -> client().refresh(idle.refreshToken()));
    client().refresh(recent.refreshToken());
    // the next run finds nothing idle
    pco.resetCounters();
    assertEquals(0, count(run(), "refreshed"));
    assertEquals(0, pco.refreshCalls().get());
  }

  @Test
  void keepAlive_daysAreConfigurable() throws Exception {
    connect("1");
    clock.advance(Duration.ofDays(8));
    PcoKeepAliveHandler weekly =
        new PcoKeepAliveHandler(environment(Map.of(Config.PCO_KEEPALIVE_DAYS, "7")), clock);
    assertEquals(1, count(run(weekly, "{\"operation\":\"keep_alive\"}"), "refreshed"));
  }

  @Test
  void aDeadConnection_isFlaggedOnce_withItsEvent_andNeitherHealedNorRefreshedAgain()
      throws Exception {
    TokenPair dead = connect("1");
    pco.revokeToken(dead.refreshToken());
    clock.advance(Duration.ofDays(31));

    Map<String, Object> first = run();
    assertEquals(1, count(first, "reauthorization_required"), first.toString());
    clock.advance(Duration.ofDays(31));
    Map<String, Object> second = run();

    assertEquals(0, count(second, "examined"), "a flagged connection is not idle-listed");
    assertEquals(1, pco.refreshCalls().get());
    ReauthorizationRequired e =
        assertThrows(ReauthorizationRequired.class, () -> vault.accessToken("900", "1"));
    assertEquals("invalid_grant", e.statusReason());
    assertEquals(1, events.events("PCO connection reauthorization required", d -> true).size());
  }

  @Test
  void twoRunsAtOnce_refreshEachIdleConnectionOnce() throws Exception {
    int connections = 12;
    for (int i = 0; i < connections; i++) {
      connect(Integer.toString(100 + i));
    }
    clock.advance(Duration.ofDays(31));
    // both runs start from the same listing; PCO answers slowly so that they overlap
    pco.failNextTokenCalls(connections, Fault.delayMillis(150));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Callable<Map<String, Object>>> runs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        PcoKeepAliveHandler handler = new PcoKeepAliveHandler(environment(Map.of()), clock);
        runs.add(() -> run(handler, "{\"operation\":\"keep_alive\"}"));
      }
      int refreshed = 0;
      for (Future<Map<String, Object>> report : pool.invokeAll(runs)) {
        refreshed += count(report.get(), "refreshed");
        assertEquals(0, count(report.get(), "failed"), report.get().toString());
      }
      assertEquals(connections, pco.refreshCalls().get(), "one refresh at PCO per connection");
      assertEquals(connections, refreshed);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aDryRun_countsIdleConnections_andRefreshesNothing() throws Exception {
    connect("1");
    clock.advance(Duration.ofDays(31));
    Map<String, Object> report =
        run(
            new PcoKeepAliveHandler(environment(Map.of()), clock),
            "{\"operation\":\"keep_alive\",\"dry_run\":true}");
    assertEquals(1, count(report, "examined"));
    assertEquals(0, count(report, "refreshed"));
    assertEquals(0, pco.refreshCalls().get());
  }

  @Test
  void pcoDown_stopsTheRunAfterAFewFailures_andLeavesTheConnectionsIdleForTheNextRun()
      throws Exception {
    for (int i = 0; i < 5; i++) {
      connect(Integer.toString(200 + i));
    }
    clock.advance(Duration.ofDays(31));
    pco.failNextTokenCalls(3, Fault.status(503));

    Map<String, Object> report = run();

    assertEquals(3, count(report, "failed"), report.toString());
    assertEquals("pco_unavailable", report.get("stopped_by"));
    assertEquals(false, report.get("complete"));
    assertEquals(5, count(run(), "refreshed"), "the next run refreshes them all");
  }

  @Test
  void aStoreModeLessDeployment_hasNothingToKeepAlive() throws Exception {
    Map<String, Object> report =
        run(
            new PcoKeepAliveHandler(environment(Map.of(Config.PCO_TOKEN_MODE, "identify")), clock),
            "{\"operation\":\"keep_alive\"}");
    assertEquals(0, count(report, "examined"));
    assertFalse(report.containsKey("error"));
  }

  PcoClient client() {
    return new PcoClient(
        pco.baseUrl(), PCO_CLIENT_ID, () -> PCO_CLIENT_SECRET, Duration.ofSeconds(4), clock);
  }
}
