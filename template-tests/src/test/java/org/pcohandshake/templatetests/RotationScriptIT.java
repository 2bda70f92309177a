package org.pcohandshake.templatetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.grant.TestGrants;
import org.pcohandshake.testkit.aws.AwsClients;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.aws.Provisioner;
import org.pcohandshake.testkit.http.IntegratorClient;
import org.pcohandshake.testkit.http.LocalApi;
import org.pcohandshake.testkit.sam.ProjectRoot;
import org.pcohandshake.testkit.sam.SamTemplate;
import org.pcohandshake.testkit.time.MutableClock;
import org.pcohandshake.verify.AccessTokenVerifier;
import org.pcohandshake.verify.CachedJwks;
import org.pcohandshake.verify.GrantCheck;
import org.pcohandshake.verify.Verification;

/**
 * scripts/rotate-signing-key.sh end to end on the AWS emulator: its KMS calls (create the next key,
 * aliases, tags) and its CloudFormation calls (describe-stacks, update-stack with the previous
 * template) are real calls to the emulator. The emulator cannot run the SAM transform, so the stack
 * the script updates is a stand-in holding exactly the parameters and the output the script reads;
 * after each stack update the template's functions are deployed again (LocalApi, new instances)
 * with the stack's parameter values, as CloudFormation would publish new versions. Tokens come from
 * the token function (POST /oauth/token) and are checked by the example API (GET /api/me), whose
 * verifier reads the keys from the discovery function's JWKS.
 */
class RotationScriptIT {

  static final String REDIRECT = "https://api.planningcenteronline.com/addons/authorizations/1";
  static final Pattern ALLOWED_AT = Pattern.compile("allowed at (\\d+)");
  static final HttpClient HTTP = HttpClient.newHttpClient();

  final Path root = ProjectRoot.find();
  final SamTemplate template = SamTemplate.fromProjectRoot();
  final Emulator emulator = Emulator.shared();
  final String standIn = "rotation-" + Tokens.id().substring(0, 8).toLowerCase();
  final MutableClock verifierClock = MutableClock.startingNow();

  record Run(int exit, String output) {}

