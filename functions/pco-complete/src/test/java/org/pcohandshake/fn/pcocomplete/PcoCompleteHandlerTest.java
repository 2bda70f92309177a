package org.pcohandshake.fn.pcocomplete;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.ConfigException;

/** What the handler needs at init, per token mode. Building clients makes no network call. */
class PcoCompleteHandlerTest {

  private static Map<String, String> environment(String mode) {
    Map<String, String> env = new HashMap<>();
    env.put(Config.ISSUER, "https://integrator.test");
    env.put(Config.TABLE_NAME, "table");
    env.put(Config.PCO_OAUTH_APPLICATION_ID, "4242");
    env.put(Config.PCO_TOKEN_MODE, mode);
    env.put(Config.AWS_REGION, "us-east-1");
    return env;
  }

  private static String missing(Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> new PcoCompleteHandler(env, Clock.systemUTC()))
        .getMessage();
  }

  @Test
  void skip_needsNoPcoClientOrKey() {
    assertDoesNotThrow(() -> new PcoCompleteHandler(environment("skip"), Clock.systemUTC()));
  }

  @Test
  void everyMode_needsIssuerTableAndApplicationId() {
    Map<String, String> env = environment("skip");
    env.remove(Config.ISSUER);
    env.remove(Config.TABLE_NAME);
    env.remove(Config.PCO_OAUTH_APPLICATION_ID);
    assertEquals(
        "missing environment variable(s): ISSUER, PCO_OAUTH_APPLICATION_ID, TABLE_NAME"
            + " (see the configuration table in README.md)",
        missing(env));
  }

  @Test
  void identify_needsThePcoClient_butNoKey() {
    assertEquals(
        "missing environment variable(s): PCO_CLIENT_ID, PCO_CLIENT_SECRET_ID"
            + " (see the configuration table in README.md)",
        missing(environment("identify")));
    Map<String, String> env = environment("identify");
    env.put(Config.PCO_CLIENT_ID, "id");
    env.put(Config.PCO_CLIENT_SECRET_ID, "secret-name");
    assertDoesNotThrow(() -> new PcoCompleteHandler(env, Clock.systemUTC()));
  }

  @Test
  void store_alsoNeedsTheTokenKey() {
    Map<String, String> env = environment("store");
    env.put(Config.PCO_CLIENT_ID, "id");
    env.put(Config.PCO_CLIENT_SECRET_ID, "secret-name");
    assertEquals(
        "missing environment variable(s): PCO_TOKEN_KEY_ID"
            + " (see the configuration table in README.md)",
        missing(env));
    env.put(Config.PCO_TOKEN_KEY_ID, "alias/pco-tokens");
    assertDoesNotThrow(() -> new PcoCompleteHandler(env, Clock.systemUTC()));
  }

  @Test
  void defaultMode_isIdentify() {
    Map<String, String> env = environment("identify");
    env.remove(Config.PCO_TOKEN_MODE);
    assertEquals(
        "missing environment variable(s): PCO_CLIENT_ID, PCO_CLIENT_SECRET_ID"
            + " (see the configuration table in README.md)",
        missing(env));
  }
}
