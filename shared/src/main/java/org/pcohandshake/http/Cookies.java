package org.pcohandshake.http;

import java.time.Duration;

/** The project's cookies: host-only, Secure, HttpOnly, SameSite=Lax. */
public final class Cookies {

  /** The browser session with the integrator (after the login bridge). */
  public static final String SESSION = "__Host-pco_hs_session";

  /** The Planning Center identity learned at step 2, for step 4. */
  public static final String PCO_LINK = "__Host-pco_hs_link";

  /**
   * A login round trip in flight: set when a visitor is sent to the login bridge, required (through
   * its hash in {@code login_state}) when the login token comes back, cleared then.
   */
  public static final String LOGIN = "__Host-pco_hs_login";

  private Cookies() {}

  public static String set(String name, String value, Duration maxAge) {
    return name
        + "="
        + value
        + "; Max-Age="
        + maxAge.toSeconds()
        + "; Path=/; Secure; HttpOnly; SameSite=Lax";
  }

  public static String clear(String name) {
    return name + "=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax";
  }
}
