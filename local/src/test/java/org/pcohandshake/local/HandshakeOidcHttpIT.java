package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.oidc.TestProvider;
import org.pcohandshake.testkit.pco.AddonResult;
import org.pcohandshake.testkit.pco.IntegratorResponse;
import org.pcohandshake.testkit.pco.PcoSimulator;

/**
 * The whole two-leg handshake over HTTP through the local stack in the oidc login mode ({@code
 * LOGIN_MODE=oidc}, as {@code make run} takes it): the person signs in at the embedded, real OpenID
 * Provider instead of the login bridge, and PCO ends up with a token naming the user as (issuer,
 * sub). The ID token rules and the login CSRF defence are pinned at the handlers, against the same
 * provider ({@code LoginCallbackIT}).
 */
class HandshakeOidcHttpIT {

  static DevStack local;
  static PcoSimulator pco;
  static TestProvider provider;

  @BeforeAll
  static void start() {
    local =
        DevStack.start(
            DevStackOptions.onFreePorts()
                .withEmulator(Emulator.shared())
                .withSimulatorSettings(s -> s.withAutoApprove(true))
                .withFunctionSettings(Map.of("LOGIN_MODE", "oidc")),
            Progress.silent());
    pco = local.simulator().orElseThrow();
    provider = local.oidcProvider().orElseThrow();
  }

  @AfterAll
  static void stop() {
    if (local != null) {
      local.close();
    }
  }

  @Test
  void bothLegs_withTheSignInAtTheIdentityProvider_thenPcoHoldsATokenForIssuerAndSub()
      throws Exception {
    String issuer = local.baseUrl();
    provider.nextUser("grace-1", DevStack.DEV_OIDC_CLIENT_ID, Map.of("name", "Grace Hopper"));
    try (HttpSession browser = new HttpSession()) {
      // PCO's leg, our authorize, the provider's sign-in and its return to our callback, then the
      // authorization request again, now with a session: our consent page
      HttpSession.Page consent = browser.get(local.startUrl().orElseThrow() + "addons/start");
      assertEquals(200, consent.status(), browser.hops() + "\n" + consent.body());
      assertTrue(
          browser.hops().toString().contains(provider.issuer() + "/authorize"),
          browser.hops().toString());
      assertTrue(
          browser.hops().toString().contains(issuer + "/oauth/login/callback"),
          browser.hops().toString());
      assertEquals("Grace Hopper", consent.find("id=\"signed-in-as\">([^<]+)<"));
      assertFalse(
          browser.cookies("localhost").containsKey("__Host-pco_hs_login"),
          "the pre-login cookie is cleared once the sign-in completed");

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
    String subject =
        SignedJWT.parse(pco.integratorTokens().accessToken()).getJWTClaimsSet().getSubject();
    assertEquals(provider.issuer() + "#grace-1", subject);
    IntegratorResponse me = pco.callIntegratorApi();
    assertEquals(200, me.status(), me.toString());
  }

  /**
   * Login CSRF over real HTTP (RFC 9700 section 4.7): an attacker signs in as themselves at the
   * provider, stops before our callback and sends its URL to a victim. Opened in the victim's
   * browser (another cookie jar, which has a sign-in of its own in flight), it gets the "did not
   * start here" page and no session; neither round trip is disturbed by the refused attempt (each
   * still completes in its own browser, as its own user).
   */
  @Test
  void callbackUrlOpenedInAnotherBrowser_getsNoSession_evenWithItsOwnSignInInFlight()
      throws Exception {
    String callback = local.baseUrl() + "/oauth/login/callback?";
    String start = local.startUrl().orElseThrow() + "addons/start";
    try (HttpSession attacker = new HttpSession();
        HttpSession victim = new HttpSession()) {
      provider.nextUser("mallory-2", DevStack.DEV_OIDC_CLIENT_ID, Map.of("name", "Mallory"));
      URI attackersCallback = attacker.getUntil(start, callback);
      assertTrue(attackersCallback.getRawQuery().contains("code="), attackersCallback.toString());

      // (the provider takes its enqueued user at the token exchange, which the victim never makes)
      URI victimsOwn = victim.getUntil(start, callback);
      assertTrue(victim.cookies("localhost").containsKey("__Host-pco_hs_login"));

      HttpSession.Page refused = victim.get(attackersCallback.toString());
      assertEquals(400, refused.status(), refused.body());
      assertTrue(refused.body().contains("did not start"), refused.body());
      assertFalse(
          victim.cookies("localhost").containsKey("__Host-pco_hs_session"),
          "no session in the victim's browser");

      // the attacker's round trip was not consumed by the refused attempt
      HttpSession.Page attackersConsent = attacker.get(attackersCallback.toString());
      assertEquals(
          200, attackersConsent.status(), attacker.hops() + "\n" + attackersConsent.body());
      assertEquals("Mallory", attackersConsent.find("id=\"signed-in-as\">([^<]+)<"));
      // and the victim's own sign-in, which the refused URL left alone, still completes
      provider.nextUser("victim-2", DevStack.DEV_OIDC_CLIENT_ID, Map.of("name", "Victim"));
      HttpSession.Page victimsConsent = victim.get(victimsOwn.toString());
      assertEquals(200, victimsConsent.status(), victim.hops() + "\n" + victimsConsent.body());
      assertEquals("Victim", victimsConsent.find("id=\"signed-in-as\">([^<]+)<"));
    }
  }
}
