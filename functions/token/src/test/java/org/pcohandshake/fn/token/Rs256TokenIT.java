package org.pcohandshake.fn.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config;
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

/**
 * The token endpoint of a deployment with {@code ACCESS_TOKEN_ALGORITHM=RS256}, signing with an
 * RSA_2048 KMS key created here (the template's key is ECC_NIST_P256), against the emulator.
 */
class Rs256TokenIT {

  static final String ISSUER = "https://auth.example.test";
  static final String REDIRECT = "https://api.planningcenteronline.com/addons/authorizations/1";

  @Provisioned static ProvisionedStack stack;

  @FunctionEnvironment("TokenFunction")
  static Map<String, String> env;

  static String clientId;
  static String secret;
  static String rsaKey;
  static String ecKey;

  final MutableClock clock = MutableClock.startingNow();

  @BeforeAll
  static void provision() {
    clientId = env.get(Config.CLIENT_ID);
    secret = stack.secretValue("IntegratorClientSecret");
    ecKey = stack.physicalId("AccessTokenSigningKey");
    rsaKey =
        Emulator.shared()
            .kms()
            .createKey(r -> r.keySpec("RSA_2048").keyUsage("SIGN_VERIFY"))
            .keyMetadata()
            .keyId();
  }

  TokenHandler handler(String algorithm, String signingKey) {
    Map<String, String> env = new HashMap<>(stack.environmentFor("TokenFunction", ISSUER));
    env.put(Config.ACCESS_TOKEN_ALGORITHM, algorithm);
    env.put(Config.SIGNING_KEY_ID, signingKey);
    return new TokenHandler(env, clock);
  }

  /** Seeds a code as POST /oauth/authorize would, returning its plaintext. */
  String seedCode() {
    Grant grant = TestGrants.grant(clientId, clock).build();
    GrantStore grants =
        new GrantStore(Emulator.shared().dynamoDb(), stack.physicalId("Table"), clock);
    return TestGrants.seedCode(Emulator.shared().dynamoDb(), grants, grant, REDIRECT, clock);
  }

  static APIGatewayV2HTTPResponse exchange(TokenHandler handler, String code) {
    return handler.handleRequest(
        TestEvent.post("/oauth/token")
            .basic(clientId, secret)
            .form("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT)
            .build(),
        null);
  }

  static Map<String, Object> json(APIGatewayV2HTTPResponse response) throws Exception {
    return TestJson.object(response.getBody());
  }

  static RSAPublicKey kmsPublicKey(String keyId) throws Exception {
    byte[] der =
        Emulator.shared().kms().getPublicKey(r -> r.keyId(keyId)).publicKey().asByteArray();
    return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
  }

  static SignedJWT assertRs256(String accessToken) throws Exception {
    SignedJWT jwt = SignedJWT.parse(accessToken);
    assertEquals(JWSAlgorithm.RS256, jwt.getHeader().getAlgorithm());
    assertEquals(new JOSEObjectType("at+jwt"), jwt.getHeader().getType());
    assertEquals(rsaKey, jwt.getHeader().getKeyID());
    // the signature KMS returned, untouched: as long as the 2048-bit modulus
    assertEquals(256, jwt.getSignature().decode().length);
    assertTrue(jwt.verify(new RSASSAVerifier(kmsPublicKey(rsaKey))));
    return jwt;
  }

  @Test
  void rs256Deployment_issuesRs256AccessTokens_verifiedWithTheKmsPublicKey() throws Exception {
    APIGatewayV2HTTPResponse response = exchange(handler("RS256", rsaKey), seedCode());
    assertEquals(200, response.getStatusCode(), response.getBody());
    SignedJWT jwt = assertRs256((String) json(response).get("access_token"));

    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertEquals(ISSUER, claims.getIssuer());
    assertEquals(List.of(ISSUER + "/api"), claims.getAudience());
    assertEquals("user-1", claims.getSubject());
    assertEquals(clientId, claims.getStringClaim("client_id"));
    assertEquals("org-9", claims.getStringClaim("pco_organization_id"));
    assertEquals(
        3600, (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000);
  }

  @Test
  void refreshedAccessTokens_areRs256Too() throws Exception {
    TokenHandler handler = handler("RS256", rsaKey);
    String refreshToken = (String) json(exchange(handler, seedCode())).get("refresh_token");
    APIGatewayV2HTTPResponse refreshed =
        handler.handleRequest(
            TestEvent.post("/oauth/token")
                .basic(clientId, secret)
                .form("grant_type", "refresh_token", "refresh_token", refreshToken)
                .build(),
            null);
    assertEquals(200, refreshed.getStatusCode(), refreshed.getBody());
    assertRs256((String) json(refreshed).get("access_token"));
  }

  @Test
  void algorithmAndKeyOfDifferentKinds_issueNothing_andLeaveTheCodeRedeemable() throws Exception {
    for (TokenHandler misconfigured : List.of(handler("RS256", ecKey), handler("ES256", rsaKey))) {
      String code = seedCode();
      APIGatewayV2HTTPResponse refused = exchange(misconfigured, code);
      assertEquals(500, refused.getStatusCode(), refused.getBody());
      assertEquals("server_error", json(refused).get("error"));
      assertNull(json(refused).get("access_token"));
      assertFalse(refused.getBody().contains(ecKey) || refused.getBody().contains(rsaKey));
      // signing comes before the code is consumed: once the configuration is fixed, it works
      APIGatewayV2HTTPResponse fixed = exchange(handler("RS256", rsaKey), code);
      assertEquals(200, fixed.getStatusCode(), fixed.getBody());
    }
  }
}
