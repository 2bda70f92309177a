package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.aws.Emulator;

/**
 * Function settings from {@code make run}'s environment reach the functions whose template
 * environment declares them, are listed by name in the READY block, and a value a function would
 * refuse stops the start, naming it.
 */
class DevStackSettingsIT {

  static DevStackOptions options(Map<String, String> settings) {
    return DevStackOptions.onFreePorts()
        .withEmulator(Emulator.shared())
        .withSimulatorSettings(s -> s.withAutoApprove(true))
        .withFunctionSettings(settings);
  }

  @Test
  void appName_fromTheEnvironment_isOnTheConsentPage_andListedByName() throws Exception {
    String appName = "Overridden Product 7";
    try (DevStack local =
        DevStack.start(
            options(Map.of("APP_NAME", appName, "SESSION_TTL_SECONDS", "600")),
            Progress.silent())) {
      ByteArrayOutputStream banner = new ByteArrayOutputStream();
      local.printReady(new PrintStream(banner, true, StandardCharsets.UTF_8), "1 s");
      String ready = banner.toString(StandardCharsets.UTF_8);
      assertTrue(ready.contains("Function settings from the environment: APP_NAME\n"), ready);
      assertTrue(ready.contains("): SESSION_TTL_SECONDS\n"), ready);
      assertFalse(ready.contains(appName), "names only: " + ready);

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
                    returnTo(login.uri()),
                    "user_id",
                    "user-7",
                    "name",
                    "Ada Lovelace"));
        assertEquals(200, consent.status(), browser.hops() + "\n" + consent.body());
        assertTrue(consent.body().contains(appName), consent.body());
      }
    }
  }

  @Test
  void aSettingAFunctionWouldRefuse_stopsTheStart_namingIt() {
    StartupException e =
        assertThrows(
            StartupException.class,
            () ->
                DevStack.start(
                    options(Map.of("LOGIN_JWKS_URL", "http://keys.example/jwks.json")),
                    Progress.silent()));
    assertTrue(
        e.getMessage().contains("AuthorizePromptFunction would refuse its configuration"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("LOGIN_JWKS_URL must be an absolute https:// URL"), e.getMessage());
    assertTrue(e.getMessage().contains("from the environment: LOGIN_JWKS_URL"), e.getMessage());
  }

  static String returnTo(URI loginPage) {
    for (String pair : loginPage.getRawQuery().split("&")) {
      if (pair.startsWith("return_to=")) {
        return URLDecoder.decode(pair.substring("return_to=".length()), StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError("no return_to in " + loginPage);
  }
}
