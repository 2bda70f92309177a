package org.pcohandshake.fn.authorizeprompt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcohandshake.secrets.SecretCache;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.junit.FunctionEnvironment;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.login.LoginTokens;
import org.pcohandshake.testkit.time.MutableClock;

/**
 * The login bridge key rotated in Secrets Manager while an authorize-prompt instance is warm: once
 * the key's cache expires the instance verifies with the new key, and a token signed with the old
 * (leaked) key is refused.
 */
class LoginKeyRotationIT {

  static final String ISSUER = "https://auth.example.test";
  static final String PCO = "https://api.planningcenteronline.com";
  static final String KEY = "LoginBridgeKey";
  static final String NEW_KEY = "r".repeat(64);

  // a stack per test: the test rotates the key
  @Provisioned ProvisionedStack stack;

  @FunctionEnvironment("AuthorizePromptFunction")
  Map<String, String> env;

  MutableClock clock;
  AuthorizePromptHandler handler;
  LoginTokens leakedKey;
  LoginTokens newKey;

  @BeforeEach
  void provision() {
    clock = MutableClock.startingNow();
    handler = new AuthorizePromptHandler(env, clock);
    leakedKey = new LoginTokens(stack.secretValue(KEY), env.get("LOGIN_ISSUER"), ISSUER);
    newKey = new LoginTokens(NEW_KEY, env.get("LOGIN_ISSUER"), ISSUER);
  }

  /** The answer to a return from the login bridge with a token signed now (on the test's clock). */
  int statusOfLoginWith(LoginTokens signer) {
    String redirect = PCO + "/addons/authorizations/" + env.get("PCO_OAUTH_APPLICATION_ID");
    APIGatewayV2HTTPResponse response =
        handler.handleRequest(
            LoginTokens.bound(
                    TestEvent.get("/oauth/authorize")
                        .query("response_type", "code")
                        .query("client_id", env.get("CLIENT_ID"))
                        .query("redirect_uri", redirect)
                        .query("state", "s"),
                    signer.sign("user-1", "Ada", clock.instant(), Duration.ofMinutes(2)))
                .build(),
            null);
    return response.getStatusCode();
  }

  @Test
  void afterAKeyRotation_aWarmInstanceAcceptsTheNewKey_andRefusesTheLeakedOne() {
    assertEquals(303, statusOfLoginWith(leakedKey), "the instance is warm: it has read the key");

    stack.putSecretValue(KEY, NEW_KEY);
    clock.advance(SecretCache.TTL.plusSeconds(1));

    assertEquals(303, statusOfLoginWith(newKey), "signed with the new key");
    assertEquals(400, statusOfLoginWith(leakedKey), "signed with the leaked key");
  }
}