  /** A command with the emulator's endpoint and credentials, its output and exit code. */
  Run run(List<String> command, long now) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
    builder.redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("AWS_ENDPOINT_URL", emulator.endpointUrl());
    env.put("AWS_ACCESS_KEY_ID", AwsClients.ACCESS_KEY_ID);
    env.put("AWS_SECRET_ACCESS_KEY", AwsClients.SECRET_ACCESS_KEY);
    env.put("AWS_DEFAULT_REGION", AwsClients.REGION.id());
    env.put("AWS_MAX_ATTEMPTS", "2");
    env.remove("AWS_PROFILE");
    env.put("PCO_ROTATE_NOW", Long.toString(now));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
    return new Run(process.exitValue(), output);
  }

  Run rotate(String phase, long now) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of("bash", "scripts/rotate-signing-key.sh", phase, "--stack", standIn));
    return run(command, now);
  }

  Run rotateOk(String phase, long now) throws IOException, InterruptedException {
    Run result = rotate(phase, now);
    assertEquals(0, result.exit(), phase + ":\n" + result.output());
    return result;
  }

  /** A phase that is refused as too early (75), and the epoch second it names as allowed. */
  long tooEarly(String phase, long now) throws IOException, InterruptedException {
    Run result = rotate(phase, now);
    assertEquals(75, result.exit(), phase + ":\n" + result.output());
    Matcher matcher = ALLOWED_AT.matcher(result.output());
    assertTrue(matcher.find(), result.output());
    return Long.parseLong(matcher.group(1));
  }

  String aws(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("aws"));
    command.addAll(List.of(arguments));
    Run result = run(command, 0);
    assertEquals(0, result.exit(), String.join(" ", command) + ":\n" + result.output());
    return result.output().strip();
  }

  /** The stand-in stack's SigningKeyId and PreviousSigningKeyIds, as parameter overrides. */
  Map<String, String> deployedKeys() throws IOException, InterruptedException {
    Map<String, String> values = new HashMap<>();
    for (String name : List.of("SigningKeyId", "PreviousSigningKeyIds")) {
      String value =
          aws(
              "cloudformation",
              "describe-stacks",
              "--stack-name",
              standIn,
              "--output",
              "text",
              "--query",
              "Stacks[0].Parameters[?ParameterKey=='" + name + "'].ParameterValue | [0]");
      values.put(name, value.equals("None") ? "" : value);
    }
    return values;
  }

  /** The template's functions with the stand-in stack's key parameters, on the same port. */
  LocalApi deploy(ProvisionedStack stack, int port) throws IOException, InterruptedException {
    Map<String, String> parameters = deployedKeys();
    for (int attempt = 0; ; attempt++) {
      try {
        return LocalApi.start(stack, port, parameters);
      } catch (UncheckedIOException e) {
        if (attempt >= 20 || !(e.getCause() instanceof BindException)) {
          throw e;
        }
        Thread.sleep(250); // the previous deployment's socket is still closing
      }
    }
  }

  /** A code as POST /oauth/authorize issues it, exchanged at POST /oauth/token: the token JSON. */
  Map<String, Object> exchange(ProvisionedStack stack, LocalApi api) {
    Clock clock = Clock.systemUTC();
    IntegratorClient pco = IntegratorClient.of(api, stack);
    Grant grant = TestGrants.grant(pco.clientId(), clock).scope("").build();
    GrantStore grants = new GrantStore(emulator.dynamoDb(), stack.physicalId("Table"), clock);
    return pco.exchange(
        TestGrants.seedCode(emulator.dynamoDb(), grants, grant, REDIRECT, clock), REDIRECT);
  }

  Map<String, Object> refresh(ProvisionedStack stack, LocalApi api, String refreshToken) {
    return IntegratorClient.tokens(IntegratorClient.of(api, stack).refresh(refreshToken));
  }

  static String kid(Map<String, Object> tokens) throws Exception {
    return SignedJWT.parse((String) tokens.get("access_token")).getHeader().getKeyID();
  }

  /** GET /api/me with the token: the example API's answer (200, or 401 for a refused token). */
  static int me(LocalApi api, Map<String, Object> tokens) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(api.uri("/api/me"))
                .header("authorization", "Bearer " + tokens.get("access_token"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  static HttpResponse<String> jwks(LocalApi api) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(api.uri(Config.JWKS_PATH)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static List<String> published(LocalApi api) throws Exception {
    return JWKSet.parse(jwks(api).body()).getKeys().stream().map(JWK::getKeyID).toList();
  }

  static long jwksMaxAge(LocalApi api) throws Exception {
    String cacheControl = jwks(api).headers().firstValue("cache-control").orElseThrow();
    Matcher matcher = Pattern.compile("max-age=(\\d+)").matcher(cacheControl);
    assertTrue(matcher.find(), cacheControl);
    return Long.parseLong(matcher.group(1));
  }

  /** A resource server's verifier that keeps the JWKS it fetched (a warm instance). */
  AccessTokenVerifier warmVerifier(String issuer) {
    return new AccessTokenVerifier(
        CachedJwks.remote(URI.create(issuer + Config.JWKS_PATH), verifierClock),
        Config.AccessTokenAlgorithm.ES256,
        issuer,
        issuer + "/api",
        Duration.ofSeconds(60),
        GrantCheck.none(),
        verifierClock);
  }

  static void assertValid(AccessTokenVerifier verifier, Map<String, Object> tokens) {
    assertInstanceOf(
        Verification.Valid.class, verifier.verify((String) tokens.get("access_token")));
  }

  @Test
  void rotationScript_eachPhaseInItsWindow_tokensOfBothKeysVerifyInTheOverlap_onlyTheNewAfter()
      throws Exception {
    assumeTrue(
        run(List.of("aws", "--version"), 0).exit() == 0, "the aws CLI is needed to run the script");
    ProvisionedStack stack = new Provisioner(template, emulator).provision();
    String keyA = stack.physicalId("AccessTokenSigningKey");
    aws(
        "cloudformation",
        "create-stack",
        "--stack-name",
        standIn,
        "--template-body",
        Files.readString(root.resolve("template-tests/src/test/resources/rotation-stand-in.yaml")),
        "--parameters",
        "ParameterKey=StackSigningKey,ParameterValue=" + keyA,
        // the emulator resolves UsePreviousValue only for parameters given at creation
        "ParameterKey=SigningKeyId,ParameterValue=",
        "ParameterKey=PreviousSigningKeyIds,ParameterValue=",
        "ParameterKey=AccessTokenAlgorithm,ParameterValue=ES256",
        "ParameterKey=AccessTokenTtlSeconds,ParameterValue="
            + stack.parameterValues(Map.of()).get("AccessTokenTtlSeconds"),
        "ParameterKey=ProtectWithJwtAuthorizer,ParameterValue=false");
    long t0 = 1_900_000_000L;

    // before: A signs, alone in the JWKS
    LocalApi api = deploy(stack, 0);
    int port = api.port();
    String issuer = api.baseUrl();
    AccessTokenVerifier warm = warmVerifier(issuer);
    Map<String, Object> tokenA;
    long maxAge;
    try {
      tokenA = exchange(stack, api);
      assertEquals(keyA, kid(tokenA));
      assertEquals(200, me(api, tokenA));
      assertValid(warm, tokenA); // caches {A}
      assertEquals(List.of(keyA), published(api));
      maxAge = jwksMaxAge(api);
    } finally {
      api.close();
    }

    // 1. create the next key B; again: the same key
    rotateOk("create", t0);
    String keyB =
        aws(
            "kms",
            "describe-key",
            "--key-id",
            "alias/pco-handshake/" + standIn + "/next",
            "--query",
            "KeyMetadata.KeyId",
            "--output",
            "text");
    assertTrue(rotateOk("create", t0).output().contains("already created: " + keyB));

    // 2. publish B beside A; A still signs
    rotateOk("publish", t0);
    assertTrue(rotateOk("publish", t0).output().contains("already published"));
    api = deploy(stack, port);
    try {
      assertEquals(List.of(keyA, keyB), published(api));
      assertEquals(keyA, kid(exchange(stack, api)));
      assertEquals(200, me(api, tokenA));
    } finally {
      api.close();
    }

    // 3. switch: refused until the publication window, which outlasts the JWKS's max-age
    long switchAt = tooEarly("switch", t0 + maxAge);
    assertTrue(
        switchAt - t0 > maxAge,
        "publication window " + (switchAt - t0) + " s, JWKS max-age " + maxAge + " s");
    assertEquals(switchAt, tooEarly("switch", switchAt - 1));
    rotateOk("switch", switchAt);
    assertTrue(rotateOk("switch", switchAt).output().contains("already switched"));
    Map<String, Object> tokenB;
    api = deploy(stack, port);
    try {
      assertEquals(List.of(keyB, keyA), published(api));
      tokenB = refresh(stack, api, (String) tokenA.get("refresh_token"));
      assertEquals(keyB, kid(tokenB));
      assertEquals(200, me(api, tokenB)); // after the switch
      assertEquals(200, me(api, tokenA)); // before it, still valid
      // a warm resource server that cached {A} before the publication has refreshed since
      verifierClock.advance(Duration.ofSeconds(switchAt - t0));
      assertValid(warm, tokenB);
      assertValid(warm, tokenA);
    } finally {
      api.close();
    }

    // 4. retire A: refused until A's last token has expired
    long retireAt = tooEarly("retire", switchAt);
    long tokenLifetime = ((Number) tokenA.get("expires_in")).longValue();
    assertTrue(retireAt - switchAt > tokenLifetime, "retire window " + (retireAt - switchAt));
    rotateOk("retire", retireAt);
    assertTrue(rotateOk("retire", retireAt).output().contains("nothing to retire"));
    api = deploy(stack, port);
    try {
      assertEquals(List.of(keyB), published(api));
      assertEquals(401, me(api, tokenA));
      assertEquals(200, me(api, tokenB));
      Map<String, Object> later = refresh(stack, api, (String) tokenB.get("refresh_token"));
      assertEquals(keyB, kid(later));
      assertEquals(200, me(api, later));
    } finally {
      api.close();
    }
    assertTrue(rotateOk("status", retireAt).output().contains("no rotation in progress"));
  }
}
