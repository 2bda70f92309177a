package org.pcohandshake.oidc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.pcohandshake.config.LoginMode;
import org.pcohandshake.http.Params;
import org.pcohandshake.json.Json;
import org.pcohandshake.log.Log;
import org.pcohandshake.verify.CachedJwks;

/**
 * The integrator's identity provider over {@link HttpURLConnection}: its discovery document (held
 * for {@link #METADATA_TTL}, fetched again at most every {@link #RETRY_INTERVAL} after a failure,
 * the last good one kept while the provider is down), its signing keys (a {@link CachedJwks}:
 * refreshed on an unknown {@code kid}, rate-limited) and its token endpoint.
 */
public final class OidcProvider {

  /** How long a discovery document is used before it is fetched again. */
  public static final Duration METADATA_TTL = Duration.ofHours(1);

  /** The least time between two fetches of the discovery document after one failed. */
  public static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

  static final int TIMEOUT_MS = 4_000;
  static final int MAX_BODY_BYTES = 64 * 1024;

  private final LoginMode.Oidc settings;
  private final Supplier<String> clientSecret;
  private final Clock clock;
  private Held held; // guarded by this
  private Instant lastFailure; // guarded by this

  private record Held(ProviderMetadata metadata, CachedJwks keys, Instant fetchedAt) {}

  /**
   * @param settings the provider's issuer and this stack's client there
   * @param clientSecret the client secret, asked for at each exchange (a {@code SecretCache})
   */
  public OidcProvider(LoginMode.Oidc settings, Supplier<String> clientSecret, Clock clock) {
    this.settings = settings;
    this.clientSecret = clientSecret;
    this.clock = clock;
  }

  public LoginMode.Oidc settings() {
    return settings;
  }

  /**
   * The provider's metadata.
   *
   * @throws OidcException {@code UNAVAILABLE} when no good document has been fetched
   */
  public ProviderMetadata metadata() {
    return held().metadata();
  }

  /** The provider's signing keys, for the document's {@code jwks_uri}. */
  public CachedJwks keys() {
    return held().keys();
  }

  private synchronized Held held() {
    Instant now = clock.instant();
    if (held != null && now.isBefore(held.fetchedAt().plus(METADATA_TTL))) {
      return held;
    }
    if (lastFailure != null && now.isBefore(lastFailure.plus(RETRY_INTERVAL))) {
      if (held != null) {
        return held;
      }
      throw new OidcException(OidcException.Kind.UNAVAILABLE, "discovery");
    }
    try {
      Response answer =
          send("GET", ProviderMetadata.discoveryUrl(settings.issuer()), Map.of(), null);
      if (answer.status() != 200) {
        throw new IOException("discovery answered " + answer.status());
      }
      ProviderMetadata metadata = ProviderMetadata.parse(answer.body(), settings.issuer());
      CachedJwks keys =
          held != null && held.metadata().jwksUri().equals(metadata.jwksUri())
              ? held.keys()
              : CachedJwks.remote(URI.create(metadata.jwksUri()), clock);
      held = new Held(metadata, keys, now);
      lastFailure = null;
      return held;
    } catch (IOException | RuntimeException e) {
      lastFailure = clock.instant();
      Log.warn(
          "-",
          "oidc_discovery_failed",
          Map.of("error", e.getClass().getName(), "keptMetadata", held != null));
      if (held != null) {
        return held;
      }
      throw new OidcException(OidcException.Kind.UNAVAILABLE, "discovery", e);
    }
  }

  /**
   * Exchanges an authorization code at the token endpoint (RFC 6749 section 4.1.3, with the PKCE
   * verifier), authenticating as the document allows: HTTP Basic, else in the body.
   *
   * @return the ID token (compact JWS), not yet verified
   * @throws OidcException {@code INVALID_GRANT}, {@code REJECTED} or {@code UNAVAILABLE}
   */
  public String exchange(String code, String redirectUri, String verifier) {
    ProviderMetadata metadata = metadata();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", redirectUri);
    form.put("code_verifier", verifier);
    Map<String, String> headers = new LinkedHashMap<>();
    if (metadata.clientSecretBasic()) {
      // RFC 6749 section 2.3.1: each part form-encoded before Basic's base64
      String pair = Params.encode(settings.clientId()) + ":" + Params.encode(clientSecret.get());
      headers.put(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    } else {
      form.put("client_id", settings.clientId());
      form.put("client_secret", clientSecret.get());
    }
    Response answer;
    try {
      answer = send("POST", metadata.tokenEndpoint(), headers, formBody(form));
    } catch (IOException e) {
      throw new OidcException(OidcException.Kind.UNAVAILABLE, "token", e);
    }
    return idToken(answer.status(), answer.body());
  }

  /** The ID token of a token endpoint answer, or the failure its status and error say. */
  static String idToken(int status, String body) {
    if (status >= 200 && status < 300) {
      try {
        String idToken = Json.string(Json.parseObject(body), "id_token");
        if (idToken != null && !idToken.isEmpty()) {
          return idToken;
        }
      } catch (RuntimeException malformed) {
        // an unreadable answer: as unavailable
      }
      throw new OidcException(OidcException.Kind.UNAVAILABLE, "token");
    }
    String error;
    try {
      error = String.valueOf(Json.string(Json.parseObject(body), "error"));
    } catch (RuntimeException e) {
      error = "";
    }
    if (status == 400 && error.equals("invalid_grant")) {
      throw new OidcException(OidcException.Kind.INVALID_GRANT, "token");
    }
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
      throw new OidcException(OidcException.Kind.REJECTED, "token");
    }
    throw new OidcException(OidcException.Kind.UNAVAILABLE, "token");
  }

  private static String formBody(Map<String, String> form) {
    StringBuilder body = new StringBuilder();
    form.forEach(
        (name, value) -> {
          if (!body.isEmpty()) {
            body.append('&');
          }
          body.append(Params.encode(name)).append('=').append(Params.encode(value));
        });
    return body.toString();
  }

  private record Response(int status, String body) {}

  private static Response send(
      String method, String url, Map<String, String> headers, String formBody) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
    try {
      connection.setConnectTimeout(TIMEOUT_MS);
      connection.setReadTimeout(TIMEOUT_MS);
      connection.setInstanceFollowRedirects(false);
      connection.setUseCaches(false);
      connection.setRequestMethod(method);
      connection.setRequestProperty("Accept", "application/json");
      headers.forEach(connection::setRequestProperty);
      if (formBody != null) {
        byte[] bytes = formBody.getBytes(StandardCharsets.UTF_8);
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(bytes.length);
        connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        try (OutputStream out = connection.getOutputStream()) {
          out.write(bytes);
        }
      }
      int status = connection.getResponseCode();
      InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      return new Response(status, in == null ? "" : read(in));
    } finally {
      connection.disconnect();
    }
  }

  private static String read(InputStream in) throws IOException {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) != -1) {
        out.write(buffer, 0, n);
        if (out.size() > MAX_BODY_BYTES) {
          throw new IOException("answer too large");
        }
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
