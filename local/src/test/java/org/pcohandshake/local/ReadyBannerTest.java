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
    return banner(secret, devLogin, INVOKE_FUNCTIONS);
  }

  static final List<String> INVOKE_FUNCTIONS =
      List.of("GrantAdminFunction", "PcoBrokerFunction", "PcoKeepAliveFunction");

  static ReadyBanner banner(
      Optional<String> secret, Optional<String> devLogin, List<String> invokeFunctions) {
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
        List.of("SESSION_TTL_SECONDS"),
        "http://127.0.0.1:3000",
        invokeFunctions);
  }

  @Test
  void theInvokeStyleFunctions_areNamed_withTheLambdaInvokeApiAtTheSameOrigin() {
    String out = print(banner(Optional.empty(), Optional.of("http://x/login")));
    assertTrue(
        out.contains(
            "Lambda Invoke API at http://127.0.0.1:3000 (the same port) for the invoke-style"
                + " functions: GrantAdminFunction, PcoBrokerFunction, PcoKeepAliveFunction"),
        out);
    assertTrue(
        out.contains(
            "aws lambda invoke --endpoint-url http://127.0.0.1:3000 --function-name"
                + " GrantAdminFunction --cli-binary-format raw-in-base64-out --payload"
                + " '{\"operation\":\"list_grants\",\"user_id\":\"dev-user-1\"}' answer.json\n"),
        out);
  }

  @Test
  void withoutTheAdminFunction_theExampleNamesAnotherInvokeStyleFunction() {
    String out = print(banner(Optional.empty(), Optional.empty(), List.of("PcoBrokerFunction")));
    assertTrue(
        out.contains(
            "--function-name PcoBrokerFunction --cli-binary-format raw-in-base64-out --payload"
                + " '{\"operation\":\"...\"}' answer.json\n"),
        out);
    assertFalse(out.contains("GrantAdminFunction"), out);
  }

  @Test
  void withoutInvokeStyleFunctions_theLambdaInvokeApiIsNotMentioned() {
    String out = print(banner(Optional.empty(), Optional.empty(), List.of()));
    assertFalse(out.contains("Lambda Invoke"), out);
    assertFalse(out.contains("aws lambda invoke"), out);
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
