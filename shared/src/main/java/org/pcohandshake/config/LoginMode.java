package org.pcohandshake.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the integrator's users sign in ({@code LOGIN_MODE}), with exactly the settings that mode
 * needs. A mode is made only with its settings: building one without them fails, naming the
 * variables that are not set.
 */
public sealed interface LoginMode {

  /** The value of {@code LOGIN_MODE}. */
  enum Kind {
    /** The integrator's own login app signs a short JWS (the default). */
    BRIDGE,
    /** This stack is an OpenID Connect relying party of the integrator's identity provider. */
    OIDC
  }

  /**
   * The login bridge.
   *
   * @param url {@code LOGIN_URL}, where the browser signs in
   * @param issuer {@code LOGIN_ISSUER}, the {@code iss} of its login tokens
   */
  record Bridge(String url, String issuer) implements LoginMode {
    public Bridge {
      Config.requireSet(Map.of(Config.LOGIN_URL, url, Config.LOGIN_ISSUER, issuer));
    }
  }

  /**
   * OpenID Connect: the authorization code flow with PKCE at the integrator's provider.
   *
   * @param issuer {@code OIDC_ISSUER}, exactly as the provider writes it in {@code iss}
   * @param clientId {@code OIDC_CLIENT_ID}, this stack's client at the provider
   * @param clientSecretId {@code OIDC_CLIENT_SECRET_ID}, the Secrets Manager secret of its secret
   * @param scopes {@code OIDC_SCOPES}; always holds {@code openid}
   * @param userClaim {@code OIDC_USER_CLAIM}, the ID token claim that names the user ({@code sub})
   */
  record Oidc(
      String issuer, String clientId, String clientSecretId, List<String> scopes, String userClaim)
      implements LoginMode {

    /** Claims that name a person's address or handle, which can be reassigned to someone else. */
    static final Set<String> REASSIGNABLE_CLAIMS =
        Set.of("email", "preferred_username", "upn", "phone_number", "name");

    public Oidc {
      Config.requireSet(
          Map.of(
              Config.OIDC_ISSUER,
              issuer,
              Config.OIDC_CLIENT_ID,
              clientId,
              Config.OIDC_CLIENT_SECRET_ID,
              clientSecretId));
      scopes = List.copyOf(scopes);
      if (!scopes.contains("openid")) {
        throw new ConfigException(Config.OIDC_SCOPES + " must include openid");
      }
      if (REASSIGNABLE_CLAIMS.contains(userClaim)) {
        throw new ConfigException(
            Config.OIDC_USER_CLAIM
                + " must name a stable identifier such as sub, never an address or a handle that"
                + " can pass to another person");
      }
    }
  }
}
