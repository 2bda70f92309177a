package org.pcohandshake.fn.exampleapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.Config.AccessTokenAlgorithm;
import org.pcohandshake.crypto.KmsJwsSigner;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.grant.TestGrants;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.http.IntegratorClient;
import org.pcohandshake.testkit.http.LocalApi;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.token.AccessTokens;

/**
 * RS256 from end to end, over HTTP through the template's routes: a deployment with {@code
 * ACCESS_TOKEN_ALGORITHM=RS256} and an RSA_2048 KMS key issues RS256 tokens at POST /oauth/token,
 * the example API verifies them against the JWKS, POST /oauth/revoke verifies them against KMS; and
 * neither that deployment nor an ES256 one accepts the other's algorithm.
 */
class Rs256EndToEndIT {

  static final String REDIRECT = "https://api.planningcenteronline.com/addons/authorizations/1";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @Provisioned static ProvisionedStack stack;

  static GrantStore grants;
  static String clientId;
  static String secret;
  static String rsaKey;
  static String ecKey;
  static LocalApi rs256;
  static LocalApi es256;

  /** Every function of the template, with the algorithm set as the owner's template will. */
  static LocalApi deploy(AccessTokenAlgorithm algorithm, Map<String, String> parameters) {
    return LocalApi.start(
        stack.template(),
        0,
        (function, baseUrl) -> {
          Map<String, String> env =
              new HashMap<>(stack.environmentFor(function, baseUrl, parameters));
          env.put(Config.ACCESS_TOKEN_ALGORITHM, algorithm.name());
          return env;
        });
  }

  @BeforeAll
  static void start() {
    grants =
        new GrantStore(Emulator.shared().dynamoDb(), stack.physicalId("Table"), Clock.systemUTC());
    clientId = stack.environmentFor("TokenFunction", "https://x.example").get(Config.CLIENT_ID);
    secret = stack.secretValue("IntegratorClientSecret");
    ecKey = stack.physicalId("AccessTokenSigningKey");
    rsaKey =
        Emulator.shared()
            .kms()
            .createKey(r -> r.keySpec("RSA_2048").keyUsage("SIGN_VERIFY"))
            .keyMetadata()
            .keyId();
    rs256 = deploy(AccessTokenAlgorithm.RS256, Map.of("SigningKeyId", rsaKey));
    es256 = deploy(AccessTokenAlgorithm.ES256, Map.of());
  }

  @AfterAll
  static void stop() {
    rs256.close();
    es256.close();
  }

  // ---- fixtures

  static Grant newGrant() {
    return TestGrants.grant(clientId).subject("user-42").build();
  }

  /** A grant as the token endpoint leaves it (code redeemed, first refresh token stored). */
  static Grant liveGrant() {
    Grant grant = newGrant();
    String code =
        TestGrants.seedCode(
            Emulator.shared().dynamoDb(), grants, grant, REDIRECT, Clock.systemUTC());
    assertInstanceOf(
        GrantStore.Redemption.Redeemed.class,
        grants.redeem(Tokens.hash(code), grant, Tokens.hash(Tokens.random())));
    assertTrue(grants.grantAlive(grant.id()));
    return grant;
  }

  /** The token response of a fresh authorization at {@code api}, as PCO receives it. */
  static Map<String, Object> authorize(LocalApi api) {
    String code =
        TestGrants.seedCode(
            Emulator.shared().dynamoDb(), grants, newGrant(), REDIRECT, Clock.systemUTC());
    return client(api).exchange(code, REDIRECT);
  }

  /** PCO as our client at {@code api}. */
  static IntegratorClient client(LocalApi api) {
    return new IntegratorClient(api::uri, clientId, secret);
  }

  /** A token signed by {@code keyId} in {@code algorithm} for {@code api}'s issuer and audience. */
  static String forgeFor(LocalApi api, Grant grant, String keyId, AccessTokenAlgorithm algorithm) {
    return new AccessTokens(
            new KmsJwsSigner(Emulator.shared().kms(), keyId, keyId, algorithm),
            api.baseUrl(),
            api.baseUrl() + "/api",
            Duration.ofHours(1),
            Clock.systemUTC())
        .issue(grant)
        .token();
  }

