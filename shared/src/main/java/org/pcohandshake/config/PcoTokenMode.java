package org.pcohandshake.config;

import java.util.Map;

/**
 * What {@code GET /oauth/pco/complete} does with Planning Center's code ({@code PCO_TOKEN_MODE}),
 * with exactly the settings that mode needs. A mode is made only with its settings: building one
 * without them fails, naming the variables that are not set.
 */
public sealed interface PcoTokenMode {

  /** The value of {@code PCO_TOKEN_MODE}, known to every function that reads it. */
  enum Kind {
    /** Exchange, identify, keep the tokens encrypted. */
    STORE,
    /** Exchange and identify, then discard the tokens (the default). */
    IDENTIFY,
    /** No exchange. */
    SKIP
  }

  /** This mode's {@code PCO_TOKEN_MODE}. */
  Kind kind();

  /** No exchange: straight on to {@code /advance}, no link. */
  record Skip() implements PcoTokenMode {
    @Override
    public Kind kind() {
      return Kind.SKIP;
    }
  }

  /**
   * Exchange and identify with our PCO client; the tokens are discarded.
   *
   * @param clientId {@code PCO_CLIENT_ID}
   * @param clientSecretId {@code PCO_CLIENT_SECRET_ID}, the Secrets Manager secret of its secret
   */
  record Identify(String clientId, String clientSecretId) implements PcoTokenMode {
    public Identify {
      Config.requireSet(
          Map.of(Config.PCO_CLIENT_ID, clientId, Config.PCO_CLIENT_SECRET_ID, clientSecretId));
    }

    @Override
    public Kind kind() {
      return Kind.IDENTIFY;
    }
  }

  /**
   * Exchange, identify, keep the tokens encrypted in the vault.
   *
   * @param clientId {@code PCO_CLIENT_ID}
   * @param clientSecretId {@code PCO_CLIENT_SECRET_ID}
   * @param tokenKeyId {@code PCO_TOKEN_KEY_ID}, the KMS key the tokens are encrypted with
   */
  record Store(String clientId, String clientSecretId, String tokenKeyId) implements PcoTokenMode {
    public Store {
      Config.requireSet(
          Map.of(
              Config.PCO_CLIENT_ID,
              clientId,
              Config.PCO_CLIENT_SECRET_ID,
              clientSecretId,
              Config.PCO_TOKEN_KEY_ID,
              tokenKeyId));
    }

    @Override
    public Kind kind() {
      return Kind.STORE;
    }
  }
}
