package org.pcohandshake.fn.discovery;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.pcohandshake.crypto.KmsJwsSigner;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.token.AccessTokens;

/** Fixtures: access tokens signed by a KMS key as the token function signs them, and HTTP GETs. */
final class Issuing {

  static final HttpClient HTTP = HttpClient.newHttpClient();

  private Issuing() {}

  /** An access token as POST /oauth/token issues it, signed by {@code keyId}. */
  static String accessToken(String keyId, String issuer, Clock clock) {
    AccessTokens tokens =
        new AccessTokens(
            new KmsJwsSigner(Emulator.shared().kms(), keyId, keyId),
            issuer,
            issuer + "/api",
            Duration.ofHours(1),
            clock);
    return tokens.issue(
        new Grant(
            Tokens.id(),
            "pco-addon",
            "user-1",
            "people",
            new PcoLink("org-9", "person-8", "Pat"),
            clock.instant().plus(Duration.ofDays(90))));
  }

  /** A new ECC_NIST_P256 signing key in the emulator, as an operator creates one to rotate. */
  static String newSigningKey() {
    return Emulator.shared()
        .kms()
        .createKey(r -> r.keySpec("ECC_NIST_P256").keyUsage("SIGN_VERIFY"))
        .keyMetadata()
        .keyId();
  }

  static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  static Map<String, Object> json(HttpResponse<String> response) throws Exception {
    return JSONObjectUtils.parse(response.body());
  }
}
