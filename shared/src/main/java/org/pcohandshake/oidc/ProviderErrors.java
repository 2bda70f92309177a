package org.pcohandshake.oidc;

import java.util.Map;
import org.pcohandshake.error.ErrorCatalog;

/**
 * What the provider's {@code error} parameter at the callback means to a person, from a fixed table
 * (RFC 6749 section 4.1.2.1, OpenID Connect Core section 3.1.2.6): the value itself is never shown,
 * and one outside the table gets the general page.
 */
public final class ProviderErrors {

  private static final Map<String, ErrorCatalog.Page> PAGES =
      Map.ofEntries(
          Map.entry("access_denied", ErrorCatalog.Page.OIDC_CANCELLED),
          Map.entry("login_required", ErrorCatalog.Page.OIDC_SIGN_IN_NEEDED),
          Map.entry("interaction_required", ErrorCatalog.Page.OIDC_SIGN_IN_NEEDED),
          Map.entry("consent_required", ErrorCatalog.Page.OIDC_SIGN_IN_NEEDED),
          Map.entry("account_selection_required", ErrorCatalog.Page.OIDC_SIGN_IN_NEEDED),
          Map.entry("invalid_request", ErrorCatalog.Page.OIDC_MISCONFIGURED),
          Map.entry("unauthorized_client", ErrorCatalog.Page.OIDC_MISCONFIGURED),
          Map.entry("unsupported_response_type", ErrorCatalog.Page.OIDC_MISCONFIGURED),
          Map.entry("invalid_scope", ErrorCatalog.Page.OIDC_MISCONFIGURED),
          Map.entry("invalid_request_uri", ErrorCatalog.Page.OIDC_MISCONFIGURED),
          Map.entry("invalid_request_object", ErrorCatalog.Page.OIDC_MISCONFIGURED),
          Map.entry("request_not_supported", ErrorCatalog.Page.OIDC_MISCONFIGURED),
          Map.entry("request_uri_not_supported", ErrorCatalog.Page.OIDC_MISCONFIGURED),
          Map.entry("registration_not_supported", ErrorCatalog.Page.OIDC_MISCONFIGURED),
          Map.entry("server_error", ErrorCatalog.Page.OIDC_PROVIDER_FAILED),
          Map.entry("temporarily_unavailable", ErrorCatalog.Page.OIDC_PROVIDER_FAILED));

  private ProviderErrors() {}

  /** The page for a provider's {@code error} value. */
  public static ErrorCatalog.Page page(String error) {
    return PAGES.getOrDefault(error, ErrorCatalog.Page.OIDC_PROVIDER_FAILED);
  }

  /** Whether the value is one of the table's, for the log line (an unknown one is not logged). */
  public static boolean known(String error) {
    return PAGES.containsKey(error);
  }
}
