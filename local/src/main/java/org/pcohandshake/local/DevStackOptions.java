package org.pcohandshake.local;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.pco.PcoSimulator;

/**
 * How {@link DevStack} runs, read from environment variables (each documented in
 * docs/local-stack.md). Empty optionals mean "use the built-in default".
 *
 * @param port the local API's port ({@code PORT}, default 3000; 0 picks free ports for everything);
 *     the PCO simulator listens on port + 1 and the login app on port + 2
 * @param pcoBaseUrl an external Planning Center ({@code PCO_BASE_URL}); empty starts the simulator
 * @param pcoOAuthApplicationId {@code PCO_OAUTH_APPLICATION_ID}, the integer id of the OAuth
 *     application at PCO; empty keeps the template's default
 * @param pcoClientId {@code PCO_CLIENT_ID}; empty means a fixed development id
 * @param pcoClientSecret {@code PCO_CLIENT_SECRET}; empty means a generated one
 * @param loginUrl an external login app ({@code LOGIN_URL}); empty starts the development one
 * @param loginBridgeKey {@code LOGIN_BRIDGE_KEY}, the HS256 key of the external login app
 * @param loginIssuer {@code LOGIN_ISSUER}, the {@code iss} of the external login app's tokens;
 *     empty means the origin of {@code LOGIN_URL}
 * @param integratorClientId {@code INTEGRATOR_CLIENT_ID}; empty keeps the template's default
 * @param integratorClientSecret {@code INTEGRATOR_CLIENT_SECRET}; empty means a generated one
 * @param emulator an emulator the caller owns (tests); empty means {@link Emulator#start()}, which
 *     honours {@code AWS_ENDPOINT_URL}
 * @param simulatorSettings a last change to the simulator's settings (tests: auto-approve, person)
 * @param functionSettings function variables given in the environment ({@code SCOPES}, {@code
 *     REFRESH_GRACE_SECONDS}, ...): see {@link FunctionSettings}; never the local stack's own
 * @param oidcSignInForm in the oidc login mode, whether the embedded OpenID Provider asks for a
 *     user name on a sign-in page (a person, {@code make run}, the browser test) or signs in
 *     whoever a test enqueued, without a page (free ports, unless a test asks for the page)
 */
