package org.pcohandshake.fn.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.AuthorizationCode;
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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The token endpoint against the emulator: every row of the code, token and refresh sections of the
 * OAuth rules, concurrency, and "a rejected request writes nothing".
 */
class TokenEndpointIT {

  static final String ISSUER = "https://auth.example.test";
  static final String REDIRECT = "https://api.planningcenteronline.com/addons/authorizations/1";
  // RFC 7636 appendix B
  static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

  @Provisioned static ProvisionedStack stack;
  @Provisioned static DynamoDbClient dynamo;

  @FunctionEnvironment("TokenFunction")
  static Map<String, String> env;

  static String table;
  static String clientId;
  static String secret;
  static ExecutorService pool;

  MutableClock clock;
  TokenHandler handler;
  GrantStore grants;

  @BeforeAll
  static void provision() {
    table = stack.physicalId("Table");
    clientId = env.get("CLIENT_ID");
    secret = stack.secretValue("IntegratorClientSecret");
    pool = Executors.newFixedThreadPool(10);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  @BeforeEach
  void handler() {
    clock = MutableClock.startingNow();
    handler = new TokenHandler(env, clock);
    grants = new GrantStore(dynamo, table, clock);
  }

  // ---- fixtures

  /** Seeds a code as POST /oauth/authorize would, returning its plaintext. */
  String seedCode(String forClient, String challenge, String scope) {
    return seedCode(forClient, challenge, scope, Duration.ofDays(90));
  }

  /** A code whose grant ends {@code grantLifetime} from now. */
  String seedCode(String forClient, String challenge, String scope, Duration grantLifetime) {
    Grant grant =
        TestGrants.grant(forClient, clock)
            .scope(scope)
            .expiresAt(clock.instant().plus(grantLifetime))
            .build();
    return TestGrants.seedCode(
        dynamo,
        grants,
        new AuthorizationCode(grant, REDIRECT, challenge, TestGrants.codeExpiry(clock), false));
  }

  String seedCode() {
    return seedCode(clientId, "", "people");
  }

  APIGatewayV2HTTPResponse call(TestEvent event) {
    return handler.handleRequest(event.build(), null);
  }

  APIGatewayV2HTTPResponse exchange(String code) {
    return call(exchangeEvent(code));
  }

  /** POST /oauth/token with client_secret_basic. */
  static TestEvent authenticated() {
    return TestEvent.post("/oauth/token").basic(clientId, secret);
  }

  static TestEvent exchangeEvent(String code) {
    return withCode(authenticated(), code);
  }

  /** {@code request} exchanging {@code code} for {@link #REDIRECT}, with {@code more} pairs. */
  static TestEvent withCode(TestEvent request, String code, String... more) {
    List<String> pairs =
        new ArrayList<>(
            List.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT));
    pairs.addAll(List.of(more));
    return request.form(pairs.toArray(String[]::new));
  }

  APIGatewayV2HTTPResponse refresh(String refreshToken) {
    return call(
        TestEvent.post("/oauth/token")
            .basic(clientId, secret)
            .form("grant_type", "refresh_token", "refresh_token", refreshToken));
  }

  static Map<String, Object> json(APIGatewayV2HTTPResponse response) {
    try {
      return TestJson.object(response.getBody());
    } catch (IllegalArgumentException e) {
      throw new AssertionError("not JSON: " + response.getBody(), e);
    }
  }

  static void assertError(APIGatewayV2HTTPResponse response, int status, String error) {
    assertEquals(status, response.getStatusCode(), response.getBody());
    assertEquals(error, json(response).get("error"));
    assertNoStore(response);
  }

  static void assertNoStore(APIGatewayV2HTTPResponse response) {
    assertEquals("no-store", response.getHeaders().get("cache-control"));
    assertEquals("no-cache", response.getHeaders().get("pragma"));
    assertTrue(response.getHeaders().get("content-type").startsWith("application/json"));
  }

  static String refreshTokenOf(APIGatewayV2HTTPResponse response) {
    assertEquals(200, response.getStatusCode(), response.getBody());
    return (String) json(response).get("refresh_token");
  }

