package org.pcohandshake.fn.revoke;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.secrets.SecretCache;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.junit.FunctionEnvironment;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.time.MutableClock;

/**
 * The revocation endpoint authenticates its client like the token endpoint: after a rotation of the
 * integrator client secret under a warm instance, the previous secret is accepted only within the
 * overlap ({@code PREVIOUS_SECRET_OVERLAP_SECONDS}).
 */
class RevokeSecretRotationIT {

  static final String ISSUER = "https://auth.example.test";
  static final String SECRET = "IntegratorClientSecret";
  static final String NEW_SECRET = "n".repeat(48);

  // a stack per test: the test rotates the secret
  @Provisioned ProvisionedStack stack;

  @FunctionEnvironment("RevokeFunction")
  Map<String, String> env;

  String clientId;
  String leaked;
  MutableClock clock;

  @BeforeEach
  void provision() {
    clientId = env.get("CLIENT_ID");
    leaked = stack.secretValue(SECRET);
    clock = MutableClock.startingNow();
  }

  RevokeHandler warmFunction(Map<String, String> extraEnvironment) {
    Map<String, String> environment = new HashMap<>(env);
    environment.putAll(extraEnvironment);
    RevokeHandler handler = new RevokeHandler(environment, clock);
    assertEquals(200, revokeWith(handler, leaked).getStatusCode());
    return handler;
  }

  /** Revokes a token that was never issued: 200 once the client is authenticated, else 401. */
  APIGatewayV2HTTPResponse revokeWith(RevokeHandler handler, String secret) {
    return handler.handleRequest(
        TestEvent.post("/oauth/revoke")
            .basic(clientId, secret)
            .form("token", Tokens.random())
            .build(),
        null);
  }

  @Test
  void leakedPreviousSecret_isRefused_onceTheOverlapHasPassed_andWorksWithinIt() {
    RevokeHandler handler = warmFunction(Map.of());
    stack.putSecretValue(SECRET, NEW_SECRET);

    clock.advance(SecretCache.TTL.plusSeconds(1));
    assertEquals(200, revokeWith(handler, leaked).getStatusCode());

    clock.advance(Duration.ofDays(1));
    assertEquals(401, revokeWith(handler, leaked).getStatusCode());
    assertEquals(200, revokeWith(handler, NEW_SECRET).getStatusCode());
  }

  @Test
  void withOverlapZero_thePreviousSecretIsRefused_asSoonAsTheCacheRefreshes() {
    RevokeHandler handler = warmFunction(Map.of("PREVIOUS_SECRET_OVERLAP_SECONDS", "0"));
    stack.putSecretValue(SECRET, NEW_SECRET);

    clock.advance(SecretCache.TTL.plusSeconds(1));

    assertEquals(401, revokeWith(handler, leaked).getStatusCode());
    assertEquals(200, revokeWith(handler, NEW_SECRET).getStatusCode());
  }
}
