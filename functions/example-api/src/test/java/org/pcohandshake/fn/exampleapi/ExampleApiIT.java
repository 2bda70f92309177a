package org.pcohandshake.fn.exampleapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.grant.TestGrants;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import org.pcohandshake.testkit.http.IntegratorClient;
import org.pcohandshake.testkit.http.LocalApi;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.time.MutableClock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The example API as Planning Center's {@code authenticatedIntegratorFetch} meets it, over HTTP
 * through the template's routes: tokens from POST /oauth/token, revocation at POST /oauth/revoke,
 * keys from the JWKS, CORS for PCO's origins.
 */
class ExampleApiIT {

  static final String REDIRECT = "https://api.planningcenteronline.com/addons/authorizations/1";
  static final String PCO_ORIGIN = "https://services.planningcenteronline.com";

  static final HttpClient HTTP = HttpClient.newHttpClient();
  @Provisioned static ProvisionedStack stack;
  @Provisioned static DynamoDbClient dynamo;

  static LocalApi api;
  static GrantStore grants;
  static String clientId;
  static IntegratorClient pco;

  @BeforeAll
  static void start() {
    api = LocalApi.start(stack, 0, Map.of());
    grants = new GrantStore(dynamo, stack.physicalId("Table"), Clock.systemUTC());
    pco = IntegratorClient.of(api, stack);
    clientId = pco.clientId();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  // ---- fixtures: the handshake's last steps, over HTTP

  /** Token response of a fresh authorization, as PCO receives it at step 6. */
  static Map<String, Object> authorize() {
    Grant grant = TestGrants.grant(clientId).subject("user-42").build();
    return pco.exchange(
        TestGrants.seedCode(dynamo, grants, grant, REDIRECT, Clock.systemUTC()), REDIRECT);
  }

  static HttpResponse<String> preflight(String origin) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(api.uri("/api/me"))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  static void assertInvalidToken(HttpResponse<String> response) {
    assertEquals(401, response.statusCode(), response.body());
    assertTrue(
        header(response, "www-authenticate").startsWith("Bearer error=\"invalid_token\""),
        header(response, "www-authenticate"));
  }

  // ---- who is calling

  @Test
  void ourToken_answersTheUserAndTheLinkedPcoPersonAndOrganization() throws Exception {
    Map<String, Object> tokens = authorize();
    HttpResponse<String> response = pco.me((String) tokens.get("access_token"));
    assertEquals(200, response.statusCode(), response.body());
    Map<String, Object> body = TestJson.object(response.body());
    assertEquals("user-42", body.get("sub"));
    assertEquals(clientId, body.get("client_id"));
    assertEquals("people", body.get("scope"));
    assertEquals("org-9", body.get("pco_organization_id"));
    assertEquals("person-8", body.get("pco_person_id"));
    assertEquals("no-store", header(response, "cache-control"));
  }

  @Test
  void noToken_is401_withABareBearerChallenge() throws Exception {
    HttpResponse<String> response = pco.get("/api/me");
    assertEquals(401, response.statusCode());
    assertEquals("Bearer", header(response, "www-authenticate"));
  }

  @Test
  void tamperedOrForeignToken_is401InvalidToken() throws Exception {
    String token = (String) authorize().get("access_token");
    String[] parts = token.split("\\.");
    String otherUser =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                    .replace("user-42", "user-1")
                    .getBytes(StandardCharsets.UTF_8));
    assertInvalidToken(pco.me(parts[0] + "." + otherUser + "." + parts[2]));
    assertInvalidToken(pco.me("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
  }

  @Test
  void tokenInTheQueryString_isRefused() throws Exception {
    String token = (String) authorize().get("access_token");
    HttpResponse<String> response = pco.get("/api/me?access_token=" + token);
    assertEquals(400, response.statusCode(), response.body());
    assertTrue(header(response, "www-authenticate").contains("invalid_request"));
    assertFalse(response.body().contains("user-42"));
  }

  // ---- CORS

  @Test
  void cors_pcoOriginGetsTheHeaders_anotherOriginDoesNot() throws Exception {
    String token = (String) authorize().get("access_token");
    HttpResponse<String> fromPco =
        pco.get("/api/me", "Authorization", "Bearer " + token, "Origin", PCO_ORIGIN);
    assertEquals(200, fromPco.statusCode());
    assertEquals(PCO_ORIGIN, header(fromPco, "access-control-allow-origin"));
    assertEquals("Origin", header(fromPco, "vary"));
    assertEquals(null, header(fromPco, "access-control-allow-credentials"));

    HttpResponse<String> fromElsewhere =
        pco.get("/api/me", "Authorization", "Bearer " + token, "Origin", "https://evil.example");
    assertEquals(null, header(fromElsewhere, "access-control-allow-origin"));
    assertEquals("Origin", header(fromElsewhere, "vary"));
  }

  @Test
  void cors_a401StillCarriesTheHeaders_soThePcoScriptCanReadIt() throws Exception {
    HttpResponse<String> response = pco.get("/api/me", "Origin", PCO_ORIGIN);
    assertEquals(401, response.statusCode());
    assertEquals(PCO_ORIGIN, header(response, "access-control-allow-origin"));
    assertEquals("WWW-Authenticate", header(response, "access-control-expose-headers"));
  }

  @Test
  void preflight_fromPcoIsGranted_fromAnotherOriginIsNot() throws Exception {
    HttpResponse<String> granted = preflight(PCO_ORIGIN);
    assertEquals(204, granted.statusCode());
    assertEquals(PCO_ORIGIN, header(granted, "access-control-allow-origin"));
    assertEquals("GET", header(granted, "access-control-allow-methods"));
    assertEquals("Authorization", header(granted, "access-control-allow-headers"));

    HttpResponse<String> refused = preflight("https://planningcenteronline.com.evil.example");
    assertEquals(403, refused.statusCode());
    assertEquals(null, header(refused, "access-control-allow-origin"));
  }

  // ---- revocation (policy "grant", the template's default)

  @Test
  void revokingTheRefreshToken_failsRefresh_andTheApiRefusesTheGrantsAccessTokens()
      throws Exception {
    Map<String, Object> tokens = authorize();
    String accessToken = (String) tokens.get("access_token");
    assertEquals(200, pco.me(accessToken).statusCode());

    HttpResponse<String> revoked =
        pco.post("/oauth/revoke", "token", (String) tokens.get("refresh_token"));
    assertEquals(200, revoked.statusCode(), revoked.body());

    HttpResponse<String> refresh =
        pco.post(
            "/oauth/token",
            "grant_type",
            "refresh_token",
            "refresh_token",
            (String) tokens.get("refresh_token"));
    assertEquals(400, refresh.statusCode());
    assertEquals("invalid_grant", TestJson.object(refresh.body()).get("error"));
    assertInvalidToken(pco.me(accessToken));
  }

  @Test
  void revokingAnAccessToken_revokesItsGrant_forRefreshAndForTheApi() throws Exception {
    Map<String, Object> tokens = authorize();
    String accessToken = (String) tokens.get("access_token");
    HttpResponse<String> rotated =
        pco.post(
            "/oauth/token",
            "grant_type",
            "refresh_token",
            "refresh_token",
            (String) tokens.get("refresh_token"));
    String newerAccessToken = (String) TestJson.object(rotated.body()).get("access_token");
    String newerRefreshToken = (String) TestJson.object(rotated.body()).get("refresh_token");

    assertEquals(200, pco.post("/oauth/revoke", "token", accessToken).statusCode());

    assertInvalidToken(pco.me(accessToken));
    assertInvalidToken(pco.me(newerAccessToken));
    assertEquals(
        400,
        pco.post("/oauth/token", "grant_type", "refresh_token", "refresh_token", newerRefreshToken)
            .statusCode());
  }

  // ---- revocation policy "none": the token lifetime alone

  @Test
  void withoutTheGrantCheck_aRevokedGrantsTokenWorksUntilItExpires() throws Exception {
    Map<String, Object> tokens = authorize();
    String accessToken = (String) tokens.get("access_token");
    assertEquals(
        200, pco.post("/oauth/revoke", "token", (String) tokens.get("refresh_token")).statusCode());

    MutableClock clock = MutableClock.startingNow();
    Map<String, String> env =
        stack.environmentFor(
            "ExampleApiFunction", api.baseUrl(), Map.of("ExampleApiRevocationCheck", "none"));
    ExampleApiHandler handler = new ExampleApiHandler(env, clock);
    TestEvent request = TestEvent.get("/api/me").header("authorization", "Bearer " + accessToken);

    APIGatewayV2HTTPResponse beforeExpiry = handler.handleRequest(request.build(), null);
    assertEquals(200, beforeExpiry.getStatusCode(), beforeExpiry.getBody());

    long expiresIn = ((Number) tokens.get("expires_in")).longValue();
    clock.advance(Duration.ofSeconds(expiresIn + 61));
    APIGatewayV2HTTPResponse afterExpiry = handler.handleRequest(request.build(), null);
    assertEquals(401, afterExpiry.getStatusCode());
    assertTrue(
        Optional.ofNullable(afterExpiry.getHeaders().get("www-authenticate"))
            .orElse("")
            .startsWith("Bearer error=\"invalid_token\""));
  }
}
