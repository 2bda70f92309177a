package org.pcohandshake.testkit.pco;

import java.util.Objects;

/**
 * What happened at the simulated add-on callback (step 5 and the server-to-server token call of
 * step 6, then the example API call). It never holds token values.
 *
 * @param outcome how the callback ended
 * @param error an OAuth error code (from the callback's {@code error} parameter or the token
 *     endpoint's JSON), or one of the simulator's own: {@code state_mismatch}, {@code
 *     missing_code}, {@code connection_failed}, {@code invalid_token_response}, {@code api_failed};
 *     null on success
 * @param errorDescription the accompanying description, when there was one
 * @param tokenStatus HTTP status of the integrator's token endpoint, 0 when not called or no answer
 * @param accessTokenPresent the token response carried a non-empty {@code access_token}
 * @param refreshTokenPresent the token response carried a non-empty {@code refresh_token}
 * @param expiresInPresent the token response carried a numeric {@code expires_in}
 * @param expiresIn the {@code expires_in} value, null when absent
 * @param tokenType the {@code token_type} value, null when absent
 * @param scope the {@code scope} value, null when absent
 * @param apiStatus HTTP status of the integrator's API, 0 when not called or no answer
 * @param apiBody the API's response body, null when not called
 * @param apiAllowOrigin the API response's {@code Access-Control-Allow-Origin}, null when absent
 */
public record AddonResult(
    Outcome outcome,
    String error,
    String errorDescription,
    int tokenStatus,
    boolean accessTokenPresent,
    boolean refreshTokenPresent,
    boolean expiresInPresent,
    Long expiresIn,
    String tokenType,
    String scope,
    int apiStatus,
    String apiBody,
    String apiAllowOrigin) {

  /** How the add-on callback ended. */
  public enum Outcome {
    /** Tokens obtained and, when an API URL is set, the API answered 2xx. */
    AUTHORIZED,
    /** The integrator redirected back with {@code error=access_denied}. */
    DECLINED,
    /** The {@code state} did not match the simulator's cookie; nothing was called. */
    STATE_MISMATCH,
    /** The integrator redirected back with another error, or without a code. */
    AUTHORIZATION_ERROR,
    /** The token endpoint failed, or answered without a usable access token. */
    TOKEN_FAILED,
    /** Tokens were obtained but the API call failed. */
    API_FAILED
  }

  public AddonResult {
    Objects.requireNonNull(outcome, "outcome");
  }

  /** Whether the whole add-on authorization succeeded. */
  public boolean success() {
    return outcome == Outcome.AUTHORIZED;
  }

  static AddonResult before(Outcome outcome, String error, String errorDescription) {
    return new AddonResult(
        outcome, error, errorDescription, 0, false, false, false, null, null, null, 0, null, null);
  }
}
