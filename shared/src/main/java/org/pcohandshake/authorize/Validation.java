package org.pcohandshake.authorize;

import org.pcohandshake.error.ErrorCatalog;

/** The outcome of validating an authorization request. */
public sealed interface Validation {

  /** The request may proceed. */
  record Valid(AuthorizationRequest request) implements Validation {}

  /** Client or redirect URI cannot be trusted: show a page, never redirect. */
  record Page(ErrorCatalog.Page error) implements Validation {}

  /** The redirect URI is trusted: send the error back to the client with its state. */
  record Redirect(String redirectUri, ErrorCatalog.Redirect error, String state)
      implements Validation {}
}
