package org.pcohandshake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LoginKeySourceTest {

  @Test
  void aLoginJwksUrl_meansTheIntegratorsKeys() {
    assertEquals(
        new LoginKeySource.Jwks("https://app.example.org/jwks.json"),
        TestConfigs.with(Config.LOGIN_JWKS_URL, "https://app.example.org/jwks.json")
            .loginKeySource());
  }

  @Test
  void withoutIt_theSharedKeyInSecretsManager() {
    assertEquals(
        new LoginKeySource.HmacSecret("login-key"),
        TestConfigs.with(Config.LOGIN_BRIDGE_KEY_SECRET_ID, "login-key").loginKeySource());
  }

  @Test
  void aJwksUrl_winsOverTheSecret() {
    Config config =
        Config.fromEnvironment(
            java.util.Map.of(
                Config.LOGIN_JWKS_URL, "https://app.example.org/jwks.json",
                Config.LOGIN_BRIDGE_KEY_SECRET_ID, "login-key"));
    assertEquals(
        new LoginKeySource.Jwks("https://app.example.org/jwks.json"), config.loginKeySource());
  }

  @Test
  void neither_namesTheSecretVariable() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> TestConfigs.config().loginKeySource());
    assertEquals(
        "missing environment variable(s): LOGIN_BRIDGE_KEY_SECRET_ID"
            + " (see the configuration table in README.md)",
        e.getMessage());
  }

  @Test
  void aSourceCannotBeMadeWithoutWhatItNames() {
    assertThrows(ConfigException.class, () -> new LoginKeySource.HmacSecret(""));
    assertThrows(ConfigException.class, () -> new LoginKeySource.Jwks(""));
  }
}
