package org.pcohandshake.authorize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.TestConfigs;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.http.Params;

class RequestValidatorTest {

  private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  private final RequestValidator validator = new RequestValidator(TestConfigs.config());

  private static String query(String redirect, String extra) {
    return "response_type=code&client_id=pco-addon&state=xyz&redirect_uri="
        + Params.encode(redirect)
        + extra;
  }

  private Validation validate(String query) {
    return validator.validate(Params.parse(query));
  }

  @Test
  void validRequest_isAccepted_withStateAndScopeKept() {
    Validation v = validate(query(TestConfigs.REDIRECT, "&scope=people%20%20services&unknown=1"));
    AuthorizationRequest request = assertInstanceOf(Validation.Valid.class, v).request();
    assertEquals("xyz", request.state());
    assertEquals("people services", request.scope().serialize());
    assertEquals("", request.codeChallenge());
  }

  @Test
  void unknownClient_isAPage_neverARedirect() {
    Validation v = validate(query(TestConfigs.REDIRECT, "").replace("pco-addon", "other"));
    assertEquals(
        ErrorCatalog.Page.UNKNOWN_CLIENT, assertInstanceOf(Validation.Page.class, v).error());
    assertInstanceOf(Validation.Page.class, validate("response_type=code&state=x"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        TestConfigs.REDIRECT + "/extra",
        TestConfigs.REDIRECT + "?x=1",
        TestConfigs.REDIRECT + "/",
        "https://API.planningcenteronline.com/addons/authorizations/4242",
        "https://evil@api.planningcenteronline.com/addons/authorizations/4242",
        "https://api.planningcenteronline.com.evil.example/addons/authorizations/4242",
        "http://api.planningcenteronline.com/addons/authorizations/4242",
        ""
      })
  void redirectNotExactlyAllowed_isAPage(String redirect) {
    Validation v = validate(query(redirect, ""));
    assertEquals(
        ErrorCatalog.Page.BAD_REDIRECT, assertInstanceOf(Validation.Page.class, v).error());
  }

  @Test
  void repeatedClientOrRedirect_isAPage() {
    assertInstanceOf(
        Validation.Page.class, validate(query(TestConfigs.REDIRECT, "&client_id=pco-addon")));
    assertInstanceOf(
        Validation.Page.class,
        validate(
            query(TestConfigs.REDIRECT, "&redirect_uri=" + Params.encode(TestConfigs.REDIRECT))));
  }

  @Test
  void missingOrOtherResponseType_redirectsWithErrorAndState() {
    Validation token =
        validate(
            query(TestConfigs.REDIRECT, "").replace("response_type=code", "response_type=token"));
    Validation.Redirect r = assertInstanceOf(Validation.Redirect.class, token);
    assertEquals(ErrorCatalog.Redirect.UNSUPPORTED_RESPONSE_TYPE, r.error());
    assertEquals("xyz", r.state());
    Validation missing =
        validate(query(TestConfigs.REDIRECT, "").replace("response_type=code&", ""));
    assertEquals(
        ErrorCatalog.Redirect.INVALID_REQUEST,
        assertInstanceOf(Validation.Redirect.class, missing).error());
  }

  @Test
  void plainOrMalformedPkce_redirectsInvalidRequest() {
    for (String extra :
        new String[] {
          "&code_challenge=" + CHALLENGE + "&code_challenge_method=plain",
          "&code_challenge=" + CHALLENGE,
          "&code_challenge=short&code_challenge_method=S256",
          "&code_challenge_method=S256"
        }) {
      Validation v = validate(query(TestConfigs.REDIRECT, extra));
      assertEquals(
          ErrorCatalog.Redirect.PKCE_INVALID,
          assertInstanceOf(Validation.Redirect.class, v).error(),
          extra);
    }
  }

  @Test
  void s256Pkce_isKept() {
    Validation v =
        validate(
            query(
                TestConfigs.REDIRECT,
                "&code_challenge=" + CHALLENGE + "&code_challenge_method=S256"));
    assertEquals(CHALLENGE, assertInstanceOf(Validation.Valid.class, v).request().codeChallenge());
  }

  @Test
  void longState_isKeptUnchanged() {
    String state = "s".repeat(1000) + "-+/=~ " + "t".repeat(1000);
    Validation v =
        validate(
            query(TestConfigs.REDIRECT, "").replace("state=xyz", "state=" + Params.encode(state)));
    assertEquals(state, assertInstanceOf(Validation.Valid.class, v).request().state());
  }

  @Test
  void missingState_redirectsInvalidRequest() {
    Validation v = validate(query(TestConfigs.REDIRECT, "").replace("state=xyz&", ""));
    assertEquals(
        ErrorCatalog.Redirect.INVALID_REQUEST,
        assertInstanceOf(Validation.Redirect.class, v).error());
  }

  @Test
  void scopeOutsideConfiguredSet_redirectsInvalidScope() {
    RequestValidator restricted =
        new RequestValidator(TestConfigs.with(Config.SCOPES, "read write"));
    Validation v = restricted.validate(Params.parse(query(TestConfigs.REDIRECT, "&scope=admin")));
    assertEquals(
        ErrorCatalog.Redirect.INVALID_SCOPE,
        assertInstanceOf(Validation.Redirect.class, v).error());
    assertInstanceOf(
        Validation.Valid.class,
        restricted.validate(Params.parse(query(TestConfigs.REDIRECT, "&scope=read"))));
  }

  @Test
  void redirectTo_appendsEncodedParams_andSkipsEmpty() {
    assertEquals(
        "https://x.example/cb?code=a%20b&state=s",
        RequestValidator.redirectTo(
            "https://x.example/cb", "code", "a b", "empty", "", "state", "s"));
    assertEquals(
        "https://x.example/cb?k=1&code=c",
        RequestValidator.redirectTo("https://x.example/cb?k=1", "code", "c"));
  }
}
