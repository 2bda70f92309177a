package org.pcohandshake.testkit.pco;

import java.util.Objects;

/**
 * An access token and refresh token pair. {@link #toString()} never shows the token values.
 *
 * @param accessToken the access token
 * @param refreshToken the refresh token (may be null when a response carried none)
 * @param expiresIn lifetime of the access token in seconds (may be null when unknown)
 */
public record TokenPair(String accessToken, String refreshToken, Long expiresIn) {
  public TokenPair {
    Objects.requireNonNull(accessToken, "accessToken");
  }

  @Override
  public String toString() {
    return "TokenPair[accessToken=<redacted>, refreshToken="
        + (refreshToken == null ? "null" : "<redacted>")
        + ", expiresIn="
        + expiresIn
        + "]";
  }
}
