package org.pcohandshake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The URL-valued variables: HTTPS except on a loopback host, no credentials in the URL, no
 * fragment, and no query where a path is appended.
 */
class ConfigUrlsTest {

  /** Every variable whose URL carries secrets, keys or the browser: each needs https. */
  private static final List<String> URL_VARIABLES =
      List.of(
          Config.ISSUER,
          Config.PCO_BASE_URL,
          Config.LOGIN_URL,
          Config.LOGIN_JWKS_URL,
          Config.EXTRA_REDIRECT_URIS,
          Config.JWKS_URL);

  @Test
  void plainHttpToAnotherHost_isRefused_namingTheVariableAndWhy() {
    for (String variable : URL_VARIABLES) {
      for (String url :
          List.of(
              "http://api.planningcenteronline.com",
              "http://auth.example.org/cb",
              "http://localhost.evil.example/x",
              "http://127.0.0.1.evil.example/x",
              "http://10.0.0.1/x",
              "http://0.0.0.0/x",
              "http://[::2]/x",
              "HTTP://app.example.org/login")) {
        ConfigException e =
            assertThrows(
                ConfigException.class, () -> TestConfigs.with(variable, url), variable + url);
        assertTrue(
            e.getMessage().contains(variable + " must be an absolute https:// URL"),
            e.getMessage());
        assertTrue(e.getMessage().contains("loopback"), e.getMessage());
        assertFalse(e.getMessage().contains(url), "never echoes the value: " + e.getMessage());
      }
    }
  }

  @Test
  void plainHttpToALoopbackHost_isAccepted() {
    // the local stack, the tests and the PCO simulator run on these
    for (String variable : URL_VARIABLES) {
      for (String url :
          List.of(
              "http://localhost:3000",
              "http://LOCALHOST:3000",
              "http://127.0.0.1:3001",
              "http://127.4.5.6",
              "http://[::1]:3000",
              "http://[0:0:0:0:0:0:0:1]:3000")) {
        TestConfigs.with(variable, url);
      }
    }
    assertEquals(
        "http://127.0.0.1:3001",
        TestConfigs.with(Config.PCO_BASE_URL, "http://127.0.0.1:3001/").pco().baseUrl());
  }

  @Test
  void credentialsInTheUrl_areRefused() {
    for (String variable : URL_VARIABLES) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> TestConfigs.with(variable, "https://alice:hunter2@app.example.org/x"),
              variable);
      assertTrue(e.getMessage().contains(variable + " must not hold a user"), e.getMessage());
      assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
    // a redirect URI that reads as one host and is another
    assertThrows(
        ConfigException.class,
        () -> TestConfigs.with(Config.EXTRA_REDIRECT_URIS, "https://a.example@evil.example/cb"));
  }

  @Test
  void aFragment_isRefused() {
    for (String variable : URL_VARIABLES) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> TestConfigs.with(variable, "https://app.example.org/x#part"),
              variable);
      assertTrue(e.getMessage().contains(variable + " must not have a fragment"), e.getMessage());
    }
    assertThrows(
        ConfigException.class,
        () ->
            TestConfigs.with(
                Config.EXTRA_REDIRECT_URIS, "https://a.example/cb https://b.example/cb#"));
  }

  @Test
  void aQuery_isRefusedWherePathsAreAppended_andAllowedElsewhere() {
    for (String variable : List.of(Config.ISSUER, Config.PCO_BASE_URL)) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> TestConfigs.with(variable, "https://app.example.org?x=1"),
              variable);
      assertTrue(e.getMessage().contains(variable + " must not have a query"), e.getMessage());
    }
    assertEquals(
        "https://app.example.org/login?tenant=1",
        TestConfigs.with(Config.LOGIN_URL, "https://app.example.org/login?tenant=1").login().url());
    assertEquals(
        List.of("https://a.example/cb?x=1"),
        TestConfigs.with(Config.EXTRA_REDIRECT_URIS, "https://a.example/cb?x=1")
            .client()
            .extraRedirectUris());
  }

  @Test
  void issuer_isCheckedWhenRead_notOnlyWhenRequired() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> TestConfigs.with(Config.ISSUER, "http://auth.example.org"));
    assertTrue(
        e.getMessage().contains(Config.ISSUER + " must be an absolute https:// URL"),
        e.getMessage());
  }

  @Test
  void everyProblem_isReportedAtOnce() {
    var env = TestConfigs.environment();
    env.put(Config.PCO_BASE_URL, "http://pco.example");
    env.put(Config.LOGIN_URL, "http://app.example.org/login");
    ConfigException e = assertThrows(ConfigException.class, () -> Config.fromEnvironment(env));
    assertTrue(
        e.getMessage().contains(Config.PCO_BASE_URL + " must be an absolute https:// URL"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains(Config.LOGIN_URL + " must be an absolute https:// URL"),
        e.getMessage());
  }

  @Test
  void productionDefaults_areAccepted() {
    Config config = TestConfigs.config();
    assertEquals("https://api.planningcenteronline.com", config.pco().baseUrl());
    assertEquals("https://auth.example.org/.well-known/jwks.json", config.api().jwksUrl());
  }
}
