package org.pcohandshake.fn.discovery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.pcohandshake.config.Config.AccessTokenAlgorithm;
import org.pcohandshake.crypto.KmsJwsSigner;
import org.pcohandshake.grant.TestGrants;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.token.AccessTokens;

/** Fixtures: access tokens signed by a KMS key as the token function signs them, and HTTP GETs. */
final class Issuing {

  static final HttpClient HTTP = HttpClient.newHttpClient();

  private Issuing() {}

  /** An access token as POST /oauth/token issues it, signed ES256 by {@code keyId}. */
  static String accessToken(String keyId, String issuer, Clock clock) {
    return accessToken(keyId, issuer, clock, AccessTokenAlgorithm.ES256);
  }

  /**
   * An access token as POST /oauth/token issues it, signed by {@code keyId} in {@code algorithm}.
   */
  static String accessToken(
      String keyId, String issuer, Clock clock, AccessTokenAlgorithm algorithm) {
    AccessTokens tokens =
        new AccessTokens(
            new KmsJwsSigner(Emulator.shared().kms(), keyId, keyId, algorithm),
            issuer,
            issuer + "/api",
            Duration.ofHours(1),
            clock);
    return tokens.issue(TestGrants.grant("pco-addon", clock).build()).token();
  }

  /** A new ECC_NIST_P256 signing key in the emulator, as an operator creates one to rotate. */
  static String newSigningKey() {
    return newSigningKey(AccessTokenAlgorithm.ES256);
  }

  /** A new signing key for {@code algorithm} (ECC_NIST_P256 or RSA_2048) in the emulator. */
  static String newSigningKey(AccessTokenAlgorithm algorithm) {
    return Emulator.shared()
        .kms()
        .createKey(r -> r.keySpec(algorithm.kmsKeySpec()).keyUsage("SIGN_VERIFY"))
        .keyMetadata()
        .keyId();
  }

  static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  static Map<String, Object> json(HttpResponse<String> response) throws Exception {
    return TestJson.object(response.body());
  }
}
