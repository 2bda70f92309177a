package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.aws.Emulator;

/**
 * The READY banner prints a secret the local stack generated (the point of a development stack),
 * but only names one the person supplied: their own secret must not end up in a terminal's
 * scrollback, a screen share or a pasted log.
 */
class ReadyBannerIT {

  static String banner(DevStack local) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    local.printReady(new PrintStream(out, true, StandardCharsets.UTF_8), "1 s");
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void suppliedSecrets_areNamed_neverPrinted() {
    String integratorSecret = "given-integrator-secret-" + DevStackOptions.randomSecret(24);
    String pcoSecret = "given-pco-secret-" + DevStackOptions.randomSecret(24);
    DevStackOptions options =
        DevStackOptions.fromEnvironment(
                Map.of(
                    "PORT", "0",
                    "INTEGRATOR_CLIENT_SECRET", integratorSecret,
                    "PCO_CLIENT_SECRET", pcoSecret))
            .withEmulator(Emulator.shared());
    try (DevStack local = DevStack.start(options, Progress.silent())) {
      String banner = banner(local);
      assertFalse(banner.contains(integratorSecret), banner);
      assertFalse(banner.contains(pcoSecret), banner);
      assertTrue(banner.contains("INTEGRATOR_CLIENT_SECRET"), banner);
      assertTrue(banner.contains("READY " + local.baseUrl()), banner);
    }
  }

  @Test
  void aGeneratedSecret_isPrinted() {
    DevStackOptions options = DevStackOptions.onFreePorts().withEmulator(Emulator.shared());
    try (DevStack local = DevStack.start(options, Progress.silent())) {
      String banner = banner(local);
      assertTrue(
          banner.contains("Integrator client secret: " + local.integratorClientSecret()), banner);
      // the template's functions no route reaches, where this stack's Lambda Invoke API answers
      assertTrue(
          banner.contains(
              "Lambda Invoke API at "
                  + local.api().lambdaEndpoint()
                  + " (the same port) for the invoke-style functions: GrantAdminFunction,"
                  + " PcoBrokerFunction, PcoKeepAliveFunction, e.g."),
          banner);
      assertTrue(
          banner.contains(
              "aws lambda invoke --endpoint-url "
                  + local.api().lambdaEndpoint()
                  + " --function-name GrantAdminFunction"),
          banner);
    }
  }
}