  List<Map<String, AttributeValue>> items() {
    return stack.scanTable("Table");
  }

  // ---- client authentication

  @Test
  void clientSecretBasic_isAccepted_andSuccessHasEveryField() {
    APIGatewayV2HTTPResponse response = exchange(seedCode());
    assertEquals(200, response.getStatusCode(), response.getBody());
    assertNoStore(response);
    Map<String, Object> body = json(response);
    assertEquals("Bearer", body.get("token_type"));
    assertEquals(3600L, ((Number) body.get("expires_in")).longValue());
    assertTrue(Tokens.wellFormed((String) body.get("refresh_token")));
    assertEquals(3, ((String) body.get("access_token")).split("\\.").length);
    assertEquals("people", body.get("scope"));
  }

  @Test
  void clientSecretPost_isAccepted() {
    APIGatewayV2HTTPResponse response =
        call(
            TestEvent.post("/oauth/token")
                .form(
                    "grant_type", "authorization_code",
                    "code", seedCode(),
                    "redirect_uri", REDIRECT,
                    "client_id", clientId,
                    "client_secret", secret));
    assertEquals(200, response.getStatusCode(), response.getBody());
  }

  @Test
  void jsonBody_isAcceptedToo() {
    String body =
        TestJson.write(
            Map.of(
                "grant_type", "authorization_code",
                "code", seedCode(),
                "redirect_uri", REDIRECT,
                "client_id", clientId,
                "client_secret", secret));
    assertEquals(200, call(TestEvent.post("/oauth/token").json(body)).getStatusCode());
  }

  // ---- refused requests (client authentication, codes, grant types, parameters): one rule a row

  /**
   * A request the token endpoint refuses, with the OAuth error it answers and anything else the
   * answer must show.
   */
  record Refusal(
      String rule,
      Function<TokenEndpointIT, TestEvent> request,
      int status,
      String error,
      Consumer<APIGatewayV2HTTPResponse> also) {
    @Override
    public String toString() {
      return rule;
    }
  }

  static Refusal refusal(
      String rule, Function<TokenEndpointIT, TestEvent> request, int status, String error) {
    return new Refusal(rule, request, status, error, response -> {});
  }

