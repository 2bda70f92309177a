package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.oidc.TestProvider;
import org.pcohandshake.testkit.pco.PcoSimulator;

/**
 * The whole handshake clicked through in headless Chromium in the oidc login mode ({@code make run
 * LOGIN_MODE=oidc}): the simulated PCO's start page, "Authorize add-on", PCO's consent, the
 * embedded OpenID Provider's own sign-in form (a user name and claims, as a person fills it in),
 * our consent page naming the user the ID token named, and the final page. Keeps a screenshot of
 * the provider's form and of our consent page in {@code local/target/screenshots/oidc-*.png}.
 * Skipped, with a message, without Chromium (see {@link Browser}).
 */
class HandshakeOidcBrowserIT {

  static DevStack local;
  static Browser browser;
  static TestProvider provider;
  static PcoSimulator pco;

  @BeforeAll
  static void start() throws IOException {
    Browser.assumeInstalled();
    local =
        DevStack.start(
            DevStackOptions.onFreePorts()
                .withEmulator(Emulator.shared())
                .withFunctionSettings(Map.of("LOGIN_MODE", "oidc"))
                .withOidcSignInForm(),
            Progress.silent());
    provider = local.oidcProvider().orElseThrow();
    pco = local.simulator().orElseThrow();
    browser = Browser.start("oidc-chromedriver.log");
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (local != null) {
        local.close();
      }
    }
  }

  @Test
  void clickThroughBothLegs_signingInAtTheProvidersForm_endsAuthorizedForIssuerAndSub()
      throws Exception {
    String issuer = local.baseUrl();
    try {
      browser.driver.get(local.startUrl().orElseThrow());
      browser.click(By.id("authorize-addon"));
      browser.click(By.id("allow"));

      // step 4 finds no session and sends the browser to the provider's own sign-in form
      WebElement user = browser.await(By.name("username"));
      assertTrue(
          browser.driver.getCurrentUrl().startsWith(provider.issuer() + "/authorize?"),
          browser.driver.getCurrentUrl());
      // the round trip is bound to this browser before it leaves our origin (cookies are per
      // host, and the provider is on localhost too, so the driver sees ours here)
      browser.assertSecureHostCookie(Cookies.LOGIN);
      user.sendKeys("ada-browser-3");
      browser.driver.findElement(By.name("claims")).sendKeys("{\"name\": \"Ada Lovelace\"}");
      browser.screenshot("oidc-provider-sign-in.png");
      browser.driver.findElement(By.cssSelector("input[type=submit]")).click();

      // the provider sent the browser to our callback, which opened the session and went back to
      // the authorization request: our consent page, naming the user of the ID token
      browser.await(By.id("approve"));
      URI consentUri = URI.create(browser.driver.getCurrentUrl());
      assertEquals(
          issuer + "/oauth/authorize",
          HandshakeBrowserIT.issuer(consentUri) + consentUri.getPath());
      assertEquals("Ada Lovelace", browser.driver.findElement(By.id("signed-in-as")).getText());
      browser.assertSecureHostCookie(Cookies.SESSION);
      browser.assertSecureHostCookie(Cookies.PCO_LINK);
      assertNull(
          browser.driver.manage().getCookieNamed(Cookies.LOGIN),
          "the pre-login cookie is cleared once the sign-in completed");
      browser.screenshot("oidc-consent.png");
      browser.click(By.id("approve"));

      WebElement outcome = browser.await(By.id("outcome"));
      assertEquals(
          "AUTHORIZED", outcome.getAttribute("data-outcome"), browser.driver.getPageSource());
      String subject =
          SignedJWT.parse(pco.integratorTokens().accessToken()).getJWTClaimsSet().getSubject();
      assertEquals(provider.issuer() + "#ada-browser-3", subject);
      if (local.hasExampleApi()) {
        assertEquals("200", browser.driver.findElement(By.id("api-status")).getText());
        String api = browser.driver.findElement(By.id("api-result")).getText();
        assertTrue(api.contains("ada-browser-3"), api);
      }
      browser.screenshot("oidc-final.png");
    } catch (AssertionError | RuntimeException e) {
      browser.keepFailure("oidc-");
      throw e;
    }
  }
}
