package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DevStackOptionsTest {

  static final String KEY = "k".repeat(32);

  @Test
  void noVariables_meansEverythingBuiltInOnPort3000() {
    DevStackOptions options = DevStackOptions.fromEnvironment(Map.of());
    assertEquals(3000, options.port());
    assertEquals(3001, options.simulatorPort());
    assertEquals(3002, options.loginPort());
    assertTrue(options.startsSimulator());
    assertTrue(options.startsLoginApp());
    assertEquals(Optional.empty(), options.integratorClientSecret());
  }

  @Test
  void portZero_meansFreePortsForAllThree() {
    DevStackOptions options = DevStackOptions.fromEnvironment(Map.of("PORT", "0"));
    assertEquals(0, options.port());
    assertEquals(0, options.simulatorPort());
    assertEquals(0, options.loginPort());
  }

  @Test
  void badPort_isNamed() {
    for (String port : new String[] {"http", "-1", "65535", "99999"}) {
      StartupException e =
          assertThrows(
              StartupException.class, () -> DevStackOptions.fromEnvironment(Map.of("PORT", port)));
      assertTrue(e.getMessage().contains("PORT must be a port number"), e.getMessage());
    }
  }

  @Test
  void externalPco_needsItsApplication() {
    StartupException e =
        assertThrows(
            StartupException.class,
            () -> DevStackOptions.fromEnvironment(Map.of("PCO_BASE_URL", "http://pco.test")));
    assertTrue(
        e.getMessage()
            .contains("set PCO_OAUTH_APPLICATION_ID, PCO_CLIENT_ID, PCO_CLIENT_SECRET too"),
        e.getMessage());

    DevStackOptions options =
        DevStackOptions.fromEnvironment(
            Map.of(
                "PCO_BASE_URL", "http://pco.test/",
                "PCO_OAUTH_APPLICATION_ID", "77",
                "PCO_CLIENT_ID", "id",
                "PCO_CLIENT_SECRET", "secret"));
    assertFalse(options.startsSimulator());
    assertEquals(Optional.of("http://pco.test"), options.pcoBaseUrl());
    assertEquals(Optional.of("77"), options.pcoOAuthApplicationId());
  }

  @Test
  void externalLogin_needsItsKey_andDefaultsTheIssuerToItsOrigin() {
    StartupException missing =
        assertThrows(
            StartupException.class,
            () -> DevStackOptions.fromEnvironment(Map.of("LOGIN_URL", "http://app.test/login")));
    assertTrue(missing.getMessage().contains("set LOGIN_BRIDGE_KEY too"), missing.getMessage());

    StartupException shortKey =
        assertThrows(
            StartupException.class,
            () ->
                DevStackOptions.fromEnvironment(
                    Map.of("LOGIN_URL", "http://app.test/login", "LOGIN_BRIDGE_KEY", "short")));
    assertTrue(shortKey.getMessage().contains("at least 32 bytes"), shortKey.getMessage());

    DevStackOptions options =
        DevStackOptions.fromEnvironment(
            Map.of("LOGIN_URL", "http://app.test:8080/sso/pco", "LOGIN_BRIDGE_KEY", KEY));
    assertFalse(options.startsLoginApp());
    assertEquals(Optional.of("http://app.test:8080"), options.loginIssuer());
  }

  @Test
  void loginKeyWithoutLoginUrl_isRejected_notIgnored() {
    StartupException e =
        assertThrows(
            StartupException.class,
            () -> DevStackOptions.fromEnvironment(Map.of("LOGIN_BRIDGE_KEY", KEY)));
    assertTrue(e.getMessage().contains("set both or neither"), e.getMessage());
  }

  @Test
  void malformedUrls_areNamed() {
    StartupException e =
        assertThrows(
            StartupException.class,
            () ->
                DevStackOptions.fromEnvironment(
                    Map.of(
                        "PCO_BASE_URL", "pco.test",
                        "PCO_OAUTH_APPLICATION_ID", "1",
                        "PCO_CLIENT_ID", "id",
                        "PCO_CLIENT_SECRET", "s")));
    assertTrue(e.getMessage().contains("PCO_BASE_URL must be an absolute http(s) URL"));
  }

  @Test
  void givenSecrets_areKept_butNeverShownByToString() {
    DevStackOptions options =
        DevStackOptions.fromEnvironment(
            Map.of(
                "INTEGRATOR_CLIENT_ID", "my-addon",
                "INTEGRATOR_CLIENT_SECRET", "integrator-secret-value",
                "PCO_CLIENT_SECRET", "pco-secret-value"));
    assertEquals(Optional.of("my-addon"), options.integratorClientId());
    assertEquals(Optional.of("integrator-secret-value"), options.integratorClientSecret());
    assertFalse(options.toString().contains("secret-value"), options.toString());
  }
}
