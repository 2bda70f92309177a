package org.pcohandshake.token;

import org.pcohandshake.error.ErrorCatalog;

/** The outcome of authenticating the client at the token endpoint. */
public sealed interface ClientAuthentication {

  /** The client proved its identity. */
  record Authenticated(String clientId) implements ClientAuthentication {}

  /**
   * Authentication failed.
   *
   * @param basicTried whether HTTP Basic was attempted (the 401 then carries a challenge)
   */
  record Failed(ErrorCatalog error, boolean basicTried) implements ClientAuthentication {}
}
