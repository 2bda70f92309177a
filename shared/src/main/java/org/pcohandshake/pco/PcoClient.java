package org.pcohandshake.pco;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpRetryException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.http.Params;
import org.pcohandshake.json.Json;
import org.pcohandshake.metrics.Metrics;
import org.pcohandshake.pco.PcoException.Kind;
import org.pcohandshake.secrets.SecretCache;

/**
 * Planning Center's OAuth endpoints, {@code /people/v2/me} and {@code /people/v2}, over {@link
 * HttpURLConnection} (its classes are already loaded by the AWS SDK's URL-connection client, so it
 * adds little to a cold start).
 *
 * <p>Client authentication is {@code client_id} and {@code client_secret} in the form body, which
 * PCO accepts. Every call has a connect timeout and a read timeout of the configured length, and
 * the whole answer must arrive within twice that, so a slow PCO costs a bounded time well inside
 * API Gateway's 30 s. Bodies are streamed with a fixed length, so the connection never re-sends a
 * request on its own: a code or refresh token is presented at most once per call. Failures are
 * {@link PcoException}s whose kind says what the caller can do.
 */
public final class PcoClient {

  static final String TOKEN_PATH = "/oauth/token";
  static final String REVOKE_PATH = "/oauth/revoke";
  static final String ME_PATH = "/people/v2/me";

  /** People's root resource: the token's organization (JSON:API type {@code Organization}). */
  static final String ORGANIZATION_PATH = "/people/v2";

  /** Answers above this size are refused (PCO's token and {@code /me} answers are ~1 KB). */
  static final int MAX_BODY_BYTES = 64 * 1024;

  /** PCO's documented access token lifetime, assumed when an answer has no {@code expires_in}. */
  static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(2);

  private static final int MAX_NAME_LENGTH = 200;
  private static final String USER_AGENT = "pco-handshake";

  private final String baseUrl;
  private final String clientId;
  private final Supplier<String> clientSecret;
  private final Duration timeout;
  private final Clock clock;

  /**
   * Planning Center at {@code PCO_BASE_URL} as {@code PCO_CLIENT_ID}, its secret (named by {@code
   * PCO_CLIENT_SECRET_ID}) cached.
   */
  public static PcoClient from(
      Config.Pco pco, String clientId, String clientSecretId, AwsClients aws, Clock clock) {
    SecretCache secret = new SecretCache(aws.secretsManager(), clientSecretId, clock);
    return new PcoClient(pco.baseUrl(), clientId, secret::current, pco.httpTimeout(), clock);
  }

  /**
   * @param baseUrl PCO's base URL without a trailing slash ({@code PCO_BASE_URL})
   * @param clientId the integrator's OAuth application at PCO ({@code PCO_CLIENT_ID})
   * @param clientSecret its client secret, asked for on each token call (a {@code SecretCache})
   * @param timeout connect and read timeout of each call ({@code PCO_HTTP_TIMEOUT_MS})
   * @param clock for token expiry
   */
  public PcoClient(
      String baseUrl,
      String clientId,
      Supplier<String> clientSecret,
      Duration timeout,
      Clock clock) {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
  }

