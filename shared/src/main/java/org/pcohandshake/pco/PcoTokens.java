package org.pcohandshake.pco;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.pcohandshake.json.Json;

/**
 * A Planning Center token pair. {@link #toString()} never shows the tokens.
 *
 * @param accessToken the bearer token for PCO's API
 * @param refreshToken the refresh token; rotated by every refresh (empty when none was issued)
 * @param expiresAt when the access token expires (computed from {@code expires_in} against the time
 *     the request was sent, so it errs early)
 * @param scope the granted scope, space separated (may be empty)
 */
public record PcoTokens(String accessToken, String refreshToken, Instant expiresAt, String scope) {

  /** Version of the serialized form inside the ciphertext. */
  static final int FORMAT = 1;

  public PcoTokens {
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(refreshToken, "refreshToken");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(scope, "scope");
    if (accessToken.isEmpty()) {
      throw new IllegalArgumentException("empty access token");
    }
  }

  /** Whether the access token expires within {@code margin} of {@code now} (or already has). */
  public boolean expiresWithin(Duration margin, Instant now) {
    return !expiresAt.isAfter(now.plus(margin));
  }

  /** The same tokens with another refresh token (PCO may omit it from a refresh answer). */
  public PcoTokens withRefreshToken(String value) {
    return new PcoTokens(accessToken, value, expiresAt, scope);
  }

  /** Shows expiry and scope only. */
  @Override
  public String toString() {
    return "PcoTokens[accessToken=<redacted>, refreshToken="
        + (refreshToken.isEmpty() ? "<none>" : "<redacted>")
        + ", expiresAt="
        + expiresAt
        + ", scope="
        + scope
        + "]";
  }

  /** The plaintext that is encrypted before storage; {@link #fromJson} reads it back. */
  String toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("v", FORMAT);
    json.put("access_token", accessToken);
    json.put("refresh_token", refreshToken);
    json.put("expires_at", expiresAt.getEpochSecond());
    json.put("scope", scope);
    return Json.write(json);
  }

  /**
   * Reads {@link #toJson()}'s output.
   *
   * @throws IllegalArgumentException when the text is not that form (the message carries no input)
   */
  static PcoTokens fromJson(String text) {
    try {
      Map<String, Object> json = Json.parseObject(text);
      if (!(json.get("v") instanceof Long v && v == FORMAT)) {
        throw new IllegalArgumentException("unknown token blob format");
      }
      String access = Json.string(json, "access_token");
      String refresh = Json.string(json, "refresh_token");
      String scope = Json.string(json, "scope");
      if (access == null
          || refresh == null
          || scope == null
          || !(json.get("expires_at") instanceof Long expiresAt)) {
        throw new IllegalArgumentException("incomplete token blob");
      }
      return new PcoTokens(access, refresh, Instant.ofEpochSecond(expiresAt), scope);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("unreadable token blob");
    }
  }
}
