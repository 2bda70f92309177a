package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.session.LoginIdentity;
import org.pcohandshake.session.LoginTokenVerifier;

/** The development login app over HTTP: the form, the signed login_token, return_to checks. */
class DevLoginAppIT {

  static final String ISSUER = "http://localhost:3999";
  static final String KEY = "0123456789abcdef0123456789abcdef0123456789";

  static DevLoginApp app;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    app = DevLoginApp.start(0, ISSUER, KEY);
    http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @AfterAll
  static void stop() {
    app.close();
    http.close();
  }

  static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(app.baseUrl() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String form) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(app.loginUrl()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void form_carriesReturnToEscaped() throws Exception {
    String returnTo = ISSUER + "/oauth/authorize?client_id=a&state=\"x\"";
    HttpResponse<String> page = get("/login?return_to=" + enc(returnTo));
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("id=\"sign-in\""));
    assertTrue(page.body().contains("value=\"" + DevLoginApp.escape(returnTo) + "\""), page.body());
    assertFalse(page.body().contains("\"x\""), "quotes are escaped");
  }

  @Test
  void signIn_redirectsToReturnTo_withATokenTheApiAccepts() throws Exception {
    String returnTo = ISSUER + "/oauth/authorize?client_id=a&state=s";
    HttpResponse<String> response =
        post("return_to=" + enc(returnTo) + "&user_id=u-9&name=" + enc("Ada L"));
    assertEquals(303, response.statusCode());
    String location = response.headers().firstValue("location").orElseThrow();
    assertTrue(location.startsWith(returnTo + "&login_token="), location);
    String token = location.substring(location.indexOf("login_token=") + "login_token=".length());
    Optional<LoginIdentity> identity =
        LoginTokenVerifier.hmac(() -> KEY, app.issuer(), ISSUER, Clock.systemUTC()).verify(token);
    assertTrue(identity.isPresent(), "HS256 with the bridge key, iss = the app, aud = ISSUER");
    assertEquals("u-9", identity.get().subject());
    assertEquals("Ada L", identity.get().name());
  }

  @Test
  void signIn_bindsTheTokenToTheRoundTrip_copyingLoginStateIntoItsClaim() throws Exception {
    String returnTo = ISSUER + "/oauth/authorize?client_id=a&state=s&login_state=st-123";
    HttpResponse<String> response = post("return_to=" + enc(returnTo) + "&user_id=u-1&name=A");
    assertEquals(303, response.statusCode());
    String location = response.headers().firstValue("location").orElseThrow();
    assertTrue(location.startsWith(returnTo + "&login_token="), "return_to kept byte for byte");
    String token = location.substring(location.indexOf("login_token=") + "login_token=".length());
    Optional<LoginIdentity> identity =
        LoginTokenVerifier.hmac(() -> KEY, app.issuer(), ISSUER, Clock.systemUTC()).verify(token);
    assertEquals("st-123", identity.orElseThrow().loginState());
  }

  @Test
  void returnToElsewhere_isRefused_neverAnOpenRedirect() throws Exception {
    for (String returnTo :
        new String[] {
          "https://evil.example/",
          ISSUER + ".evil.example/x",
          "http://localhost:39990/oauth/authorize",
          "",
          ISSUER + "/x\r\nSet-Cookie: a=b"
        }) {
      assertEquals(400, get("/login?return_to=" + enc(returnTo)).statusCode(), returnTo);
      HttpResponse<String> post = post("return_to=" + enc(returnTo) + "&user_id=u");
      assertEquals(400, post.statusCode(), returnTo);
      assertTrue(post.headers().firstValue("location").isEmpty());
    }
  }

  @Test
  void emptyOrOverlongUserId_isRefused() throws Exception {
    String returnTo = enc(ISSUER + "/oauth/authorize");
    assertEquals(400, post("return_to=" + returnTo + "&user_id=%20").statusCode());
    assertEquals(400, post("return_to=" + returnTo + "&user_id=" + "u".repeat(201)).statusCode());
  }
}
