package org.pcohandshake.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.Params;

class ClientAuthenticatorTest {

  private final ClientAuthenticator authenticator =
      new ClientAuthenticator("pco-addon", () -> List.of("current-secret", "previous-secret"));

  private static HttpRequest request(String authorization, String rawQuery) {
    Map<String, String> headers = new HashMap<>();
    if (authorization != null) {
      headers.put("authorization", authorization);
    }
    return new HttpRequest(
        "POST", "/oauth/token", headers, rawQuery, Params.parse(rawQuery), Map.of(), "", "r");
  }

  private static String basic(String id, String secret) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (Params.encode(id) + ":" + Params.encode(secret)).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void basic_isAccepted() {
    var result =
        authenticator.authenticate(
            request(basic("pco-addon", "current-secret"), ""), Params.empty());
    assertEquals(
        "pco-addon", assertInstanceOf(ClientAuthentication.Authenticated.class, result).clientId());
  }

  @Test
  void post_isAccepted_withPreviousSecretDuringRotation() {
    var result =
        authenticator.authenticate(
            request(null, ""), Params.parse("client_id=pco-addon&client_secret=previous-secret"));
    assertInstanceOf(ClientAuthentication.Authenticated.class, result);
  }

  @Test
  void bothMethods_isInvalidRequest() {
    var result =
        authenticator.authenticate(
            request(basic("pco-addon", "current-secret"), ""),
            Params.parse("client_id=pco-addon&client_secret=current-secret"));
    assertEquals(
        ErrorCatalog.OAuth.TWO_CLIENT_AUTH_METHODS,
        assertInstanceOf(ClientAuthentication.Failed.class, result).error());
    assertEquals("invalid_request", ErrorCatalog.OAuth.TWO_CLIENT_AUTH_METHODS.code());
  }

  @Test
  void secretInQuery_isInvalidRequest() {
    var result =
        authenticator.authenticate(
            request(null, "client_secret=current-secret"),
            Params.parse("client_id=pco-addon&client_secret=current-secret"));
    assertEquals(
        ErrorCatalog.OAuth.SECRET_IN_QUERY,
        assertInstanceOf(ClientAuthentication.Failed.class, result).error());
  }

  @Test
  void wrongSecret_unknownClient_orNone_isInvalidClient() {
    var wrong = authenticator.authenticate(request(basic("pco-addon", "nope"), ""), Params.empty());
    ClientAuthentication.Failed failed = assertInstanceOf(ClientAuthentication.Failed.class, wrong);
    assertEquals(ErrorCatalog.OAuth.INVALID_CLIENT, failed.error());
    assertTrue(failed.basicTried());
    var unknown =
        authenticator.authenticate(
            request(null, ""), Params.parse("client_id=other&client_secret=current-secret"));
    assertEquals(
        ErrorCatalog.OAuth.INVALID_CLIENT,
        assertInstanceOf(ClientAuthentication.Failed.class, unknown).error());
    var none = authenticator.authenticate(request(null, ""), Params.parse("client_id=pco-addon"));
    assertEquals(
        ErrorCatalog.OAuth.INVALID_CLIENT,
        assertInstanceOf(ClientAuthentication.Failed.class, none).error());
    assertEquals(401, ErrorCatalog.OAuth.INVALID_CLIENT.status());
  }

  @Test
  void basicWithDifferentBodyClientId_isInvalidClient() {
    var result =
        authenticator.authenticate(
            request(basic("pco-addon", "current-secret"), ""), Params.parse("client_id=other"));
    assertInstanceOf(ClientAuthentication.Failed.class, result);
  }

  @Test
  void malformedBasic_isInvalidClient() {
    var result = authenticator.authenticate(request("Basic !!!", ""), Params.empty());
    assertEquals(
        ErrorCatalog.OAuth.INVALID_CLIENT,
        assertInstanceOf(ClientAuthentication.Failed.class, result).error());
  }

  @Test
  void basicCredentialsAreFormDecoded() {
    ClientAuthenticator special =
        new ClientAuthenticator("id:with/special", () -> List.of("s+e c:r"));
    var result =
        special.authenticate(request(basic("id:with/special", "s+e c:r"), ""), Params.empty());
    assertInstanceOf(ClientAuthentication.Authenticated.class, result);
  }

  @Test
  void previousSecret_isAskedForOnlyWhenTheCurrentOneDoesNotMatch() {
    int[] asked = {0, 0};
    ClientAuthenticator counting =
        new ClientAuthenticator(
            "pco-addon",
            () -> {
              asked[0]++;
              return "current-secret";
            },
            () -> {
              asked[1]++;
              return List.of("current-secret", "previous-secret");
            });
    assertInstanceOf(
        ClientAuthentication.Authenticated.class,
        counting.authenticate(request(basic("pco-addon", "current-secret"), ""), Params.empty()));
    assertEquals(1, asked[0]);
    assertEquals(0, asked[1]);
    assertInstanceOf(
        ClientAuthentication.Authenticated.class,
        counting.authenticate(request(basic("pco-addon", "previous-secret"), ""), Params.empty()));
    assertEquals(2, asked[0]);
    assertEquals(1, asked[1]);
  }
}
