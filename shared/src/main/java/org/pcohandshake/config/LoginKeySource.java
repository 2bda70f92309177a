package org.pcohandshake.config;

import java.util.Map;

/**
 * Where the key that verifies the login bridge's tokens comes from. A source is made only with what
 * it names: building one without it fails, naming the variable that is not set.
 */
public sealed interface LoginKeySource {

  /**
   * The HS256 key shared with the login bridge, kept in Secrets Manager.
   *
   * @param secretId {@code LOGIN_BRIDGE_KEY_SECRET_ID}
   */
  record HmacSecret(String secretId) implements LoginKeySource {
    public HmacSecret {
      Config.requireSet(Map.of(Config.LOGIN_BRIDGE_KEY_SECRET_ID, secretId));
    }
  }

  /**
   * The integrator's published keys ({@code RS256} or {@code ES256}).
   *
   * @param url {@code LOGIN_JWKS_URL}
   */
  record Jwks(String url) implements LoginKeySource {
    public Jwks {
      Config.requireSet(Map.of(Config.LOGIN_JWKS_URL, url));
    }
  }
}
