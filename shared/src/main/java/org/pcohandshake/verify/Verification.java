package org.pcohandshake.verify;

import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.http.HttpResponse;

/** The outcome of verifying a bearer token. */
public sealed interface Verification {

  /** The token is ours, intact, meant for this API, current and (when checked) not revoked. */
  record Valid(AccessTokenClaims claims) implements Verification {}

  /** The token is refused; {@link #response()} is the answer to send. */
  record Invalid(Reason reason) implements Verification {

    /** 401 (400 for a token in the URL) with the {@code WWW-Authenticate: Bearer} challenge. */
    public HttpResponse response() {
      return reason.error().bearer();
    }
  }

  /** Why a token was refused. Only logs see the reason; clients see the catalog's text. */
  enum Reason {
    /** No {@code Authorization: Bearer} header (the challenge then names no error). */
    MISSING(ErrorCatalog.OAuth.TOKEN_MISSING),
    /** An {@code access_token} query parameter: tokens in URLs leak into logs and histories. */
    IN_QUERY(ErrorCatalog.OAuth.TOKEN_IN_QUERY),
    /** Not a compact JWS, too long, or claims that are not JSON of the right types. */
    MALFORMED(ErrorCatalog.OAuth.INVALID_TOKEN),
    /**
     * Any {@code alg} but the deployment's one ({@code ACCESS_TOKEN_ALGORITHM}): {@code none},
     * HS256, the other of ES256 and RS256, and the rest.
     */
    ALGORITHM(ErrorCatalog.OAuth.INVALID_TOKEN),
    /** {@code typ} is not {@code at+jwt} (RFC 9068 section 4). */
    TYPE(ErrorCatalog.OAuth.INVALID_TOKEN),
    /** No {@code kid}, or one the JWKS does not hold (after a rate-limited refresh). */
    UNKNOWN_KEY(ErrorCatalog.OAuth.INVALID_TOKEN),
    /** The signature does not verify with the key the {@code kid} names. */
    SIGNATURE(ErrorCatalog.OAuth.INVALID_TOKEN),
    /** {@code iss} is not our issuer. */
    ISSUER(ErrorCatalog.OAuth.INVALID_TOKEN),
    /** {@code aud} does not name this API. */
    AUDIENCE(ErrorCatalog.OAuth.INVALID_TOKEN),
    /** Past {@code exp} (plus the allowed clock skew). */
    EXPIRED(ErrorCatalog.OAuth.INVALID_TOKEN),
    /** Before {@code nbf}, or {@code iat} in the future (beyond the allowed clock skew). */
    NOT_YET_VALID(ErrorCatalog.OAuth.INVALID_TOKEN),
    /** A required claim is absent or empty ({@code sub}, {@code client_id}, {@code exp}, ...). */
    MISSING_CLAIM(ErrorCatalog.OAuth.INVALID_TOKEN),
    /** The grant ({@code sid}) was revoked or has ended. */
    REVOKED(ErrorCatalog.OAuth.INVALID_TOKEN);

    private final ErrorCatalog.OAuth error;

    Reason(ErrorCatalog.OAuth error) {
      this.error = error;
    }

    public ErrorCatalog.OAuth error() {
      return error;
    }
  }
}
