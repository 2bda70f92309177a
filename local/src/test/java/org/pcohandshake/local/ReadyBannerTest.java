package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadyBannerTest {

  static String print(ReadyBanner banner) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    banner.print(new PrintStream(out, true, StandardCharsets.UTF_8), "1 s");
    return out.toString(StandardCharsets.UTF_8);
  }

  static ReadyBanner banner(Optional<String> secret, Optional<String> devLogin) {
    return new ReadyBanner(
        "http://localhost:3000",
        Optional.of("http://127.0.0.1:3001/"),
        "http://127.0.0.1:3001",
        "pco-addon",
        secret,
        devLogin,
        "https://login.example/pco",
        true,
        List.of("APP_NAME", "SCOPES"),
        List.of("SESSION_TTL_SECONDS"));
  }

  @Test
  void aGeneratedSecret_isPrinted() {
    String out = print(banner(Optional.of("generatedSecret123"), Optional.of("http://x/login")));
    assertTrue(out.contains("Integrator client secret: generatedSecret123\n"), out);
  }

  @Test
  void aSuppliedSecret_isOnlyNamed() {
    String out = print(banner(Optional.empty(), Optional.empty()));
    assertTrue(
        out.contains("Integrator client secret: the secret you gave in INTEGRATOR_CLIENT_SECRET\n"),
        out);
    assertTrue(out.contains("with the key you gave in LOGIN_BRIDGE_KEY"), out);
  }

  @Test
  void functionSettings_areListedByName() {
    String out = print(banner(Optional.empty(), Optional.empty()));
    assertTrue(out.contains("Function settings from the environment: APP_NAME, SCOPES\n"), out);
    assertTrue(out.contains("Not applied (") && out.contains("): SESSION_TTL_SECONDS\n"), out);
    assertFalse(out.contains("people"), out);
  }
}
