package org.pcohandshake.oidc;

import com.nimbusds.jose.jwk.JWKSet;
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
import java.util.Optional;
import java.util.function.Supplier;
import org.pcohandshake.aws.Deadline;
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
              : jwks(metadata.jwksUri());
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
   * The provider's JWKS, fetched with the same bounds as every call to the provider (one timeout
   * for the whole answer, the invocation's deadline, the size limit) and refreshed as {@link
   * CachedJwks} does.
   */
  private CachedJwks jwks(String jwksUri) {
    return new CachedJwks(
        () -> {
          Response answer = send("GET", jwksUri, Map.of(), null);
          if (answer.status() != 200) {
            throw new IOException("the JWKS answered " + answer.status());
          }
          return JWKSet.parse(answer.body());
        },
        CachedJwks.TTL,
        CachedJwks.MIN_REFRESH_INTERVAL,
        clock);
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

  /**
   * How long one call to the provider may take, as a whole: {@link #TIMEOUT_MS}, or what is left of
   * the invocation's deadline when that is less.
   *
   * @throws IOException when too little is left to make a call at all
   */
  static Duration callBudget() throws IOException {
    Duration budget = Duration.ofMillis(TIMEOUT_MS);
    Optional<Duration> left = Deadline.remaining();
    if (left.isPresent() && left.get().compareTo(budget) < 0) {
      budget = left.get();
    }
    if (budget.compareTo(Deadline.MIN_CALL) < 0) {
      throw new IOException("no time left for the identity provider");
    }
    return budget;
  }

  private static Response send(
      String method, String url, Map<String, String> headers, String formBody) throws IOException {
    Duration budget = callBudget();
    long endsAt = System.nanoTime() + budget.toNanos();
    HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
    try {
      connection.setConnectTimeout((int) budget.toMillis());
      connection.setReadTimeout((int) budget.toMillis());
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
      return new Response(status, in == null ? "" : read(in, endsAt));
    } finally {
      connection.disconnect();
    }
  }

  /** Reads the whole answer, up to its size limit and only until {@code endsAt}. */
  private static String read(InputStream in, long endsAt) throws IOException {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) != -1) {
        out.write(buffer, 0, n);
        if (out.size() > MAX_BODY_BYTES) {
          throw new IOException("answer too large");
        }
        if (System.nanoTime() - endsAt > 0) {
          // a provider answering a byte at a time: each read inside the timeout, not the whole
          throw new IOException("answer too slow");
        }
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