  static Stream<Refusal> refusals() {
    return Stream.of(
        // client authentication
        refusal(
            "both client_secret_basic and client_secret_post: invalid_request",
            t ->
                withCode(
                    authenticated(), t.seedCode(), "client_id", clientId, "client_secret", secret),
            400,
            "invalid_request"),
        refusal(
            "the secret in the query string: invalid_request",
            t ->
                withCode(
                    TestEvent.post("/oauth/token").query("client_secret", secret),
                    t.seedCode(),
                    "client_id",
                    clientId,
                    "client_secret",
                    secret),
            400,
            "invalid_request"),
        new Refusal(
            "a wrong secret: invalid_client, with a Basic challenge",
            t ->
                withCode(
                    TestEvent.post("/oauth/token").basic(clientId, secret + "x"), t.seedCode()),
            401,
            "invalid_client",
            response ->
                assertTrue(response.getHeaders().get("www-authenticate").startsWith("Basic"))),
        refusal(
            "an unknown client: invalid_client",
            t ->
                withCode(
                    TestEvent.post("/oauth/token"),
                    t.seedCode(),
                    "client_id",
                    "someone-else",
                    "client_secret",
                    secret),
            401,
            "invalid_client"),
        new Refusal(
            "no credentials: invalid_client, without a challenge",
            t -> withCode(TestEvent.post("/oauth/token"), t.seedCode()),
            401,
            "invalid_client",
            response -> assertNull(response.getHeaders().get("www-authenticate"))),
        // authorization code grant
        refusal(
            "an expired code: invalid_grant",
            t -> {
              String code = t.seedCode();
              t.clock.advance(Duration.ofMinutes(6));
              return exchangeEvent(code);
            },
            400,
            "invalid_grant"),
        refusal(
            "a code of another client: invalid_grant",
            t -> exchangeEvent(t.seedCode("another-client", "", "")),
            400,
            "invalid_grant"),
        refusal(
            "another redirect URI: invalid_grant",
            t ->
                authenticated()
                    .form(
                        "grant_type",
                        "authorization_code",
                        "code",
                        t.seedCode(),
                        "redirect_uri",
                        REDIRECT + "/"),
            400,
            "invalid_grant"),
        refusal(
            "an unknown code: invalid_grant",
            t -> exchangeEvent(Tokens.random()),
            400,
            "invalid_grant"),
        refusal(
            "a malformed code: invalid_grant",
            t -> exchangeEvent("not-a-code"),
            400,
            "invalid_grant"),
        // grant types and parameters
        refusal(
            "grant_type password: unsupported_grant_type",
            t -> authenticated().form("grant_type", "password"),
            400,
            "unsupported_grant_type"),
        refusal(
            "no grant_type: invalid_request",
            t -> authenticated().form("code", t.seedCode()),
            400,
            "invalid_request"),
        refusal(
            "authorization_code without a code: invalid_request",
            t -> authenticated().form("grant_type", "authorization_code", "redirect_uri", REDIRECT),
            400,
            "invalid_request"),
        refusal(
            "refresh_token without a refresh token: invalid_request",
            t -> authenticated().form("grant_type", "refresh_token"),
            400,
            "invalid_request"),
        refusal(
            "the code twice: invalid_request",
            t -> {
              String code = t.seedCode();
              return authenticated()
                  .form(
                      "grant_type", "authorization_code",
                      "code", code,
                      "code", code,
                      "redirect_uri", REDIRECT);
            },
            400,
            "invalid_request"),
        refusal(
            "grant_type twice: invalid_request",
            t ->
                authenticated()
                    .form("grant_type", "authorization_code", "grant_type", "refresh_token"),
            400,
            "invalid_request"),
        refusal(
            "another media type: invalid_request",
            t ->
                TestEvent.post("/oauth/token")
                    .header("content-type", "text/plain")
                    .basic(clientId, secret),
            400,
            "invalid_request"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusedRequest_getsItsOAuthError_withNoStore(Refusal refusal) {
    APIGatewayV2HTTPResponse response = call(refusal.request().apply(this));
    assertError(response, refusal.status(), refusal.error());
    refusal.also().accept(response);
  }

  // ---- authorization code grant

  @Test
  void pkce_rightVerifierPasses_wrongOrMissingFails_unexpectedFails() {
    String code = seedCode(clientId, CHALLENGE, "");
    assertError(exchangeWithVerifier(code, VERIFIER.replace('d', 'e')), 400, "invalid_grant");
    assertError(exchange(code), 400, "invalid_grant");
    assertEquals(200, exchangeWithVerifier(code, VERIFIER).getStatusCode());
    assertError(exchangeWithVerifier(seedCode(), VERIFIER), 400, "invalid_grant");
  }

  APIGatewayV2HTTPResponse exchangeWithVerifier(String code, String verifier) {
    return call(
        TestEvent.post("/oauth/token")
            .basic(clientId, secret)
            .form(
                "grant_type", "authorization_code",
                "code", code,
                "redirect_uri", REDIRECT,
                "code_verifier", verifier));
  }

  @Test
  void codeReplay_isInvalidGrant_andRevokesTokensIssuedFromFirstExchange() {
    String code = seedCode();
    String refreshToken = refreshTokenOf(exchange(code));
    assertError(exchange(code), 400, "invalid_grant");
    assertError(refresh(refreshToken), 400, "invalid_grant");
  }

  @Test
  void tenParallelExchangesOfOneCode_exactlyOneSucceeds() throws Exception {
    String code = seedCode();
    List<Callable<APIGatewayV2HTTPResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(() -> exchange(code));
    }
    int ok = 0;
    int invalidGrant = 0;
    for (Future<APIGatewayV2HTTPResponse> f : pool.invokeAll(calls)) {
      APIGatewayV2HTTPResponse r = f.get();
      if (r.getStatusCode() == 200) {
        ok++;
      } else if ("invalid_grant".equals(json(r).get("error"))) {
        invalidGrant++;
      }
    }
    assertEquals(1, ok);
    assertEquals(9, invalidGrant);
  }

  // ---- error descriptions

  @Test
  void errorDescriptions_neverEchoInput() {
    String marker = "INJECTED<script>";
    APIGatewayV2HTTPResponse response =
        call(
            TestEvent.post("/oauth/token")
                .basic(clientId, secret)
                .form("grant_type", marker, "code", marker));
    assertFalse(response.getBody().contains("INJECTED"));
    String description = (String) json(response).get("error_description");
    assertTrue(description.matches("[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]+"));
  }

  // ---- refresh tokens

  @Test
  void refresh_rotatesOnEveryUse() {
    String first = refreshTokenOf(exchange(seedCode()));
    String second = refreshTokenOf(refresh(first));
    assertNotEquals(first, second);
    String third = refreshTokenOf(refresh(second));
    assertNotEquals(second, third);
  }

  @Test
  void rotatedToken_insideGraceWindow_stillGetsAValidPair_onTheSameChain() {
    String first = refreshTokenOf(exchange(seedCode()));
    String second = refreshTokenOf(refresh(first));
    clock.advance(Duration.ofSeconds(30));
    // PCO lost the answer and retries: a valid pair, and the one PCO keeps goes on working
    APIGatewayV2HTTPResponse retry = refresh(first);
    assertEquals(3, ((String) json(retry).get("access_token")).split("\\.").length);
    String retried = refreshTokenOf(retry);
    String third = refreshTokenOf(refresh(retried));
    clock.advance(Duration.ofSeconds(61));
    // the answer PCO dropped was no second branch: presented past the window it is reuse
    assertError(refresh(second), 400, "invalid_grant");
    assertError(refresh(third), 400, "invalid_grant");
  }

  @Test
  void lateOriginal_afterTheRetryRotated_leavesTheRetrysTokenWorking() {
    String first = refreshTokenOf(exchange(seedCode()));
    // PCO gave up on a slow refresh and retried; the retry is answered first and PCO keeps it
    String kept = refreshTokenOf(refresh(first));
    clock.advance(Duration.ofSeconds(5));
    // then the original request is processed; its answer reaches nobody
    refreshTokenOf(refresh(first));
    clock.advance(Duration.ofMinutes(55));
    String next = refreshTokenOf(refresh(kept));
    clock.advance(Duration.ofMinutes(55));
    assertEquals(200, refresh(next).getStatusCode());
  }

  @Test
  void graceReplay_doesNotForkTheFamily_reuseAfterWindowRevokesGrant() {
    APIGatewayV2HTTPResponse issued = exchange(seedCode());
    String grantId = grantIdOf(issued);
    String first = refreshTokenOf(issued);
    String owner = refreshTokenOf(refresh(first));
    clock.advance(Duration.ofSeconds(30));
    // a thief replays the rotated token inside the window and gets a pair
    String thief = refreshTokenOf(refresh(first));
    // from here the two refresh independently, further apart than the window
    clock.advance(Duration.ofMinutes(30));
    String ownerNext = refreshTokenOf(refresh(owner));
    clock.advance(Duration.ofMinutes(30));
    assertError(refresh(thief), 400, "invalid_grant");
    assertEquals("refresh_reuse", revokedFor(grantId), "the reuse revoked the grant");
    assertError(refresh(ownerNext), 400, "invalid_grant");
  }

  @Test
  void graceReplay_thiefRefreshingFirst_isDetectedWhenTheOwnerRefreshes() {
    APIGatewayV2HTTPResponse issued = exchange(seedCode());
    String grantId = grantIdOf(issued);
    String first = refreshTokenOf(issued);
    String owner = refreshTokenOf(refresh(first));
    clock.advance(Duration.ofSeconds(59));
    String thief = refreshTokenOf(refresh(first));
    clock.advance(Duration.ofMinutes(10));
    String thiefNext = refreshTokenOf(refresh(thief));
    clock.advance(Duration.ofMinutes(40));
    assertError(refresh(owner), 400, "invalid_grant");
    assertEquals("refresh_reuse", revokedFor(grantId));
    assertError(refresh(thiefNext), 400, "invalid_grant");
  }

  @Test
  void tenParallelRefreshesInsideGrace_allGetAPair_onOneChain_anotherUsedLaterRevokes()
      throws Exception {
    APIGatewayV2HTTPResponse issued = exchange(seedCode());
    String grantId = grantIdOf(issued);
    String first = refreshTokenOf(issued);
    List<Callable<APIGatewayV2HTTPResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(() -> refresh(first));
    }
    List<String> successors = new ArrayList<>();
    for (Future<APIGatewayV2HTTPResponse> f : pool.invokeAll(calls)) {
      successors.add(refreshTokenOf(f.get()));
    }
    // whichever answer the client keeps goes on working, and the grant stays alive
    String kept = successors.get(successors.size() - 1);
    String next = refreshTokenOf(refresh(kept));
    assertTrue(grants.grantAlive(grantId));
    clock.advance(Duration.ofSeconds(61));
    // any other answer used past the window is reuse: the family ends
    assertError(refresh(successors.get(0)), 400, "invalid_grant");
    assertError(refresh(next), 400, "invalid_grant");
    assertEquals("refresh_reuse", revokedFor(grantId));
  }

  @Test
  void refreshAskingForWiderScope_isInvalidScope_narrowerIsGranted() {
    String token = refreshTokenOf(exchange(seedCode(clientId, "", "people services")));
    assertError(
        call(
            TestEvent.post("/oauth/token")
                .basic(clientId, secret)
                .form(
                    "grant_type",
                    "refresh_token",
                    "refresh_token",
                    token,
                    "scope",
                    "people giving")),
        400,
        "invalid_scope");
    APIGatewayV2HTTPResponse narrower =
        call(
            TestEvent.post("/oauth/token")
                .basic(clientId, secret)
                .form("grant_type", "refresh_token", "refresh_token", token, "scope", "people"));
    assertEquals(200, narrower.getStatusCode(), narrower.getBody());
    assertEquals("people", json(narrower).get("scope"));
  }

  @Test
  void refreshTokenOfAnotherClient_isInvalidGrant() {
    String code = seedCode("another-client", "", "");
    // redeem it directly in the store, as if the other client had exchanged it
    Grant grant = grants.findCode(Tokens.hash(code)).orElseThrow().grant();
    String refreshToken = Tokens.random();
    grants.redeem(Tokens.hash(code), grant, Tokens.hash(refreshToken));
    assertError(refresh(refreshToken), 400, "invalid_grant");
  }

  @Test
  void absoluteLifetime_isNotExtendedByRotation() {
    String token = refreshTokenOf(exchange(seedCode()));
    clock.advance(Duration.ofDays(89));
    token = refreshTokenOf(refresh(token));
    clock.advance(Duration.ofDays(1).plusSeconds(1));
    assertError(refresh(token), 400, "invalid_grant");
  }

  @Test
  void accessTokenNearTheGrantsEnd_expiresWithTheGrant_notAfter() throws Exception {
    Duration left = Duration.ofMinutes(10);
    Instant grantEnd = clock.instant().plus(left);
    APIGatewayV2HTTPResponse issued = exchange(seedCode(clientId, "", "people", left));
    assertExpiresBy(issued, grantEnd);
    clock.advance(Duration.ofMinutes(9));
    // a refresh a minute before the end: the new access token lives one minute, not an hour
    APIGatewayV2HTTPResponse refreshed = refresh(refreshTokenOf(issued));
    assertExpiresBy(refreshed, grantEnd);
    assertEquals(60L, ((Number) json(refreshed).get("expires_in")).longValue());
  }

  void assertExpiresBy(APIGatewayV2HTTPResponse response, Instant grantEnd) throws Exception {
    JWTClaimsSet claims =
        SignedJWT.parse((String) json(response).get("access_token")).getJWTClaimsSet();
    long exp = claims.getExpirationTime().toInstant().getEpochSecond();
    assertTrue(
        exp <= grantEnd.getEpochSecond(), "exp " + exp + " past the grant's end " + grantEnd);
    long expiresIn = ((Number) json(response).get("expires_in")).longValue();
    assertEquals(exp - clock.instant().getEpochSecond(), expiresIn, "expires_in matches exp");
  }

  static String grantIdOf(APIGatewayV2HTTPResponse response) {
    try {
      return SignedJWT.parse((String) json(response).get("access_token"))
          .getJWTClaimsSet()
          .getStringClaim("sid");
    } catch (java.text.ParseException e) {
      throw new AssertionError(e);
    }
  }

  /** Why the grant was revoked, empty while it is not. */
  String revokedFor(String grantId) {
    return items().stream()
        .filter(item -> item.get("pk").s().equals("GRANT#" + grantId))
        .map(item -> item.containsKey("revokedFor") ? item.get("revokedFor").s() : "")
        .findFirst()
        .orElse("absent");
  }

  // ---- storage

  @Test
  void rejectedRequests_writeNothing() {
    String code = seedCode();
    String refreshToken = refreshTokenOf(exchange(seedCode()));
    List<Map<String, AttributeValue>> before = items();
    call(
        TestEvent.post("/oauth/token")
            .basic(clientId, secret + "x")
            .form("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT));
    call(
        TestEvent.post("/oauth/token")
            .basic(clientId, secret)
            .form(
                "grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT + "x"));
    call(
        TestEvent.post("/oauth/token")
            .basic(clientId, secret)
            .form(
                "grant_type",
                "authorization_code",
                "code",
                Tokens.random(),
                "redirect_uri",
                REDIRECT));
    call(
        TestEvent.post("/oauth/token")
            .basic(clientId, secret)
            .form("grant_type", "refresh_token", "refresh_token", refreshToken, "scope", "admin"));
    call(TestEvent.post("/oauth/token").basic(clientId, secret).form("grant_type", "implicit"));
    call(TestEvent.post("/oauth/token").basic(clientId, secret).rawForm("grant_type=%zz"));
    assertEquals(sorted(before), sorted(items()));
  }

  @Test
  void storedItems_holdOnlyHashesOfCodesAndRefreshTokens() {
    String code = seedCode();
    String refreshToken = refreshTokenOf(exchange(code));
    String dump = items().toString();
    assertFalse(dump.contains(code));
    assertFalse(dump.contains(refreshToken));
    assertTrue(dump.contains(Tokens.hash(refreshToken).value()));
  }

  private static List<String> sorted(List<Map<String, AttributeValue>> items) {
    return items.stream().map(Object::toString).sorted().toList();
  }

  // ---- access tokens

  @Test
  void accessToken_isRfc9068Jwt_verifiedWithKmsPublicKey() throws Exception {
    String accessToken = (String) json(exchange(seedCode())).get("access_token");
    String keyId = stack.physicalId("AccessTokenSigningKey");
    byte[] der =
        Emulator.shared().kms().getPublicKey(r -> r.keyId(keyId)).publicKey().asByteArray();
    ECPublicKey publicKey =
        (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));

    SignedJWT jwt = SignedJWT.parse(accessToken);
    assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
    assertEquals(new JOSEObjectType("at+jwt"), jwt.getHeader().getType());
    assertEquals(keyId, jwt.getHeader().getKeyID());
    assertTrue(jwt.verify(new ECDSAVerifier(publicKey)));

    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertEquals(ISSUER, claims.getIssuer());
    assertEquals(List.of(ISSUER + "/api"), claims.getAudience());
    assertEquals("user-1", claims.getSubject());
    assertEquals(clientId, claims.getStringClaim("client_id"));
    assertEquals("people", claims.getStringClaim("scope"));
    assertEquals("org-9", claims.getStringClaim("pco_organization_id"));
    assertEquals("person-8", claims.getStringClaim("pco_person_id"));
    assertTrue(claims.getJWTID() != null && !claims.getJWTID().isEmpty());
    assertEquals(
        3600, (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000);
  }
}
