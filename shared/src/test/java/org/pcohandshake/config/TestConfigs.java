package org.pcohandshake.config;

import java.util.HashMap;
import java.util.Map;

/** A complete environment for unit tests; override entries with {@link #with}. */
public final class TestConfigs {

  public static final String PCO = "https://api.planningcenteronline.com";
  public static final String REDIRECT = PCO + "/addons/authorizations/4242";

  private TestConfigs() {}

  public static Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put(Config.ISSUER, "https://auth.example.org");
    env.put(Config.TABLE_NAME, "table");
    env.put(Config.PCO_OAUTH_APPLICATION_ID, "4242");
    env.put(Config.CLIENT_ID, "pco-addon");
    env.put(Config.CLIENT_SECRET_ID, "secret-id");
    env.put(Config.LOGIN_URL, "https://app.example.org/login");
    env.put(Config.LOGIN_ISSUER, "https://app.example.org");
    return env;
  }

  public static Config config() {
    return Config.fromEnvironment(environment());
  }

  public static Config with(String name, String value) {
    Map<String, String> env = environment();
    env.put(name, value);
    return Config.fromEnvironment(env);
  }
}
