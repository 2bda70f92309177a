package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.metrics.Metrics;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.pco.AddonResult;
import org.pcohandshake.testkit.pco.IntegratorResponse;
import org.pcohandshake.testkit.pco.PcoSimulator;
import org.pcohandshake.testkit.pco.TokenPair;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The whole two-leg handshake over HTTP through the local stack, with no browser: the simulated PCO
 * approves its own leg at once, a person signs in at the development login app and allows our
 * consent, and PCO ends up holding a working integrator token that names the linked PCO person and
 * organization; then PCO refreshes it through our token endpoint.
 */
class HandshakeHttpIT {

  static DevStack local;
  static PcoSimulator pco;

  @BeforeAll
  static void start() {
    local =
        DevStack.start(
            DevStackOptions.onFreePorts()
                .withEmulator(Emulator.shared())
                .withSimulatorSettings(s -> s.withAutoApprove(true)),
            Progress.silent());
    pco = local.simulator().orElseThrow();
  }

  @AfterAll
  static void stop() {
    if (local != null) {
      local.close();
    }
  }

  @Test
  void bothLegs_thenPcoHoldsALinkedToken_andRefreshesIt() throws Exception {
    java.io.ByteArrayOutputStream metrics = new java.io.ByteArrayOutputStream();
    Metrics.to(new java.io.PrintStream(metrics, true, StandardCharsets.UTF_8));
    try {
      handshakeAndRefresh();
    } finally {
      Metrics.to(System.out);
    }
    // one EMF line per event: the handshake's, in order, and nothing else
    List<String> events =
        metrics
            .toString(StandardCharsets.UTF_8)
            .lines()
            .map(line -> line.replaceAll(".*\"Metrics\":\\[\\{\"Name\":\"([A-Za-z]+)\".*", "$1"))
            .toList();
    assertEquals(
        List.of("HandshakeStarted", "ConsentApproved", "TokenGranted", "TokenRefreshed"),
        events,
        metrics.toString(StandardCharsets.UTF_8));
  }

