package org.pcohandshake.fn.revoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config.AccessTokenAlgorithm;
import org.pcohandshake.crypto.KmsJwsSigner;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.grant.TestGrants;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.junit.FunctionEnvironment;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.time.MutableClock;
import org.pcohandshake.token.AccessTokens;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** POST /oauth/revoke (RFC 7009) against the emulator. */
class RevokeEndpointIT {

  static final String ISSUER = "https://auth.example.test";
  static final String REDIRECT = "https://api.planningcenteronline.com/addons/authorizations/1";

  @Provisioned static ProvisionedStack stack;
  @Provisioned static DynamoDbClient dynamo;

  @FunctionEnvironment("RevokeFunction")
  static Map<String, String> env;

  static String clientId;
  static String secret;
  static String signingKey;

  MutableClock clock;
  RevokeHandler handler;
  GrantStore grants;

  @BeforeAll
  static void provision() {
    clientId = env.get("CLIENT_ID");
    secret = stack.secretValue("IntegratorClientSecret");
    signingKey = stack.physicalId("AccessTokenSigningKey");
  }

  @BeforeEach
  void handler() {
    clock = MutableClock.startingNow();
    handler = new RevokeHandler(stack.environmentFor("RevokeFunction", ISSUER), clock);
    grants = new GrantStore(dynamo, stack.physicalId("Table"), clock);
  }

  // ---- fixtures

  record Issued(Grant grant, String refreshToken, String accessToken) {}

  /** A grant as the token endpoint leaves it: redeemed code, first refresh token, access token. */
  Issued issue(String forClient) {
    Grant grant = TestGrants.grant(forClient, clock).build();
    String code = TestGrants.seedCode(dynamo, grants, grant, REDIRECT, clock);
    String refreshToken = Tokens.random();
    grants.redeem(Tokens.hash(code), grant, Tokens.hash(refreshToken));
    String accessToken =
        new AccessTokens(
                new KmsJwsSigner(
                    Emulator.shared().kms(), signingKey, signingKey, AccessTokenAlgorithm.ES256),
                ISSUER,
                ISSUER + "/api",
                Duration.ofHours(1),
                clock)
            .issue(grant)
            .token();
    return new Issued(grant, refreshToken, accessToken);
  }

  Issued issue() {
    return issue(clientId);
  }

  APIGatewayV2HTTPResponse revoke(String... form) {
    return handler.handleRequest(
        TestEvent.post("/oauth/revoke").basic(clientId, secret).form(form).build(), null);
  }

  static void assertRevokedAnswer(APIGatewayV2HTTPResponse response) {
    assertEquals(200, response.getStatusCode(), response.getBody());
    assertEquals("", response.getBody());
    assertEquals("no-store", response.getHeaders().get("cache-control"));
  }

  static void assertError(APIGatewayV2HTTPResponse response, int status, String error)
      throws Exception {
    assertEquals(status, response.getStatusCode(), response.getBody());
    assertEquals(error, TestJson.object(response.getBody()).get("error"));
    assertEquals("no-store", response.getHeaders().get("cache-control"));
    assertTrue(response.getHeaders().get("content-type").startsWith("application/json"));
  }

  List<String> items() {
    return stack.scanTable("Table").stream().map(Map::toString).sorted().toList();
  }

  // ---- revoking

  @Test
  void refreshToken_revokesItsWholeGrant() {
    Issued issued = issue();
    assertTrue(grants.grantAlive(issued.grant().id()));
    assertRevokedAnswer(revoke("token", issued.refreshToken(), "token_type_hint", "refresh_token"));
    assertFalse(grants.grantAlive(issued.grant().id()));
  }

  @Test
  void accessToken_revokesItsGrant_throughTheSidClaim() {
    Issued issued = issue();
    assertRevokedAnswer(revoke("token", issued.accessToken(), "token_type_hint", "access_token"));
    assertFalse(grants.grantAlive(issued.grant().id()));
  }

