package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
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
}
