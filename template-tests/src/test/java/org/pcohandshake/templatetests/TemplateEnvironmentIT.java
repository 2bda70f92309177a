package org.pcohandshake.templatetests;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.sam.SamFunction;

/**
 * Every function starts with exactly the environment template.yaml gives it: a variable the code
 * requires but the template does not set stops the handler at init, which fails this test.
 */
class TemplateEnvironmentIT {

  static LocalDeployment deployment;

  @BeforeAll
  static void deploy() throws Exception {
    deployment = new LocalDeployment();
  }

  @AfterAll
  static void stop() {
    deployment.close();
  }

  @Test
  void everyHandler_initialisesWithTheTemplatesEnvironment() {
    for (SamFunction function : deployment.template.functions().values()) {
      Map<String, String> env = deployment.environment(function.logicalId());
      assertDoesNotThrow(
          () ->
              Class.forName(function.handler().split("::")[0])
                  .getConstructor(Map.class, Clock.class)
                  .newInstance(env, Clock.systemUTC()),
          function.logicalId());
    }
  }

  @Test
  void everyHandler_initialisesInTheOidcMode_withoutTheLoginBridgesSettings() {
    Map<String, String> oidc =
        Map.of(
            "LoginMode", "oidc",
            "LoginUrl", "",
            "LoginIssuer", "",
            "OidcIssuer", "https://login.example.test/tenant",
            "OidcClientId", "stack-client");
    assertEquals(List.of(), deployment.stack.failedRules(oidc));
    for (SamFunction function : deployment.template.functions().values()) {
      Map<String, String> env =
          deployment.stack.environmentFor(function.logicalId(), deployment.api.baseUrl(), oidc);
      assertDoesNotThrow(
          () ->
              Class.forName(function.handler().split("::")[0])
                  .getConstructor(Map.class, Clock.class)
                  .newInstance(env, Clock.systemUTC()),
          function.logicalId());
    }
  }

  @Test
  void pcoComplete_initialisesInEveryTokenMode() throws Exception {
    for (String mode : new String[] {"store", "identify", "skip"}) {
      deployment.parameters.put("PcoTokenMode", mode);
      Map<String, String> env =
          deployment.stack.environmentFor(
              "PcoCompleteFunction", deployment.api.baseUrl(), deployment.parameters);
      assertEquals(mode, env.get("PCO_TOKEN_MODE"));
      Class.forName("org.pcohandshake.fn.pcocomplete.PcoCompleteHandler")
          .getConstructor(Map.class, Clock.class)
          .newInstance(env, Clock.systemUTC());
    }
  }

  /**
   * The prompt trusts only AWS's roots when it calls only AWS: in oidc mode it fetches the identity
   * provider's discovery document, and with a LoginJwksUrl the bridge's keys, from hosts whose
   * certificates AWS did not issue.
   */
  @Test
  void thePrompt_trustsOnlyAwsRoots_onlyInBridgeModeWithoutALoginJwksUrl() {
    String trustStore = "-Djavax.net.ssl.trustStore=";
    Map<String, String> saved = new java.util.HashMap<>(deployment.parameters);
    try {
      for (String[] row :
          new String[][] {
            {"bridge", "", "true"},
            {"bridge", "https://login.example.com/.well-known/jwks.json", "false"},
            {"oidc", "", "false"}
          }) {
        deployment.parameters.put("LoginMode", row[0]);
        deployment.parameters.put("LoginJwksUrl", row[1]);
        Map<String, String> env =
            deployment.stack.environmentFor(
                "AuthorizePromptFunction", deployment.api.baseUrl(), deployment.parameters);
        assertEquals(
            Boolean.parseBoolean(row[2]),
            env.get("JAVA_TOOL_OPTIONS").contains(trustStore),
            String.join(" ", row));
      }
    } finally {
      deployment.parameters.clear();
      deployment.parameters.putAll(saved);
    }
  }
}