  /**
   * Exchanges an authorization code ({@code grant_type=authorization_code}).
   *
   * @param redirectUri exactly the {@code redirect_uri} the code was issued for
   * @throws PcoException {@code INVALID_GRANT} for a dead code, {@code REJECTED} for a refused
   *     client, {@code UNAVAILABLE} otherwise
   */
  public PcoTokens exchangeCode(String code, String redirectUri) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", redirectUri);
    return counted(() -> tokenCall("exchange", form));
  }

  /**
   * Refreshes ({@code grant_type=refresh_token}). The answer carries a new refresh token that
   * replaces the one sent: PCO rotates them.
   *
   * @throws PcoException {@code INVALID_GRANT} when the refresh token is dead (authorize again)
   */
  public PcoTokens refresh(String refreshToken) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    return counted(() -> tokenCall("refresh", form));
  }

  /**
   * {@code GET /people/v2/me}: the person the token belongs to and their organization.
   *
   * @throws PcoException {@code UNAUTHORIZED} on 401, {@code UNAVAILABLE} for failures and answers
   *     without a person or organization id
   */
  public PcoIdentity me(String accessToken) {
    return counted(
        () -> {
          Response response = send("me", "GET", ME_PATH, accessToken, null);
          return parseMe(response.status(), response.body());
        });
  }

  /**
   * {@code GET /people/v2}: the name of the token's organization, for a person to recognise it. A
   * display value only: an answer without a name, or for another organization, gives an empty name.
   *
   * @param organizationId the organization {@link #me} named
   * @throws PcoException when the call fails (the caller may go on without the name)
   */
  public String organizationName(String accessToken, String organizationId) {
    return counted(
        () -> {
          Response response = send("organization", "GET", ORGANIZATION_PATH, accessToken, null);
          return parseOrganizationName(response.status(), response.body(), organizationId);
        });
  }

  /**
   * Revokes a token at PCO (RFC 7009; revoking a refresh token ends its access token too).
   *
   * @throws PcoException when PCO did not confirm
   */
  public void revoke(String token) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("token", token);
    counted(
        () -> {
          Response response = send("revoke", "POST", REVOKE_PATH, null, withClient(form));
          checkRevoke(response.status());
          return null;
        });
  }

  /** The connect and read timeout of each call. */
  public Duration timeout() {
    return timeout;
  }

  /** The longest one call can take: connect plus the whole answer. */
  public Duration maxCallDuration() {
    return timeout.multipliedBy(3);
  }

  private PcoTokens tokenCall(String operation, Map<String, String> form) {
    Instant requestedAt = clock.instant();
    Response response = send(operation, "POST", TOKEN_PATH, null, withClient(form));
    try {
      return parseTokens(operation, response.status(), response.body(), requestedAt);
    } catch (PcoException e) {
      // PCO's rate limit (429) and outages say when to come back: the caller passes it on
      throw response.retryAfter().map(e::withRetryAfter).orElse(e);
    }
  }

  private String withClient(Map<String, String> form) {
    Map<String, String> all = new LinkedHashMap<>(form);
    all.put("client_id", clientId);
    all.put("client_secret", clientSecret.get());
    StringBuilder body = new StringBuilder();
    all.forEach(
        (name, value) -> {
          if (!body.isEmpty()) {
            body.append('&');
          }
          body.append(Params.encode(name)).append('=').append(Params.encode(value));
        });
    return body.toString();
  }

  // ---- parsing (package-private for unit tests) ------------------------------------------

  /** A token endpoint answer: tokens on 2xx, else a classified failure. */
  static PcoTokens parseTokens(String operation, int status, String body, Instant requestedAt) {
    if (status >= 200 && status < 300) {
      try {
        Map<String, Object> json = answer(body);
        String access = Json.string(json, "access_token");
        if (access == null || access.isEmpty()) {
          throw new ParseException("no access_token", 0);
        }
        Object type = json.get("token_type");
        if (type != null && !"bearer".equalsIgnoreCase(type.toString())) {
          throw new ParseException("not a bearer token", 0);
        }
        String refresh = optionalString(json, "refresh_token");
        String scope = optionalString(json, "scope");
        long lifetime = seconds(json.get("expires_in"));
        return new PcoTokens(access, refresh, requestedAt.plusSeconds(lifetime), scope);
      } catch (ParseException | RuntimeException e) {
        throw new PcoException(Kind.UNAVAILABLE, operation, status, malformed());
      }
    }
    if ((status == 400 || status == 401) && "invalid_grant".equals(oauthError(body))) {
      throw new PcoException(Kind.INVALID_GRANT, operation, status);
    }
    throw new PcoException(classify(status), operation, status);
  }

  /** A {@code /people/v2/me} answer (JSON:API): the person and {@code meta.parent}. */
  static PcoIdentity parseMe(int status, String body) {
    if (status == 401) {
      throw new PcoException(Kind.UNAUTHORIZED, "me", status);
    }
    if (status < 200 || status >= 300) {
      throw new PcoException(classify(status), "me", status);
    }
    try {
      Map<String, Object> json = answer(body);
      Map<String, Object> data = Json.object(json, "data");
      Map<String, Object> meta = Json.object(json, "meta");
      Map<String, Object> parent = meta == null ? null : Json.object(meta, "parent");
      if (data == null || parent == null) {
        throw new ParseException("no data or meta.parent", 0);
      }
      Object parentType = parent.get("type");
      if (parentType != null && !"Organization".equals(parentType)) {
        throw new ParseException("meta.parent is not an organization", 0);
      }
      String personId = id(data.get("id"));
      String organizationId = id(parent.get("id"));
      Map<String, Object> attributes = Json.object(data, "attributes");
      String name = "";
      if (attributes != null) {
        name = optionalString(attributes, "name").strip();
        if (name.isEmpty()) {
          name =
              (optionalString(attributes, "first_name")
                      + " "
                      + optionalString(attributes, "last_name"))
                  .strip();
        }
      }
      if (name.length() > MAX_NAME_LENGTH) {
        name = name.substring(0, MAX_NAME_LENGTH);
      }
      return new PcoIdentity(organizationId, personId, name);
    } catch (ParseException | RuntimeException e) {
      throw new PcoException(Kind.UNAVAILABLE, "me", status, malformed());
    }
  }

  /**
   * A {@code /people/v2} answer (JSON:API): the organization's name when it is the one expected.
   */
  static String parseOrganizationName(int status, String body, String organizationId) {
    if (status < 200 || status >= 300) {
      throw new PcoException(
          status == 401 ? Kind.UNAUTHORIZED : classify(status), "organization", status);
    }
    try {
      Map<String, Object> data = Json.object(answer(body), "data");
      if (data == null
          || !"Organization".equals(data.get("type"))
          || !organizationId.equals(id(data.get("id")))) {
        return "";
      }
      Map<String, Object> attributes = Json.object(data, "attributes");
      String name = attributes == null ? "" : optionalString(attributes, "name").strip();
      return name.length() > MAX_NAME_LENGTH ? name.substring(0, MAX_NAME_LENGTH) : name;
    } catch (ParseException | RuntimeException e) {
      return "";
    }
  }

  /** A revocation answer: any 2xx is success (RFC 7009 answers 200 even for unknown tokens). */
  static void checkRevoke(int status) {
    if (status < 200 || status >= 300) {
      throw new PcoException(classify(status), "revoke", status);
    }
  }

  /** 429, 5xx and anything unexpected are worth retrying later; other 4xx are refusals. */
  static Kind classify(int status) {
    if (status >= 400 && status < 500 && status != 429 && status != 408) {
      return Kind.REJECTED;
    }
    return Kind.UNAVAILABLE;
  }

  /** The OAuth {@code error} code of an error answer, or empty. */
  static String oauthError(String body) {
    try {
      String error = Json.string(answer(body), "error");
      return error == null ? "" : error;
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** An answer's JSON object; answers are read up to {@link #MAX_BODY_BYTES} anyway. */
  private static Map<String, Object> answer(String body) {
    if (body.length() > MAX_BODY_BYTES) {
      throw new IllegalArgumentException("answer too large");
    }
    return Json.parseObject(body);
  }

  private static String optionalString(Map<String, Object> json, String name) {
    String value = Json.string(json, name);
    return value == null ? "" : value;
  }

  private static long seconds(Object value) throws ParseException {
    if (value == null) {
      return DEFAULT_TOKEN_LIFETIME.toSeconds();
    }
    long seconds;
    if (value instanceof Number number) {
      seconds = number.longValue();
    } else {
      try {
        seconds = Long.parseLong(value.toString());
      } catch (NumberFormatException e) {
        throw new ParseException("expires_in is not a number", 0);
      }
    }
    if (seconds < 0) {
      throw new ParseException("negative expires_in", 0);
    }
    return seconds;
  }

  /** A JSON:API id: a string (numbers tolerated), non-empty. */
  private static String id(Object value) throws ParseException {
    String id;
    if (value instanceof String text) {
      id = text.strip();
    } else if (value instanceof Number number && number.doubleValue() == number.longValue()) {
      id = Long.toString(number.longValue());
    } else {
      throw new ParseException("missing id", 0);
    }
    if (id.isEmpty() || id.length() > 64) {
      throw new ParseException("bad id", 0);
    }
    return id;
  }

  /** Runs one call to PCO, counting a {@code PcoError} metric when it fails. */
  private static <T> T counted(java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (PcoException e) {
      Metrics.count(Metrics.Event.PcoError);
      throw e;
    }
  }

  private static Exception malformed() {
    return new IOException("malformed answer");
  }

  // ---- HTTP ------------------------------------------------------------------------------

  private record Response(int status, String body, Optional<Duration> retryAfter) {
    Response(int status, String body) {
      this(status, body, Optional.empty());
    }
  }

  /** The longest {@code Retry-After} passed on; a longer one is capped to this. */
  static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

  /** {@code Retry-After} in seconds (the HTTP-date form is not used by PCO), bounded. */
  static Optional<Duration> retryAfter(String header) {
    if (header == null || !header.strip().matches("[0-9]{1,9}")) {
      return Optional.empty();
    }
    Duration wait = Duration.ofSeconds(Long.parseLong(header.strip()));
    return Optional.of(wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait);
  }

  private Response send(
      String operation, String method, String path, String bearer, String formBody) {
    long deadline = System.nanoTime() + timeout.toNanos() * 2;
    int timeoutMillis = (int) Math.max(1, timeout.toMillis());
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) URI.create(baseUrl + path).toURL().openConnection();
      connection.setConnectTimeout(timeoutMillis);
      connection.setReadTimeout(timeoutMillis);
      connection.setInstanceFollowRedirects(false);
      connection.setUseCaches(false);
      connection.setRequestMethod(method);
      connection.setRequestProperty("Accept", "application/json");
      connection.setRequestProperty("User-Agent", USER_AGENT);
      if (bearer != null) {
        connection.setRequestProperty("Authorization", "Bearer " + bearer);
      }
      if (formBody != null) {
        byte[] bytes = formBody.getBytes(StandardCharsets.UTF_8);
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        // streaming: HttpURLConnection never silently re-sends a streamed body
        connection.setFixedLengthStreamingMode(bytes.length);
        try (OutputStream out = connection.getOutputStream()) {
          out.write(bytes);
        }
      }
      int status = connection.getResponseCode();
      InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      String body = in == null ? "" : read(in, deadline);
      return new Response(status, body, retryAfter(connection.getHeaderField("Retry-After")));
    } catch (HttpRetryException e) {
      // a 401 to a streamed POST surfaces this way: the status is all there is
      connection.disconnect();
      return new Response(e.responseCode(), "");
    } catch (IOException | RuntimeException e) {
      if (connection != null) {
        connection.disconnect();
      }
      throw new PcoException(Kind.UNAVAILABLE, operation, 0, e);
    }
  }

  private static String read(InputStream stream, long deadline) throws IOException {
    try (InputStream in = stream) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
      byte[] buffer = new byte[4096];
      int n;
      while ((n = in.read(buffer)) != -1) {
        out.write(buffer, 0, n);
        if (out.size() > MAX_BODY_BYTES) {
          throw new IOException("answer too large");
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("answer too slow");
        }
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