  static void assertInvalidToken(HttpResponse<String> response) {
    assertEquals(401, response.statusCode(), response.body());
    assertTrue(
        response
            .headers()
            .firstValue("www-authenticate")
            .orElse("")
            .startsWith("Bearer error=\"invalid_token\""));
    assertFalse(response.body().contains("user-42"));
  }

  // ---- RS256 from the token endpoint to the API

  @Test
  void rs256Token_fromTheTokenEndpoint_isAcceptedByTheExampleApi() throws Exception {
    String accessToken = (String) authorize(rs256).get("access_token");
    SignedJWT jwt = SignedJWT.parse(accessToken);
    assertEquals(JWSAlgorithm.RS256, jwt.getHeader().getAlgorithm());
    assertEquals(rsaKey, jwt.getHeader().getKeyID());

    HttpResponse<String> response = client(rs256).me(accessToken);
    assertEquals(200, response.statusCode(), response.body());
    Map<String, Object> body = TestJson.object(response.body());
    assertEquals("user-42", body.get("sub"));
    assertEquals("org-9", body.get("pco_organization_id"));
    assertEquals("person-8", body.get("pco_person_id"));

    Map<String, Object> metadata =
        TestJson.object(
            HTTP.send(
                    HttpRequest.newBuilder(rs256.uri("/.well-known/openid-configuration")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    assertEquals(List.of("RS256"), metadata.get("id_token_signing_alg_values_supported"));
  }

  @Test
  void rs256AccessToken_revokedAtTheRevocationEndpoint_isRefusedByTheApi() throws Exception {
    Map<String, Object> tokens = authorize(rs256);
    String accessToken = (String) tokens.get("access_token");
    assertEquals(200, client(rs256).me(accessToken).statusCode());

    assertEquals(200, client(rs256).post("/oauth/revoke", "token", accessToken).statusCode());

    assertInvalidToken(client(rs256).me(accessToken));
    HttpResponse<String> refresh =
        client(rs256)
            .post(
                "/oauth/token",
                "grant_type",
                "refresh_token",
                "refresh_token",
                (String) tokens.get("refresh_token"));
    assertEquals(400, refresh.statusCode(), refresh.body());
  }

  // ---- algorithm confusion, both ways, over HTTP

  @Test
  void rs256Deployment_refusesAnEs256TokenOfItsOwnIssuer_atTheApiAndAtRevocation()
      throws Exception {
    Grant grant = liveGrant();
    // signed with the stack's own EC key, for this deployment's issuer and audience
    String es256Token = forgeFor(rs256, grant, ecKey, AccessTokenAlgorithm.ES256);

    assertInvalidToken(client(rs256).me(es256Token));
    // revocation answers 200 for tokens it does not accept (RFC 7009), but revokes nothing
    assertEquals(200, client(rs256).post("/oauth/revoke", "token", es256Token).statusCode());
    assertTrue(grants.grantAlive(grant.id()));
  }

  @Test
  void es256Deployment_refusesAnRs256TokenOfItsOwnIssuer_atTheApiAndAtRevocation()
      throws Exception {
    Grant grant = liveGrant();
    String rs256Token = forgeFor(es256, grant, rsaKey, AccessTokenAlgorithm.RS256);
    String es256Token = forgeFor(es256, grant, ecKey, AccessTokenAlgorithm.ES256);
    assertEquals(
        200, client(es256).me(es256Token).statusCode()); // the same grant, the right algorithm

    assertInvalidToken(client(es256).me(rs256Token));
    assertEquals(200, client(es256).post("/oauth/revoke", "token", rs256Token).statusCode());
    assertTrue(grants.grantAlive(grant.id()));
  }

  @Test
  void tokensOfOneDeployment_failAtTheOther() throws Exception {
    assertInvalidToken(client(es256).me((String) authorize(rs256).get("access_token")));
    assertInvalidToken(client(rs256).me((String) authorize(es256).get("access_token")));
  }
}
