package org.pcohandshake.session;

import java.time.Duration;
import java.util.Optional;
import org.pcohandshake.crypto.Tokens;

/**
 * Binds a login round trip to the browser that started it (login CSRF defence, RFC 9700 section 4.7
 * and OpenID Connect's {@code state}). When {@code GET /oauth/authorize} sends a visitor to the
 * login bridge it sets the {@code __Host-pco_hs_login} cookie to a fresh random value and puts that
 * value's SHA-256 into {@code return_to} as {@code login_state}. A {@code login_token} is accepted
 * only together with a {@code login_state} that is the hash of the cookie this browser holds: a
 * token minted for another account and sent to a victim's browser carries no state that browser's
 * cookie hashes to, and a {@code __Host-} cookie cannot be planted from another origin or a
 * subdomain. Nothing is stored: the cookie is the round trip's only secret, the URL carries its
 * hash, and a new round trip in the same browser replaces the cookie, so only the latest one can
 * complete.
 */
public final class LoginBinding {

  /** The query parameter in {@code return_to} that names the round trip. */
  public static final String STATE = "login_state";

  /**
   * How long a person may take at the login app (a forgotten password, a second factor, a new
   * account): the pre-login cookie's Max-Age.
   */
  public static final Duration LIFETIME = Duration.ofMinutes(30);

  private LoginBinding() {}

  /** A new round trip's cookie value (256 random bits). */
  public static String begin() {
    return Tokens.random();
  }

  /** The {@code login_state} for a round trip's cookie value. */
  public static String stateOf(String cookieValue) {
    return Tokens.hash(cookieValue).value();
  }

  /** Whether a returning login belongs to the round trip this browser's cookie started. */
  public static boolean matches(Optional<String> cookieValue, Optional<String> state) {
    return cookieValue.filter(Tokens::wellFormed).isPresent()
        && state.isPresent()
        && Tokens.constantTimeEquals(stateOf(cookieValue.get()), state.get());
  }
}