  @Test
  void wrongOrMissingHint_stillRevokes() {
    Issued first = issue();
    assertRevokedAnswer(revoke("token", first.refreshToken(), "token_type_hint", "access_token"));
    assertFalse(grants.grantAlive(first.grant().id()));
    Issued second = issue();
    assertRevokedAnswer(revoke("token", second.accessToken()));
    assertFalse(grants.grantAlive(second.grant().id()));
  }

  @Test
  void alreadyRevokedToken_answers200Again() {
    Issued issued = issue();
    assertRevokedAnswer(revoke("token", issued.refreshToken()));
    assertRevokedAnswer(revoke("token", issued.refreshToken()));
    assertRevokedAnswer(revoke("token", issued.accessToken()));
  }

  @Test
  void unknownMalformedOrExpiredTokens_answer200_andWriteNothing() {
    Issued issued = issue();
    clock.advance(Duration.ofHours(2));
    List<String> before = items();
    assertRevokedAnswer(revoke("token", Tokens.random()));
    assertRevokedAnswer(revoke("token", "not-a-token"));
    assertRevokedAnswer(revoke("token", "a.b.c"));
    assertRevokedAnswer(revoke("token", issued.accessToken())); // expired: already useless
    String[] parts = issued.accessToken().split("\\.");
    assertRevokedAnswer(revoke("token", parts[0] + "." + parts[1] + ".AAAA")); // bad signature
    assertEquals(before, items());
    assertTrue(grants.grantAlive(issued.grant().id()));
  }

  @Test
  void tokenOfAnotherClient_isRefused_andNotRevoked() throws Exception {
    Issued theirs = issue("another-client");
    assertError(revoke("token", theirs.refreshToken()), 400, "unauthorized_client");
    assertError(revoke("token", theirs.accessToken()), 400, "unauthorized_client");
    assertTrue(grants.grantAlive(theirs.grant().id()));
  }

  // ---- client authentication and parameters

  @Test
  void wrongSecret_isInvalidClient_withBasicChallenge_andRevokesNothing() throws Exception {
    Issued issued = issue();
    APIGatewayV2HTTPResponse response =
        handler.handleRequest(
            TestEvent.post("/oauth/revoke")
                .basic(clientId, secret + "x")
                .form("token", issued.refreshToken())
                .build(),
            null);
    assertError(response, 401, "invalid_client");
    assertTrue(response.getHeaders().get("www-authenticate").startsWith("Basic"));
    assertTrue(grants.grantAlive(issued.grant().id()));
  }

  @Test
  void noClientCredentials_isInvalidClient() throws Exception {
    Issued issued = issue();
    assertError(
        handler.handleRequest(
            TestEvent.post("/oauth/revoke").form("token", issued.refreshToken()).build(), null),
        401,
        "invalid_client");
    assertTrue(grants.grantAlive(issued.grant().id()));
  }

  @Test
  void clientSecretPost_isAcceptedToo() {
    Issued issued = issue();
    assertRevokedAnswer(
        handler.handleRequest(
            TestEvent.post("/oauth/revoke")
                .form(
                    "token", issued.refreshToken(),
                    "client_id", clientId,
                    "client_secret", secret)
                .build(),
            null));
    assertFalse(grants.grantAlive(issued.grant().id()));
  }

  @Test
  void missingOrRepeatedToken_isInvalidRequest() throws Exception {
    Issued issued = issue();
    assertError(revoke("token_type_hint", "refresh_token"), 400, "invalid_request");
    assertError(
        revoke("token", issued.refreshToken(), "token", issued.refreshToken()),
        400,
        "invalid_request");
    assertTrue(grants.grantAlive(issued.grant().id()));
  }

  @Test
  void otherMediaType_isInvalidRequest() throws Exception {
    assertError(
        handler.handleRequest(
            TestEvent.post("/oauth/revoke")
                .basic(clientId, secret)
                .header("content-type", "text/plain")
                .build(),
            null),
        400,
        "invalid_request");
  }

  @Test
  void storedItems_neverHoldTheRevokedTokenItself() {
    Issued issued = issue();
    revoke("token", issued.refreshToken());
    String dump = stack.scanTable("Table").toString();
    assertFalse(dump.contains(issued.refreshToken()));
    assertFalse(dump.contains(issued.accessToken()));
  }
}
