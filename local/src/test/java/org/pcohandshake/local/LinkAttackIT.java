package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.pco.AddonResult;
import org.pcohandshake.testkit.pco.PcoSimulator;

/**
 * Attacks on step 2's link cookie, over HTTP through the local stack, as a browser meets them: a
 * link used for a second authorization, a link shared by two pending consent pages, and step 4
 * reached without any link (a crafted {@code /oauth/authorize} URL instead of Planning Center's
 * popup).
 */
class LinkAttackIT {

  static final String LINK = "__Host-pco_hs_link";

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

  /** Step 4 as PCO would send it, typed or crafted by hand instead of reached from step 2. */
  static String authorizeUrl(String state) {
    return local.baseUrl()
        + "/oauth/authorize?response_type=code&client_id="
        + enc(local.integratorClientId())
        + "&redirect_uri="
        + enc(pco.addonRedirectUri())
        + "&state="
        + enc(state);
  }

  /** Steps 0 to 4 through PCO's popup, signing in at the login app: our consent page. */
  static HttpSession.Page throughPcoToConsent(HttpSession browser) throws Exception {
    HttpSession.Page login = browser.get(local.startUrl().orElseThrow() + "addons/start");
    assertEquals(200, login.status(), browser.hops() + "\n" + login.body());
    DevLoginApp loginApp = local.loginApp().orElseThrow();
    String returnTo = HandshakeHttpIT.query(login.uri()).get("return_to");
    HttpSession.Page consent =
        browser.postForm(
            loginApp.loginUrl(),
            loginApp.baseUrl(),
            Map.of("return_to", returnTo, "user_id", "user-7", "name", "Ada Lovelace"));
    assertEquals(200, consent.status(), browser.hops() + "\n" + consent.body());
    return consent;
  }

  static HttpSession.Page approve(HttpSession browser, HttpSession.Page consent) throws Exception {
    return browser.postForm(
        local.baseUrl() + "/oauth/authorize",
        local.baseUrl(),
        Map.of(
            "form_token",
            consent.find("name=\"form_token\" value=\"([^\"]+)\""),
            "decision",
            "approve"));
  }

  static long consents() {
    return local.stack().scanTable("Table").stream()
        .filter(item -> item.get("pk").s().startsWith("CONSENT#"))
        .count();
  }

  @Test
  void linkCookie_usedForASecondAuthorization_afterItsCode_getsNoSecondLinkedGrant()
      throws Exception {
    try (HttpSession browser = new HttpSession()) {
      HttpSession.Page consent = throughPcoToConsent(browser);
      String link = browser.cookies("localhost").get(LINK);
      HttpSession.Page result = approve(browser, consent);
      assertTrue(result.body().contains("data-outcome=\"AUTHORIZED\""), result.body());
      int callbacks = pco.addonCallbackCalls().get();

      // the same browser, still sending the link (kept or replayed), reaches step 4 again
      browser.setCookie("localhost", LINK, link);
      HttpSession.Page second = browser.get(authorizeUrl("second"));
      assertEquals(400, second.status(), browser.hops() + "\n" + second.body());
      assertFalse(second.body().contains("form_token"), "no consent form: " + second.body());
      assertFalse(second.body().contains("pco-identity"), "the used link names no one");
      assertEquals(callbacks, pco.addonCallbackCalls().get(), "no second code went to PCO");
    }
  }

  @Test
  void oneLink_onTwoPendingConsentPages_yieldsOnlyOneCode() throws Exception {
    try (HttpSession browser = new HttpSession()) {
      HttpSession.Page first = throughPcoToConsent(browser);
      // a second consent page for the same link, before the first is decided
      HttpSession.Page second = browser.get(first.uri().toString());
      assertEquals(200, second.status(), browser.hops() + "\n" + second.body());

      HttpSession.Page result = approve(browser, first);
      assertTrue(result.body().contains("data-outcome=\"AUTHORIZED\""), result.body());
      AddonResult authorized = pco.lastAddonResult();
      int callbacks = pco.addonCallbackCalls().get();

      HttpSession.Page again = approve(browser, second);
      assertEquals(400, again.status(), browser.hops() + "\n" + again.body());
      assertTrue(again.uri().toString().startsWith(local.baseUrl()), "a page of ours: " + again);
      assertEquals(callbacks, pco.addonCallbackCalls().get(), "no second code went to PCO");
      assertEquals(authorized, pco.lastAddonResult());
    }
  }

  @Test
  void stepFourWithoutALink_inIdentifyMode_getsTheRestartPage_andNoConsent() throws Exception {
    try (HttpSession browser = new HttpSession()) {
      long before = consents();
      HttpSession.Page login = browser.get(authorizeUrl("crafted"));
      assertEquals(200, login.status(), browser.hops() + "\n" + login.body());
      DevLoginApp loginApp = local.loginApp().orElseThrow();
      String returnTo = HandshakeHttpIT.query(login.uri()).get("return_to");
      HttpSession.Page page =
          browser.postForm(
              loginApp.loginUrl(),
              loginApp.baseUrl(),
              Map.of("return_to", returnTo, "user_id", "user-8", "name", "Grace Hopper"));

      assertEquals(400, page.status(), browser.hops() + "\n" + page.body());
      assertTrue(page.uri().toString().startsWith(local.baseUrl() + "/oauth/authorize"));
      assertFalse(page.body().contains("form_token"), "no consent form: " + page.body());
      assertTrue(page.body().contains("Planning Center"), page.body());
      assertTrue(page.body().contains("href=\""), "a link to start again: " + page.body());
      assertEquals(before, consents(), "no consent stored");
    }
  }

  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