public record DevStackOptions(
    int port,
    Optional<String> pcoBaseUrl,
    Optional<String> pcoOAuthApplicationId,
    Optional<String> pcoClientId,
    Optional<String> pcoClientSecret,
    Optional<String> loginUrl,
    Optional<String> loginBridgeKey,
    Optional<String> loginIssuer,
    Optional<String> integratorClientId,
    Optional<String> integratorClientSecret,
    Optional<Emulator> emulator,
    UnaryOperator<PcoSimulator.Settings> simulatorSettings,
    Map<String, String> functionSettings,
    boolean oidcSignInForm) {

  public static final String PORT = "PORT";
  public static final String PCO_BASE_URL = "PCO_BASE_URL";
  public static final String PCO_OAUTH_APPLICATION_ID = "PCO_OAUTH_APPLICATION_ID";
  public static final String PCO_CLIENT_ID = "PCO_CLIENT_ID";
  public static final String PCO_CLIENT_SECRET = "PCO_CLIENT_SECRET";
  public static final String LOGIN_URL = "LOGIN_URL";
  public static final String LOGIN_BRIDGE_KEY = "LOGIN_BRIDGE_KEY";
  public static final String LOGIN_ISSUER = "LOGIN_ISSUER";
  public static final String INTEGRATOR_CLIENT_ID = "INTEGRATOR_CLIENT_ID";
  public static final String INTEGRATOR_CLIENT_SECRET = "INTEGRATOR_CLIENT_SECRET";

  /** The API's port when {@code PORT} is not set. */
  public static final int DEFAULT_PORT = 3000;

  /** The PCO client id of the simulated OAuth application when {@code PCO_CLIENT_ID} is unset. */
  public static final String DEV_PCO_CLIENT_ID = "local-pco-client";

  /** HS256 needs a key of at least 256 bits. */
  static final int MIN_LOGIN_KEY_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  public DevStackOptions {
    if (port < 0 || port > 65533) {
      throw new IllegalArgumentException("port must be between 0 and 65533");
    }
    Objects.requireNonNull(pcoBaseUrl, "pcoBaseUrl");
    Objects.requireNonNull(pcoOAuthApplicationId, "pcoOAuthApplicationId");
    Objects.requireNonNull(pcoClientId, "pcoClientId");
    Objects.requireNonNull(pcoClientSecret, "pcoClientSecret");
    Objects.requireNonNull(loginUrl, "loginUrl");
    Objects.requireNonNull(loginBridgeKey, "loginBridgeKey");
    Objects.requireNonNull(loginIssuer, "loginIssuer");
    Objects.requireNonNull(integratorClientId, "integratorClientId");
    Objects.requireNonNull(integratorClientSecret, "integratorClientSecret");
    Objects.requireNonNull(emulator, "emulator");
    Objects.requireNonNull(simulatorSettings, "simulatorSettings");
    functionSettings = Map.copyOf(functionSettings);
  }

  /** Everything built in, on free ports: what tests start from. */
  public static DevStackOptions onFreePorts() {
    return new DevStackOptions(
        0,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        UnaryOperator.identity(),
        Map.of(),
        false);
  }

  /**
   * Reads the options from environment variables.
   *
   * @throws StartupException naming every variable that is malformed or missing its companion
   */
  public static DevStackOptions fromEnvironment(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    int port = DEFAULT_PORT;
    Optional<String> portValue = value(env, PORT);
    if (portValue.isPresent()) {
      try {
        port = Integer.parseInt(portValue.get());
        if (port < 0 || port > 65533) {
          problems.add(PORT + " must be a port number between 1 and 65533 (or 0 for free ports)");
          port = DEFAULT_PORT;
        }
      } catch (NumberFormatException e) {
        problems.add(PORT + " must be a port number, not '" + portValue.get() + "'");
      }
    }
    Optional<String> pcoBaseUrl = value(env, PCO_BASE_URL).map(DevStackOptions::stripSlash);
    pcoBaseUrl.ifPresent(url -> requireHttpUrl(PCO_BASE_URL, url, problems));
    Optional<String> applicationId = value(env, PCO_OAUTH_APPLICATION_ID);
    applicationId
        .filter(id -> !id.matches("[0-9]{1,18}"))
        .ifPresent(
            id ->
                problems.add(
                    PCO_OAUTH_APPLICATION_ID
                        + " must be the integer id of the OAuth application at Planning Center"));
    Optional<String> pcoClientId = value(env, PCO_CLIENT_ID);
    Optional<String> pcoClientSecret = value(env, PCO_CLIENT_SECRET);
    if (pcoBaseUrl.isPresent()) {
      List<String> missing = new ArrayList<>();
      if (applicationId.isEmpty()) {
        missing.add(PCO_OAUTH_APPLICATION_ID);
      }
      if (pcoClientId.isEmpty()) {
        missing.add(PCO_CLIENT_ID);
      }
      if (pcoClientSecret.isEmpty()) {
        missing.add(PCO_CLIENT_SECRET);
      }
      if (!missing.isEmpty()) {
        problems.add(
            PCO_BASE_URL
                + " is set (an external Planning Center), so set "
                + String.join(", ", missing)
                + " too: your OAuth application there");
      }
    }
    Optional<String> loginUrl = value(env, LOGIN_URL);
    Optional<String> loginKey = value(env, LOGIN_BRIDGE_KEY);
    Optional<String> loginIssuer = value(env, LOGIN_ISSUER);
    if (loginUrl.isPresent()) {
      requireHttpUrl(LOGIN_URL, loginUrl.get(), problems);
      if (loginKey.isEmpty()) {
        problems.add(
            LOGIN_URL
                + " is set (an external login app), so set "
                + LOGIN_BRIDGE_KEY
                + " too: the HS256 key it signs login_token with");
      }
    } else {
      if (loginKey.isPresent()) {
        problems.add(
            LOGIN_BRIDGE_KEY
                + " is only used with "
                + LOGIN_URL
                + " (the built-in login app generates its own key): set both or neither");
      }
      if (loginIssuer.isPresent()) {
        problems.add(LOGIN_ISSUER + " is only used with " + LOGIN_URL + ": set both or neither");
      }
    }
    loginKey
        .filter(key -> key.getBytes(StandardCharsets.UTF_8).length < MIN_LOGIN_KEY_BYTES)
        .ifPresent(
            key ->
                problems.add(
                    LOGIN_BRIDGE_KEY
                        + " must be at least "
                        + MIN_LOGIN_KEY_BYTES
                        + " bytes (HS256 needs a 256-bit key)"));
    if (!problems.isEmpty()) {
      throw new StartupException(
          "Cannot start the local stack: " + String.join("; ", problems) + ".");
    }
    return new DevStackOptions(
        port,
        pcoBaseUrl,
        applicationId,
        pcoClientId,
        pcoClientSecret,
        loginUrl,
        loginKey,
        loginIssuer.or(() -> loginUrl.map(DevStackOptions::origin)),
        value(env, INTEGRATOR_CLIENT_ID),
        value(env, INTEGRATOR_CLIENT_SECRET),
        Optional.empty(),
        UnaryOperator.identity(),
        FunctionSettings.fromEnvironment(env),
        port != 0);
  }

  /** These options with an emulator the caller owns and keeps running. */
  public DevStackOptions withEmulator(Emulator value) {
    return with(Optional.of(value), simulatorSettings, functionSettings);
  }

  /** These options with one more change to the simulator's settings. */
  public DevStackOptions withSimulatorSettings(UnaryOperator<PcoSimulator.Settings> change) {
    UnaryOperator<PcoSimulator.Settings> before = simulatorSettings;
    return with(emulator, s -> change.apply(before.apply(s)), functionSettings);
  }

  /**
   * These options with function settings as if given in the environment (tests): filtered like the
   * environment.
   */
  public DevStackOptions withFunctionSettings(Map<String, String> settings) {
    return with(emulator, simulatorSettings, FunctionSettings.fromEnvironment(settings));
  }

  /** These options with the embedded OpenID Provider's sign-in page (the oidc browser test). */
  public DevStackOptions withOidcSignInForm() {
    return with(emulator, simulatorSettings, functionSettings, true);
  }

  /** These options with what tests change: the emulator, the simulator, function settings. */
  private DevStackOptions with(
      Optional<Emulator> emulatorValue,
      UnaryOperator<PcoSimulator.Settings> simulatorValue,
      Map<String, String> settingsValue) {
    return with(emulatorValue, simulatorValue, settingsValue, oidcSignInForm);
  }

  private DevStackOptions with(
      Optional<Emulator> emulatorValue,
      UnaryOperator<PcoSimulator.Settings> simulatorValue,
      Map<String, String> settingsValue,
      boolean signInFormValue) {
    return new DevStackOptions(
        port,
        pcoBaseUrl,
        pcoOAuthApplicationId,
        pcoClientId,
        pcoClientSecret,
        loginUrl,
        loginBridgeKey,
        loginIssuer,
        integratorClientId,
        integratorClientSecret,
        emulatorValue,
        simulatorValue,
        settingsValue,
        signInFormValue);
  }

  /** The simulator's port: {@code port + 1}, or a free one when {@code port} is 0. */
  public int simulatorPort() {
    return port == 0 ? 0 : port + 1;
  }

  /** The development login app's port: {@code port + 2}, or a free one when {@code port} is 0. */
  public int loginPort() {
    return port == 0 ? 0 : port + 2;
  }

  /** Whether the built-in PCO simulator runs (no {@code PCO_BASE_URL}). */
  public boolean startsSimulator() {
    return pcoBaseUrl.isEmpty();
  }

  /** Whether the built-in login app runs (no {@code LOGIN_URL}). */
  public boolean startsLoginApp() {
    return loginUrl.isEmpty();
  }

  /** A random alphanumeric string, for development secrets. */
  static String randomSecret(int length) {
    StringBuilder secret = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      secret.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
    }
    return secret.toString();
  }

  /** Never shows the secrets. */
  @Override
  public String toString() {
    return "DevStackOptions[port="
        + port
        + ", pcoBaseUrl="
        + pcoBaseUrl
        + ", pcoOAuthApplicationId="
        + pcoOAuthApplicationId
        + ", pcoClientId="
        + pcoClientId
        + ", pcoClientSecret="
        + pcoClientSecret.map(s -> "<set>")
        + ", loginUrl="
        + loginUrl
        + ", loginBridgeKey="
        + loginBridgeKey.map(s -> "<set>")
        + ", loginIssuer="
        + loginIssuer
        + ", integratorClientId="
        + integratorClientId
        + ", integratorClientSecret="
        + integratorClientSecret.map(s -> "<set>")
        + ", functionSettings="
        + functionSettings.keySet()
        + "]";
  }

  private static Optional<String> value(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static void requireHttpUrl(String name, String value, List<String> problems) {
    try {
      URI uri = new URI(value);
      if (uri.getHost() != null
          && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        return;
      }
    } catch (Exception e) {
      // reported below
    }
    problems.add(name + " must be an absolute http(s) URL, not '" + value + "'");
  }

  /** scheme://host[:port] of an absolute URL. */
  static String origin(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }
}
