package org.pcohandshake.fn.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.grant.TestGrants;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.EventCapture;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.junit.FunctionEnvironment;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.time.MutableClock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The token function announces the grants it revokes as {@code Grant revoked} events: a code
 * redeemed twice ({@code replay}), a rotated refresh token back after the grace window ({@code
 * reuse}); once per grant, whoever revokes it again.
 */
class GrantRevokedEventsIT {

  static final String REDIRECT = "https://api.planningcenteronline.com/addons/authorizations/1";

  @Provisioned static ProvisionedStack stack;
  @Provisioned static DynamoDbClient dynamo;

  @FunctionEnvironment("TokenFunction")
  static Map<String, String> env;

  static EventCapture bus;
  static String clientId;
  static String secret;

  MutableClock clock;
  TokenHandler handler;
  GrantStore grants;

  @BeforeAll
  static void provision() {
    bus = new EventCapture(Emulator.shared());
    clientId = env.get("CLIENT_ID");
    secret = stack.secretValue("IntegratorClientSecret");
  }

  @AfterAll
  static void stop() {
    bus.close();
  }

  @BeforeEach
  void handler() {
    clock = MutableClock.startingNow();
    Map<String, String> withBus = new HashMap<>(env);
    withBus.put("EVENT_BUS_NAME", bus.busName());
    handler = new TokenHandler(withBus, clock);
    grants = new GrantStore(dynamo, stack.physicalId("Table"), clock);
    bus.take(0);
  }

  APIGatewayV2HTTPResponse post(String... form) {
    return handler.handleRequest(
        TestEvent.post("/oauth/token").basic(clientId, secret).form(form).build(), null);
  }

  APIGatewayV2HTTPResponse exchange(String code) {
    return post("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT);
  }

  @Test
  void aReplayedCode_announcesTheRevokedGrant_once() {
    Grant grant = TestGrants.grant(clientId, clock).subject("user-5").build();
    String code = TestGrants.seedCode(dynamo, grants, grant, REDIRECT, clock);
    assertEquals(200, exchange(code).getStatusCode());
    assertEquals(400, exchange(code).getStatusCode());
    assertEquals(400, exchange(code).getStatusCode());
    List<EventCapture.Received> events = bus.take(1);
    assertEquals(1, events.size(), events.toString());
    assertEquals("Grant revoked", events.get(0).detailType());
    Map<String, Object> detail = events.get(0).detail();
    assertEquals("replay", detail.get("reason"));
    assertEquals(grant.id(), detail.get("grant_id"));
    assertEquals("user-5", detail.get("user_id"));
    assertEquals(TestGrants.LINK.organizationId(), detail.get("pco_organization_id"));
    assertEquals(TestGrants.LINK.personId(), detail.get("pco_person_id"));
    assertEquals(clientId, detail.get("client_id"));
  }

  @Test
  void aRefreshTokenReusedAfterTheGraceWindow_announcesTheRevokedGrant() {
    Grant grant = TestGrants.grant(clientId, clock).build();
    Map<String, Object> first =
        TestJson.object(
            exchange(TestGrants.seedCode(dynamo, grants, grant, REDIRECT, clock)).getBody());
    String old = (String) first.get("refresh_token");
    assertEquals(200, post("grant_type", "refresh_token", "refresh_token", old).getStatusCode());
    clock.advance(Duration.ofMinutes(5));
    assertEquals(400, post("grant_type", "refresh_token", "refresh_token", old).getStatusCode());
    List<EventCapture.Received> events = bus.take(1);
    assertEquals(1, events.size(), events.toString());
    assertEquals("reuse", events.get(0).detail().get("reason"));
    assertEquals(grant.id(), events.get(0).detail().get("grant_id"));
  }
}
