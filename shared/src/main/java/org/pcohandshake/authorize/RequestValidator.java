package org.pcohandshake.authorize;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.pcohandshake.config.Config;
import org.pcohandshake.crypto.Pkce;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.grant.Scope;
import org.pcohandshake.http.BadRequestException;
import org.pcohandshake.http.Params;

/**
 * Validates {@code /oauth/authorize} parameters in the order RFC 6749 section 4.1.2.1 requires:
 * first the client and the exact redirect URI (failures there are pages, never redirects), then
 * everything else (failures are redirected to the client with its state).
 */
public final class RequestValidator {

  /** RFC 6749 appendix A.5 (VSCHAR), bounded. */
  private static final Pattern STATE = Pattern.compile("[\\x20-\\x7E]{1,4096}");

  private final String clientId;
  private final List<String> redirectUris;
  private final List<String> scopes;

  public RequestValidator(Config config) {
    this.clientId = config.client().id();
    this.redirectUris = config.allowedRedirectUris();
    this.scopes = config.consent().scopes();
  }

  public Validation validate(Params params) {
    String client;
    String redirect;
    try {
      client = params.get("client_id").orElse("");
      redirect = params.get("redirect_uri").orElse("");
    } catch (BadRequestException repeated) {
      return new Validation.Page(ErrorCatalog.Page.BAD_REQUEST);
    }
    if (client.isEmpty() || !client.equals(clientId)) {
      return new Validation.Page(ErrorCatalog.Page.UNKNOWN_CLIENT);
    }
    if (!redirectUris.contains(redirect)) {
      return new Validation.Page(ErrorCatalog.Page.BAD_REDIRECT);
    }
    String state;
    try {
      state = params.get("state").orElse("");
    } catch (BadRequestException repeated) {
      return new Validation.Redirect(redirect, ErrorCatalog.Redirect.INVALID_REQUEST, "");
    }
    if (!state.isEmpty() && !STATE.matcher(state).matches()) {
      return new Validation.Redirect(redirect, ErrorCatalog.Redirect.INVALID_REQUEST, "");
    }
    try {
      String responseType = params.get("response_type").orElse("");
      if (responseType.isEmpty()) {
        return new Validation.Redirect(redirect, ErrorCatalog.Redirect.INVALID_REQUEST, state);
      }
      if (!responseType.equals("code")) {
        return new Validation.Redirect(
            redirect, ErrorCatalog.Redirect.UNSUPPORTED_RESPONSE_TYPE, state);
      }
      if (state.isEmpty()) {
        return new Validation.Redirect(redirect, ErrorCatalog.Redirect.INVALID_REQUEST, state);
      }
      String challenge = params.get("code_challenge").orElse("");
      String method = params.get("code_challenge_method").orElse("");
      if (!challenge.isEmpty() || !method.isEmpty()) {
        if (!method.equals("S256") || !Pkce.validChallenge(challenge)) {
          return new Validation.Redirect(redirect, ErrorCatalog.Redirect.PKCE_INVALID, state);
        }
      }
      Optional<Scope> requested = Scope.parse(params.get("scope").orElse(""));
      if (requested.isEmpty() || !requested.get().allowedBy(scopes)) {
        return new Validation.Redirect(redirect, ErrorCatalog.Redirect.INVALID_SCOPE, state);
      }
      return new Validation.Valid(
          new AuthorizationRequest(client, redirect, state, requested.get(), challenge));
    } catch (BadRequestException repeated) {
      return new Validation.Redirect(redirect, ErrorCatalog.Redirect.INVALID_REQUEST, state);
    }
  }

  /** The URL that carries a result back to the client: parameters appended to its query. */
  public static String redirectTo(String redirectUri, String... pairs) {
    StringBuilder url = new StringBuilder(redirectUri);
    char separator = redirectUri.contains("?") ? '&' : '?';
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (pairs[i + 1].isEmpty()) {
        continue;
      }
      url.append(separator).append(pairs[i]).append('=').append(Params.encode(pairs[i + 1]));
      separator = '&';
    }
    return url.toString();
  }
}
