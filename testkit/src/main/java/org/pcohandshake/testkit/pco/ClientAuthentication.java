package org.pcohandshake.testkit.pco;

/** How a client authenticates at a token endpoint (RFC 6749 section 2.3.1). */
public enum ClientAuthentication {
  /** {@code client_secret_basic}: HTTP Basic with the form-urlencoded id and secret. */
  BASIC,
  /** {@code client_secret_post}: {@code client_id} and {@code client_secret} in the form body. */
  POST
}
