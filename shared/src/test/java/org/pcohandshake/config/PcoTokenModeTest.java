package org.pcohandshake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PcoTokenModeTest {

  private static Config mode(String mode, String... settings) {
    Map<String, String> env = new HashMap<>(TestConfigs.environment());
    env.put(Config.PCO_TOKEN_MODE, mode);
    for (int i = 0; i < settings.length; i += 2) {
      env.put(settings[i], settings[i + 1]);
    }
    return Config.fromEnvironment(env);
  }

  private static String refusal(Config config) {
    return assertThrows(ConfigException.class, config::pcoTokenMode).getMessage();
  }

  @Test
  void skip_needsNoPcoClient() {
    assertEquals(new PcoTokenMode.Skip(), mode("skip").pcoTokenMode());
  }

  @Test
  void identify_carriesTheClientAndItsSecret() {
    assertEquals(
        new PcoTokenMode.Identify("id", "secret-id"),
        mode("identify", Config.PCO_CLIENT_ID, "id", Config.PCO_CLIENT_SECRET_ID, "secret-id")
            .pcoTokenMode());
  }

  @Test
  void store_carriesTheClientItsSecretAndTheTokenKey() {
    assertEquals(
        new PcoTokenMode.Store("id", "secret-id", "key-1"),
        mode(
                "STORE",
                Config.PCO_CLIENT_ID,
                "id",
                Config.PCO_CLIENT_SECRET_ID,
                "secret-id",
                Config.PCO_TOKEN_KEY_ID,
                "key-1")
            .pcoTokenMode());
  }

  @Test
  void identify_withoutItsClient_namesBothVariables() {
    assertEquals(
        "missing environment variable(s): PCO_CLIENT_ID, PCO_CLIENT_SECRET_ID"
            + " (see the configuration table in README.md)",
        refusal(mode("identify")));
  }

  @Test
  void store_withoutTheTokenKey_namesIt() {
    assertEquals(
        "missing environment variable(s): PCO_TOKEN_KEY_ID"
            + " (see the configuration table in README.md)",
        refusal(
            mode("store", Config.PCO_CLIENT_ID, "id", Config.PCO_CLIENT_SECRET_ID, "secret-id")));
  }

  @Test
  void aBlankSetting_countsAsMissing() {
    assertEquals(
        "missing environment variable(s): PCO_CLIENT_SECRET_ID"
            + " (see the configuration table in README.md)",
        refusal(mode("identify", Config.PCO_CLIENT_ID, "id", Config.PCO_CLIENT_SECRET_ID, " ")));
  }

  @Test
  void aModeCannotBeMadeWithoutItsSettings() {
    assertThrows(ConfigException.class, () -> new PcoTokenMode.Identify("id", ""));
    assertThrows(ConfigException.class, () -> new PcoTokenMode.Store("id", "secret-id", ""));
  }

  @Test
  void theModeItself_isReadWithoutItsSettings_forTheFunctionsThatOnlyAskWhichItIs() {
    // the authorize prompt knows the mode, not the PCO client: reading the kind never fails
    assertEquals(PcoTokenMode.Kind.STORE, mode("store").pco().tokenMode());
    assertEquals(PcoTokenMode.Kind.SKIP, new PcoTokenMode.Skip().kind());
  }
}
