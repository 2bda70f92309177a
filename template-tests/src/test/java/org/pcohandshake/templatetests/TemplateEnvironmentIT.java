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
}
