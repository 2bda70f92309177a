package org.pcohandshake.fn.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcohandshake.secrets.SecretCache;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.junit.FunctionEnvironment;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.time.MutableClock;

/**
 * The integrator client secret rotated in Secrets Manager while a token function instance is warm:
 * the previous version is accepted only for the overlap after the new one was created ({@code
 * PREVIOUS_SECRET_OVERLAP_SECONDS}, a day by default), so a leaked secret stops working once the
 * overlap is over, and at once (as soon as the cache refreshes) when the overlap is 0 or the {@code
 * AWSPREVIOUS} stage is removed.
 */
class ClientSecretRotationIT {

  static final String ISSUER = "https://auth.example.test";
  static final String SECRET = "IntegratorClientSecret";
  static final String NEW_SECRET = "n".repeat(48);
  static final Duration DEFAULT_OVERLAP = Duration.ofDays(1);

  /** Past the secret cache's lifetime, so a warm instance reads the secret again. */
  static final Duration CACHE_EXPIRED = SecretCache.TTL.plusSeconds(1);

  // a stack per test: each one rotates the secret
  @Provisioned ProvisionedStack stack;

  @FunctionEnvironment("TokenFunction")
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

  TokenHandler warmFunction(Map<String, String> extraEnvironment) {
    Map<String, String> environment = new HashMap<>(env);
    environment.putAll(extraEnvironment);
    TokenHandler handler = new TokenHandler(environment, clock);
    assertAuthenticated(handler, leaked);
    return handler;
  }

  /**
   * A refresh of a token that was never issued: {@code invalid_grant} once the client is
   * authenticated, {@code invalid_client} before that.
   */
  static APIGatewayV2HTTPResponse refreshWith(
      TokenHandler handler, String clientId, String secret) {
    return handler.handleRequest(
        TestEvent.post("/oauth/token")
            .basic(clientId, secret)
            .form("grant_type", "refresh_token", "refresh_token", "x".repeat(43))
            .build(),
        null);
  }

  void assertAuthenticated(TokenHandler handler, String secret) {
    APIGatewayV2HTTPResponse response = refreshWith(handler, clientId, secret);
    assertEquals(400, response.getStatusCode(), response.getBody());
  }

  void assertRefused(TokenHandler handler, String secret) {
    APIGatewayV2HTTPResponse response = refreshWith(handler, clientId, secret);
    assertEquals(401, response.getStatusCode(), response.getBody());
  }

  @Test
  void leakedPreviousSecret_isRefused_onceTheOverlapAfterTheRotationHasPassed() {
    TokenHandler handler = warmFunction(Map.of());
    stack.putSecretValue(SECRET, NEW_SECRET);

    clock.advance(DEFAULT_OVERLAP.plusMinutes(1));

    assertRefused(handler, leaked);
    assertAuthenticated(handler, NEW_SECRET);
  }

  @Test
  void previousSecret_stillWorks_withinTheOverlap_soPcoIsNotLockedOutDuringARotation() {
    TokenHandler handler = warmFunction(Map.of());
    stack.putSecretValue(SECRET, NEW_SECRET);

    clock.advance(CACHE_EXPIRED);
    assertAuthenticated(handler, leaked);
    assertAuthenticated(handler, NEW_SECRET);

    clock.advance(DEFAULT_OVERLAP.minus(CACHE_EXPIRED).minusMinutes(1));
    assertAuthenticated(handler, leaked);
  }

  @Test
  void withOverlapZero_thePreviousSecretIsRefused_asSoonAsTheCacheRefreshes() {
    TokenHandler handler = warmFunction(Map.of("PREVIOUS_SECRET_OVERLAP_SECONDS", "0"));
    stack.putSecretValue(SECRET, NEW_SECRET);

    clock.advance(CACHE_EXPIRED);

    assertRefused(handler, leaked);
    assertAuthenticated(handler, NEW_SECRET);
  }

  @Test
  void removingThePreviousStage_endsTheOverlapAtOnce() {
    TokenHandler handler = warmFunction(Map.of());
    stack.putSecretValue(SECRET, NEW_SECRET);
    stack.removePreviousSecretStage(SECRET);

    clock.advance(CACHE_EXPIRED);

    assertRefused(handler, leaked);
    assertAuthenticated(handler, NEW_SECRET);
  }

  @Test
  void rotatingTwice_refusesTheLeakedSecret_evenWithinTheOverlap() {
    TokenHandler handler = warmFunction(Map.of());
    stack.putSecretValue(SECRET, "i".repeat(48));
    stack.putSecretValue(SECRET, NEW_SECRET);

    clock.advance(CACHE_EXPIRED);

    assertRefused(handler, leaked);
    assertAuthenticated(handler, NEW_SECRET);
  }
}
