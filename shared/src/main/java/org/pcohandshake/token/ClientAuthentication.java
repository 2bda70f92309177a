package org.pcohandshake.token;

import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.http.HttpResponse;

/** The outcome of authenticating the client at the token endpoint. */
public sealed interface ClientAuthentication {

  /** The client proved its identity. */
  record Authenticated(String clientId) implements ClientAuthentication {}

  /**
   * Authentication failed.
   *
   * @param basicTried whether HTTP Basic was attempted (the 401 then carries a challenge)
   */
  record Failed(ErrorCatalog.OAuth error, boolean basicTried) implements ClientAuthentication {

    /** The JSON error, with a Basic challenge when Basic was tried (RFC 6749 section 5.2). */
    public HttpResponse response() {
      HttpResponse response = error.json();
      return basicTried && error.status() == 401
          ? response.withHeader("www-authenticate", "Basic realm=\"oauth\", charset=\"UTF-8\"")
          : response;
    }
  }
}