  @Test
  void loginCsrf_attackersLoginReturnOpenedInVictimsBrowser_signsNobodyIn() throws Exception {
    String issuer = local.baseUrl();
    DevLoginApp loginApp = local.loginApp().orElseThrow();
    // the attacker runs a round trip in their own browser and stops at the login app's answer:
    // the return URL with their login token, which they send to the victim
    String attackerReturn;
    try (HttpSession attacker = new HttpSession()) {
      HttpSession.Page login = attacker.get(local.startUrl().orElseThrow() + "addons/start");
      String returnTo = query(login.uri()).get("return_to");
      java.net.http.HttpResponse<Void> signedIn =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(URI.create(loginApp.loginUrl()))
                      .header("content-type", "application/x-www-form-urlencoded")
                      .POST(
                          java.net.http.HttpRequest.BodyPublishers.ofString(
                              "user_id=attacker-1&name=Mallory&return_to="
                                  + java.net.URLEncoder.encode(returnTo, StandardCharsets.UTF_8)))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.discarding());
      assertEquals(303, signedIn.statusCode());
      attackerReturn = signedIn.headers().firstValue("location").orElseThrow();
      assertTrue(attackerReturn.contains("login_token="), attackerReturn);
    }
    try (HttpSession victim = new HttpSession()) {
      // the victim's browser, with a round trip of its own in flight, opens the attacker's link
      HttpSession.Page ownLogin = victim.get(local.startUrl().orElseThrow() + "addons/start");
      assertTrue(victim.cookies("localhost").containsKey("__Host-pco_hs_login"));
      HttpSession.Page planted = victim.get(attackerReturn);
      assertEquals(400, planted.status(), planted.body());
      assertTrue(planted.body().contains("did not start here"), planted.body());
      assertFalse(
          victim.cookies("localhost").containsKey("__Host-pco_hs_session"),
          "no session for the attacker in the victim's browser");
      // the victim's own sign-in still works in the victim's browser
      HttpSession.Page consent =
          victim.postForm(
              loginApp.loginUrl(),
              loginApp.baseUrl(),
              Map.of(
                  "return_to",
                  query(ownLogin.uri()).get("return_to"),
                  "user_id",
                  "victim-1",
                  "name",
                  "Victoria"));
      assertEquals(200, consent.status(), victim.hops() + "\n" + consent.body());
      assertEquals("Victoria", consent.find("id=\"signed-in-as\">([^<]+)<"));
      assertTrue(issuer.startsWith("http://localhost:"));
    }
  }

  void handshakeAndRefresh() throws Exception {
    String issuer = local.baseUrl();
    assertTrue(issuer.startsWith("http://localhost:"), issuer);
    try (HttpSession browser = new HttpSession()) {
      // step 0 to 4: PCO's leg (auto-approved), /oauth/pco/complete, /advance, our authorize,
      // no session yet, so on to the login app
      HttpSession.Page login = browser.get(local.startUrl().orElseThrow() + "addons/start");
      assertEquals(200, login.status(), browser.hops() + "\n" + login.body());
      DevLoginApp loginApp = local.loginApp().orElseThrow();
      assertEquals(loginApp.loginUrl(), login.uri().resolve(login.uri().getRawPath()).toString());
      assertTrue(
          browser.cookies("localhost").containsKey("__Host-pco_hs_link"),
          "step 2 left the PCO link cookie: " + browser.cookies("localhost").keySet());
      String returnTo = query(login.uri()).get("return_to");
      assertTrue(returnTo.startsWith(issuer + "/oauth/authorize?"), returnTo);

      // the login bridge, then our consent page
      HttpSession.Page consent =
          browser.postForm(
              loginApp.loginUrl(),
              loginApp.baseUrl(),
              Map.of("return_to", returnTo, "user_id", "user-42", "name", "Ada Lovelace"));
      assertEquals(200, consent.status(), browser.hops() + "\n" + consent.body());
      assertEquals(
          issuer + "/oauth/authorize",
          consent.uri().resolve(consent.uri().getRawPath()).toString());
      assertTrue(browser.cookies("localhost").containsKey("__Host-pco_hs_session"));
      assertEquals("Ada Lovelace", consent.find("id=\"signed-in-as\">([^<]+)<"));
      String identity = consent.find("(?s)<dl id=\"pco-identity\">(.*?)</dl>");
      assertTrue(identity.contains("Pat Example") && identity.contains("1001"), identity);
      assertTrue(identity.contains("2002"), identity);

      // allow: the code goes to PCO, whose servers exchange it at our token endpoint
      HttpSession.Page result =
          browser.postForm(
              issuer + "/oauth/authorize",
              issuer,
              Map.of(
                  "form_token",
                  consent.find("name=\"form_token\" value=\"([^\"]+)\""),
                  "decision",
                  "approve"));
      assertEquals(200, result.status(), browser.hops() + "\n" + result.body());
      assertTrue(result.body().contains("data-outcome=\"AUTHORIZED\""), result.body());
    }

    AddonResult addon = pco.lastAddonResult();
    assertEquals(AddonResult.Outcome.AUTHORIZED, addon.outcome(), String.valueOf(addon));
    assertEquals(200, addon.tokenStatus());
    assertTrue(addon.refreshTokenPresent());
    assertTrue(addon.expiresInPresent(), "PCO needs expires_in to schedule refreshes");
    assertEquals("Bearer", addon.tokenType());
    TokenPair tokens = pco.integratorTokens();
    JWTClaimsSet claims = verified(tokens.accessToken());
    assertLinked(claims, issuer);
    if (local.hasExampleApi()) {
      IntegratorResponse me = pco.callIntegratorApi();
      assertEquals(200, me.status(), me.toString());
      assertTrue(me.body().contains("user-42"), "the API names the integrator user");
      assertTrue(me.body().contains("1001") && me.body().contains("2002"), "and the PCO link");
      // the add-on's call came from the simulator's origin, which the local stack allows
      assertEquals(200, addon.apiStatus());
      assertEquals(pco.baseUrl(), addon.apiAllowOrigin(), "CORS for the simulated PCO origin");
    }

    // PCO's refresher: a refresh grant through our token endpoint, rotating the refresh token
    IntegratorResponse refreshed = pco.refreshIntegratorToken();
    assertEquals(200, refreshed.status(), refreshed.toString());
    TokenPair after = pco.integratorTokens();
    assertNotEquals(tokens.accessToken(), after.accessToken());
    assertNotEquals(tokens.refreshToken(), after.refreshToken(), "refresh tokens rotate");
    JWTClaimsSet refreshedClaims = verified(after.accessToken());
    assertLinked(refreshedClaims, issuer);
    assertEquals(claims.getStringClaim("sid"), refreshedClaims.getStringClaim("sid"), "same grant");
  }

  static void assertLinked(JWTClaimsSet claims, String issuer) throws Exception {
    assertEquals(issuer, claims.getIssuer());
    assertEquals("user-42", claims.getSubject());
    assertEquals(local.integratorClientId(), claims.getStringClaim("client_id"));
    assertEquals("1001", claims.getStringClaim("pco_person_id"));
    assertEquals("2002", claims.getStringClaim("pco_organization_id"));
    assertTrue(claims.getExpirationTime().after(new java.util.Date()));
  }

  /** The claims of an access token whose ES256 signature verifies with the KMS key's public key. */
  static JWTClaimsSet verified(String accessToken) throws Exception {
    SignedJWT jwt = SignedJWT.parse(accessToken);
    assertNotNull(jwt.getHeader().getKeyID());
    byte[] der;
    try (KmsClient kms = local.emulator().kms()) {
      SdkBytes key =
          kms.getPublicKey(b -> b.keyId(local.stack().physicalId("AccessTokenSigningKey")))
              .publicKey();
      der = key.asByteArray();
    }
    ECPublicKey publicKey =
        (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    assertTrue(jwt.verify(new ECDSAVerifier(publicKey)), "signed by the stack's KMS key");
    return jwt.getJWTClaimsSet();
  }

  static Map<String, String> query(URI uri) {
    return Arrays.stream(uri.getRawQuery().split("&"))
        .map(pair -> pair.split("=", 2))
        .collect(
            java.util.stream.Collectors.toMap(
                p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                p -> p.length < 2 ? "" : URLDecoder.decode(p[1], StandardCharsets.UTF_8),
                (a, b) -> a));
  }
}
