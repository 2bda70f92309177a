package org.pcohandshake.fn.pcobroker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.PcoTokenMode;
import org.pcohandshake.pco.PcoClient;
import org.pcohandshake.pco.PcoTokenVault;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.EventCapture;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.pco.PcoSimulator;

/**
 * The broker's world: a provisioned stack in {@code store} mode, the PCO simulator as Planning
 * Center, and a bus of its own whose events a queue captures. Close it after the test class.
 */
final class BrokerWorld implements AutoCloseable {

  static final String BASE_URL = "https://integrator.test";
  static final String PCO_CLIENT_ID = "pco-broker-client";
  static final String PCO_CLIENT_SECRET = "pco-broker-secret-7d2e1a";

  final ProvisionedStack stack;
  final PcoSimulator pco;
  final EventCapture events;

  BrokerWorld(ProvisionedStack stack) throws IOException {
    this.stack = stack;
    pco =
        PcoSimulator.start(
            PcoSimulator.Settings.defaults()
                .withPcoClient(PCO_CLIENT_ID, PCO_CLIENT_SECRET)
                .withRedirectUrl(BASE_URL + "/oauth/pco/complete")
                .withAutoApprove(true));
    events = new EventCapture(Emulator.shared());
  }

  /** A function's environment as the template gives it, in store mode, publishing to our bus. */
  Map<String, String> environment(String function) {
    Map<String, String> env =
        new HashMap<>(
            stack.environmentFor(
                function,
                BASE_URL,
                Map.of(
                    "PcoBaseUrl",
                    pco.baseUrl(),
                    "PcoClientId",
                    PCO_CLIENT_ID,
                    "PcoTokenMode",
                    "store")));
    env.put(Config.EVENT_BUS_NAME, events.busName());
    return env;
  }

  PcoBrokerHandler broker(Clock clock) {
    return new PcoBrokerHandler(environment("PcoBrokerFunction"), clock);
  }

  /** The vault as step 2 builds it (publishing to our bus), to store connections as step 2 does. */
  PcoTokenVault vault(Clock clock) {
    Config config = Config.fromEnvironment(environment("PcoBrokerFunction"));
    PcoTokenMode.Store store = (PcoTokenMode.Store) config.pcoTokenMode();
    AwsClients aws = new AwsClients(config);
    return PcoTokenVault.publishing(config, store, aws, aws.dynamoDb(), client(clock), clock);
  }

  PcoClient client(Clock clock) {
    return new PcoClient(
        pco.baseUrl(),
        PCO_CLIENT_ID,
        () -> PCO_CLIENT_SECRET,
        java.time.Duration.ofSeconds(4),
        clock);
  }

  /** Invokes a handler with a JSON payload as Lambda does; the raw answer. */
  static String invoke(org.pcohandshake.invoke.InvokeFunction handler, String payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handleRequest(
          new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    pco.close();
    events.close();
  }
}
