package org.pcohandshake.local;

import java.io.PrintStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code make run} prints once everything answers: {@code READY <base-url>}, what to open,
 * what the add-on's config.yaml needs, and where the invoke-style functions answer. A secret the
 * local stack generated is printed (it exists only in the emulator, and the person needs it); a
 * secret the person supplied is only named, so their own secret never lands in a terminal's
 * scrollback, a screen share or a pasted log.
 *
 * @param baseUrl the local API's base URL (the ISSUER)
 * @param startUrl the simulator's start page; empty with an external Planning Center
 * @param pcoBaseUrl the external Planning Center, when {@code startUrl} is empty
 * @param integratorClientId config.yaml's {@code identifier}
 * @param integratorClientSecret config.yaml's {@code secret}: the generated one, or empty when the
 *     person supplied it in {@code INTEGRATOR_CLIENT_SECRET}
 * @param devLoginUrl the development login app; empty with the person's own login app
 * @param loginUrl the person's own login app, when {@code devLoginUrl} is empty
 * @param hasExampleApi whether template.yaml declares {@code GET /api/me}
 * @param settings the function settings taken from the environment (names only)
 * @param undeclaredSettings settings given that no function's template environment declares
 * @param lambdaEndpoint where the Lambda Invoke API answers (the local API's own origin)
 * @param invokeFunctions the functions no route reaches, which that API serves (logical ids)
 */
record ReadyBanner(
    String baseUrl,
    Optional<String> startUrl,
    String pcoBaseUrl,
    String integratorClientId,
    Optional<String> integratorClientSecret,
    Optional<String> devLoginUrl,
    String loginUrl,
    boolean hasExampleApi,
    List<String> settings,
    List<String> undeclaredSettings,
    String lambdaEndpoint,
    List<String> invokeFunctions) {

  /** The admin function: the banner's example command is one of its listings. */
  static final String ADMIN_FUNCTION = "GrantAdminFunction";

  ReadyBanner {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(startUrl, "startUrl");
    Objects.requireNonNull(integratorClientSecret, "integratorClientSecret");
    Objects.requireNonNull(devLoginUrl, "devLoginUrl");
    settings = List.copyOf(settings);
    undeclaredSettings = List.copyOf(undeclaredSettings);
    Objects.requireNonNull(lambdaEndpoint, "lambdaEndpoint");
    invokeFunctions = List.copyOf(invokeFunctions);
  }

  void print(PrintStream out, String elapsed) {
    out.println("READY " + baseUrl);
    if (startUrl.isPresent()) {
      out.println(
          "  Open in a browser:        "
              + startUrl.get()
              + "  (the simulated Planning Center; click \"Authorize add-on\")");
    } else {
      out.println(
          "  Authorize the add-on in the Planning Center at "
              + pcoBaseUrl
              + " (with the client secret you gave in "
              + DevStackOptions.PCO_CLIENT_SECRET
              + "), whose config.yaml integrator_oauth has:");
    }
    out.println("  Integrator client id:     " + integratorClientId);
    out.println(
        "  Integrator client secret: "
            + integratorClientSecret.orElse(
                "the secret you gave in " + DevStackOptions.INTEGRATOR_CLIENT_SECRET));
    out.println(
        "  (config.yaml integrator_oauth identifier and secret: what PCO sends to "
            + baseUrl
            + "/oauth/token)");
    out.println(
        "  authorize_url "
            + baseUrl
            + "/oauth/authorize, token_url "
            + baseUrl
            + "/oauth/token, redirect_url "
            + baseUrl
            + "/oauth/pco/complete");
    if (devLoginUrl.isPresent()) {
      out.println(
          "  Login: the development login app at "
              + devLoginUrl.get()
              + " signs in whatever user id you type.");
    } else {
      out.println(
          "  Login: your login app at "
              + loginUrl
              + ", signing login_token with the key you gave in "
              + DevStackOptions.LOGIN_BRIDGE_KEY);
    }
    if (!invokeFunctions.isEmpty()) {
      out.println(
          "  Lambda Invoke API at "
              + lambdaEndpoint
              + " (the same port) for the invoke-style functions: "
              + String.join(", ", invokeFunctions)
              + ", e.g.");
      String example =
          invokeFunctions.contains(ADMIN_FUNCTION) ? ADMIN_FUNCTION : invokeFunctions.get(0);
      out.println(
          "    aws lambda invoke --endpoint-url "
              + lambdaEndpoint
              + " --function-name "
              + example
              + " --cli-binary-format raw-in-base64-out --payload '"
              + (example.equals(ADMIN_FUNCTION)
                  ? "{\"operation\":\"list_grants\",\"user_id\":\"dev-user-1\"}"
                  : "{\"operation\":\"...\"}")
              + "' answer.json");
    }
    if (!settings.isEmpty()) {
      out.println("  Function settings from the environment: " + String.join(", ", settings));
    }
    if (!undeclaredSettings.isEmpty()) {
      out.println(
          "  Not applied (no function's environment in template.yaml has them): "
              + String.join(", ", undeclaredSettings));
    }
    if (!hasExampleApi) {
      out.println(
          "  (template.yaml has no "
              + DevStack.EXAMPLE_API_METHOD
              + " "
              + DevStack.EXAMPLE_API_PATH
              + " yet: the flow ends when PCO holds the integrator token.)");
    }
    out.println("Started in " + elapsed + ". Press Ctrl-C to stop.");
    out.flush();
  }
}
