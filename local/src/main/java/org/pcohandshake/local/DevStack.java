package org.pcohandshake.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.ConfigException;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.aws.Provisioner;
import org.pcohandshake.testkit.http.LocalApi;
import org.pcohandshake.testkit.oidc.TestProvider;
import org.pcohandshake.testkit.pco.PcoSimulator;
import org.pcohandshake.testkit.sam.SamFunction;
import org.pcohandshake.testkit.sam.SamRoute;
import org.pcohandshake.testkit.sam.SamTemplate;

/**
 * The whole two-way handshake on one machine, Docker-free: the AWS emulator (moto_server), the
 * template's table, keys and secrets, a local HTTP API serving exactly the routes of {@code
 * template.yaml} (by invoking the same handler classes with API Gateway v2 events), the Planning
 * Center simulator and a development login app. {@code make run} runs {@link #main}; tests call
 * {@link #start(DevStackOptions, Progress)}.
 *
 * <p>The API's ISSUER is {@code http://localhost:PORT}, so {@code return_to}, the redirects and the
 * consent form's POST stay on one origin, and browsers treat it as a secure context (the {@code
 * __Host-} cookies are Secure).
 */
public final class DevStack implements AutoCloseable {

  /** Logical ids in template.yaml that the local stack fills in. */
  static final String INTEGRATOR_CLIENT_SECRET = "IntegratorClientSecret";

  static final String PCO_CLIENT_SECRET = "PcoClientSecret";
  static final String LOGIN_BRIDGE_KEY = "LoginBridgeKey";
  static final String PARAM_PCO_BASE_URL = "PcoBaseUrl";
  static final String PARAM_PCO_CLIENT_ID = "PcoClientId";
  static final String PARAM_PCO_APPLICATION_ID = "PcoOAuthApplicationId";
  static final String PARAM_INTEGRATOR_CLIENT_ID = "IntegratorClientId";
  static final String PARAM_LOGIN_URL = "LoginUrl";
  static final String PARAM_LOGIN_ISSUER = "LoginIssuer";
  static final String PARAM_LOGIN_MODE = "LoginMode";
  static final String PARAM_OIDC_ISSUER = "OidcIssuer";
  static final String PARAM_OIDC_CLIENT_ID = "OidcClientId";

  /** The client id of the local stack at the embedded OpenID Provider. */
  static final String DEV_OIDC_CLIENT_ID = "pco-handshake-local";

  /** The example API's CORS origins, when the template has that parameter. */
  static final String PARAM_ALLOWED_ORIGINS = "AllowedOrigins";

  /** The example API route; the simulator's add-on calls it after the handshake when it exists. */
  static final String EXAMPLE_API_METHOD = "GET";

  static final String EXAMPLE_API_PATH = "/api/me";

  /** The number of start-up steps {@link #start} reports. */
  static final int STEPS = 6;

  /** Set to {@code true} by {@code make run}: stop when the process that started us is gone. */
  static final String EXIT_WITH_PARENT = "local.exitWithParent";

  private final Resources resources;
  private final SamTemplate template;
  private final Emulator emulator;
  private final ProvisionedStack stack;
  private final LocalApi api;
  private final String baseUrl;
  private final PcoSimulator simulator;
  private final DevLoginApp loginApp;
  private final TestProvider oidcProvider;
  private final Map<String, String> parameters;
  private final String integratorClientId;
  private final String integratorClientSecret;
  private final boolean integratorClientSecretSupplied;
  private final FunctionSettings settings;

  private DevStack(
      Resources resources,
      SamTemplate template,
      Emulator emulator,
      ProvisionedStack stack,
      LocalApi api,
      String baseUrl,
      PcoSimulator simulator,
      DevLoginApp loginApp,
      TestProvider oidcProvider,
      Map<String, String> parameters,
      String integratorClientId,
      String integratorClientSecret,
      boolean integratorClientSecretSupplied,
      FunctionSettings settings) {
    this.resources = resources;
    this.template = template;
    this.emulator = emulator;
    this.stack = stack;
    this.api = api;
    this.baseUrl = baseUrl;
    this.simulator = simulator;
    this.loginApp = loginApp;
    this.oidcProvider = oidcProvider;
    this.parameters = Map.copyOf(parameters);
    this.integratorClientId = integratorClientId;
    this.integratorClientSecret = integratorClientSecret;
    this.integratorClientSecretSupplied = integratorClientSecretSupplied;
    this.settings = settings;
  }

  // ---- command line ------------------------------------------------------------------------

  /**
   * {@code make run}: starts everything, prints {@code READY <base-url>} and what to open, and runs
   * until Ctrl-C (SIGINT) or SIGTERM, which stop every process it started. Exits with status 1 and
   * a one-paragraph reason when something cannot start.
   */
  public static void main(String[] args) {
    PrintStream out = System.out;
    Resources resources = new Resources();
    Thread hook =
        new Thread(
            () -> {
              if (resources.close()) {
                out.println("Stopped the local stack.");
                out.flush();
              }
            },
            "local-stack-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (Boolean.getBoolean(EXIT_WITH_PARENT)) {
      // `make run` is our parent: if it dies without passing the signal on, stop too
      ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> System.exit(143)));
    }
    DevStack running;
    try {
      DevStackOptions options = DevStackOptions.fromEnvironment(System.getenv());
      out.println("Starting the local stack (Ctrl-C stops it) ...");
      Progress progress = new Progress(out, STEPS);
      running = start(options, progress, resources);
      out.println();
      running.printReady(out, progress.elapsed());
    } catch (StartupException e) {
      System.err.println();
      System.err.println("ERROR: " + e.getMessage());
      System.err.flush();
      System.exit(1);
      return;
    } catch (RuntimeException | Error e) {
      System.err.println();
      System.err.println("ERROR: the local stack failed to start, unexpectedly:");
      e.printStackTrace(System.err);
      System.exit(1);
      return;
    }
    try {
      Thread.currentThread().join(); // until a signal runs the shutdown hook
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void printReady(PrintStream out, String elapsed) {
    banner().print(out, elapsed);
    oidcProvider()
        .ifPresent(
            provider ->
                out.println(
                    "LOGIN_MODE=oidc: you sign in at the embedded OpenID Provider "
                        + provider.issuer()
                        + " (type any user name; it becomes the sub, the user is "
                        + provider.issuer()
                        + "#<name>)"));
  }

  /** The READY block: a supplied secret is named there, never printed. */
  ReadyBanner banner() {
    return new ReadyBanner(
        baseUrl,
        startUrl(),
        parameters.get(PARAM_PCO_BASE_URL),
        integratorClientId,
        integratorClientSecretSupplied ? Optional.empty() : Optional.of(integratorClientSecret),
        loginApp().map(DevLoginApp::loginUrl),
        parameters.get(PARAM_LOGIN_URL),
        hasExampleApi(template),
        settings.applied(),
        settings.undeclared(),
        api.lambdaEndpoint(),
        List.copyOf(api.invokableIds()));
  }

  // ---- start -------------------------------------------------------------------------------

  /**
   * Starts everything; {@link #close()} stops it.
   *
   * @throws StartupException when something cannot start; what had started is stopped again
   */
  public static DevStack start(DevStackOptions options, Progress progress) {
    return start(options, progress, new Resources());
  }

  static DevStack start(DevStackOptions options, Progress progress, Resources resources) {
    Objects.requireNonNull(options, "options");
    try {
      return new Starter(options, progress, resources).start();
    } catch (RuntimeException | Error e) {
      resources.close();
      throw e;
    }
  }

  /** The local API's base URL and ISSUER, e.g. {@code http://localhost:3000}. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The page to open: the simulator's start page; empty with an external Planning Center. */
  public Optional<String> startUrl() {
    return Optional.ofNullable(simulator).map(s -> s.baseUrl() + "/");
  }

  /** The running PCO simulator; empty with an external Planning Center. */
  public Optional<PcoSimulator> simulator() {
    return Optional.ofNullable(simulator);
  }

  /** The embedded OpenID Provider of the oidc login mode; empty in bridge mode. */
  public Optional<TestProvider> oidcProvider() {
    return Optional.ofNullable(oidcProvider);
  }

  /** The running development login app; empty with an external one. */
  public Optional<DevLoginApp> loginApp() {
    return Optional.ofNullable(loginApp);
  }

  /** The provisioned table, keys and secrets. */
  public ProvisionedStack stack() {
    return stack;
  }

  /** The emulator the stack uses. */
  public Emulator emulator() {
    return emulator;
  }

  /** The local API. */
  public LocalApi api() {
    return api;
  }

  /** The template's parameter values the functions run with. */
  public Map<String, String> parameters() {
    return parameters;
  }

  /** config.yaml's {@code identifier}: the client id PCO uses at the token endpoint. */
  public String integratorClientId() {
    return integratorClientId;
  }

  /** config.yaml's {@code secret}. */
  public String integratorClientSecret() {
    return integratorClientSecret;
  }

  /** The function settings taken from the environment, and where they went. */
  public FunctionSettings functionSettings() {
    return settings;
  }

  /** Whether template.yaml declares the example API ({@code GET /api/me}). */
  public boolean hasExampleApi() {
    return hasExampleApi(template);
  }

  /** Stops the login app, the simulator, the API and the emulator it started (in that order). */
  @Override
  public void close() {
    resources.close();
  }

  @Override
  public String toString() {
    return "DevStack[" + baseUrl + ", simulator=" + simulator + ", login=" + loginApp + "]";
  }

  static boolean hasExampleApi(SamTemplate template) {
    return template.routes().stream()
        .anyMatch(r -> r.method().equals(EXAMPLE_API_METHOD) && r.path().equals(EXAMPLE_API_PATH));
  }

  /**
   * The handler classes of the template's routed functions that cannot be loaded: the build is
   * missing, or a function module is not a dependency of this module.
   */
  static List<SamFunction> missingHandlers(SamTemplate template, ClassLoader loader) {
    List<SamFunction> missing = new ArrayList<>();
    template.routes().stream()
        .map(SamRoute::functionLogicalId)
        .distinct()
        .map(template::function)
        .forEach(
            function -> {
              try {
                Class.forName(function.handlerClass(), false, loader);
              } catch (ClassNotFoundException | LinkageError e) {
                missing.add(function);
              }
            });
    return missing;
  }

  /** Everything started so far, closed in reverse order, once. Thread-safe. */
  static final class Resources {
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private boolean closed;

    /**
     * Registers something to stop; stops it at once if {@link #close()} already ran (a signal
     * during start-up).
     */
    <T extends AutoCloseable> T add(T resource) {
      synchronized (this) {
        if (!closed) {
          started.push(resource);
          return resource;
        }
      }
      closeQuietly(resource);
      throw new StartupException("Stopped while starting.");
    }

    /**
     * Closes everything registered, newest first.
     *
     * @return whether anything was closed by this call
     */
    boolean close() {
      List<AutoCloseable> toClose;
      synchronized (this) {
        if (closed) {
          return false;
        }
        closed = true;
        toClose = new ArrayList<>(started);
        started.clear();
      }
      toClose.forEach(Resources::closeQuietly);
      return !toClose.isEmpty();
    }

    private static void closeQuietly(AutoCloseable resource) {
      try {
        resource.close();
      } catch (Exception e) {
        System.err.println("Could not stop " + resource + ": " + e);
      }
    }
  }

  /** One start: the steps in order, each registering what it starts. */
  private static final class Starter {
    private final DevStackOptions options;
    private final Progress progress;
    private final Resources resources;

    Starter(DevStackOptions options, Progress progress, Resources resources) {
      this.options = options;
      this.progress = progress;
      this.resources = resources;
    }

    DevStack start() {
      SamTemplate template = progress.step("template", this::loadTemplate);
      FunctionSettings settings = FunctionSettings.resolve(template, options.functionSettings());
      Emulator emulator = progress.step("AWS emulator", this::startEmulator);
      String pcoClientSecret =
          options
              .pcoClientSecret()
              .orElseGet(() -> DevStackOptions.randomSecret(40)); // the simulated app's
      ProvisionedStack stack =
          progress.step("provisioning", () -> provision(template, emulator, pcoClientSecret));

      Map<String, String> defaults = stack.parameterValues(Map.of());
      String integratorClientId =
          options.integratorClientId().orElse(defaults.get(PARAM_INTEGRATOR_CLIENT_ID));
      String integratorClientSecret = stack.secretValue(INTEGRATOR_CLIENT_SECRET);
      String applicationId =
          options.pcoOAuthApplicationId().orElse(defaults.get(PARAM_PCO_APPLICATION_ID));
      String pcoClientId = options.pcoClientId().orElse(DevStackOptions.DEV_PCO_CLIENT_ID);

      // The functions are built on their first request, once every parameter is known.
      AtomicReference<Map<String, String>> parameters = new AtomicReference<>();
      AtomicReference<String> issuer = new AtomicReference<>();
      LocalApi api =
          progress.step("local API", () -> startApi(template, stack, settings, parameters, issuer));
      String baseUrl = issuer.get();

      PcoSimulator simulator =
          progress.step(
              "PCO simulator",
              () ->
                  startSimulator(
                      template,
                      baseUrl,
                      applicationId,
                      pcoClientId,
                      pcoClientSecret,
                      integratorClientId,
                      integratorClientSecret));
      DevLoginApp loginApp = progress.step("login app", () -> startLoginApp(baseUrl, stack));
      TestProvider oidcProvider =
          "oidc".equals(settings.parameters().get(PARAM_LOGIN_MODE)) ? startOidcProvider() : null;

      Map<String, String> values = new LinkedHashMap<>(settings.parameters());
      values.put(
          PARAM_PCO_BASE_URL,
          simulator != null ? simulator.baseUrl() : options.pcoBaseUrl().orElseThrow());
      values.put(PARAM_PCO_APPLICATION_ID, applicationId);
      values.put(PARAM_PCO_CLIENT_ID, pcoClientId);
      values.put(PARAM_INTEGRATOR_CLIENT_ID, integratorClientId);
      values.put(
          PARAM_LOGIN_URL,
          loginApp != null ? loginApp.loginUrl() : options.loginUrl().orElseThrow());
      values.put(
          PARAM_LOGIN_ISSUER,
          loginApp != null ? loginApp.issuer() : options.loginIssuer().orElseThrow());
      if (oidcProvider != null) {
        values.put(PARAM_OIDC_ISSUER, oidcProvider.issuer());
        values.put(PARAM_OIDC_CLIENT_ID, DEV_OIDC_CLIENT_ID);
      }
      if (simulator != null && template.parameters().containsKey(PARAM_ALLOWED_ORIGINS)) {
        // the simulated add-on calls the example API from the simulator's origin
        values.put(
            PARAM_ALLOWED_ORIGINS,
            (Objects.requireNonNullElse(
                        values.getOrDefault(
                            PARAM_ALLOWED_ORIGINS, defaults.get(PARAM_ALLOWED_ORIGINS)),
                        "")
                    + " "
                    + simulator.baseUrl())
                .strip());
      }
      Map<String, Map<String, String>> environments = new LinkedHashMap<>();
      try {
        stack.parameterValues(values);
        template
            .functions()
            .keySet()
            .forEach(
                id ->
                    environments.put(
                        id, settings.apply(id, stack.environmentFor(id, baseUrl, values))));
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new StartupException(
            "template.yaml cannot be configured for the local stack: "
                + e.getMessage()
                + givenSettings(settings),
            e);
      }
      // what each function would refuse at its init, said now rather than on the first request
      environments.forEach(
          (id, environment) -> {
            try {
              Config.fromEnvironment(environment);
            } catch (ConfigException e) {
              throw new StartupException(
                  id
                      + " would refuse its configuration: "
                      + e.getMessage()
                      + givenSettings(settings),
                  e);
            }
          });
      parameters.set(Map.copyOf(values));
      return new DevStack(
          resources,
          template,
          emulator,
          stack,
          api,
          baseUrl,
          simulator,
          loginApp,
          oidcProvider,
          values,
          integratorClientId,
          integratorClientSecret,
          options.integratorClientSecret().isPresent(),
          settings);
    }

    private static String givenSettings(FunctionSettings settings) {
      return settings.given().isEmpty()
          ? ""
          : " (function settings from the environment: "
              + String.join(", ", settings.given().keySet())
              + ")";
    }

    private Progress.Result<SamTemplate> loadTemplate() {
      SamTemplate template;
      try {
        template = SamTemplate.fromProjectRoot();
      } catch (IllegalStateException | UncheckedIOException e) {
        throw new StartupException(e.getMessage(), e);
      }
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      List<SamFunction> missing =
          missingHandlers(template, loader != null ? loader : DevStack.class.getClassLoader());
      if (!missing.isEmpty()) {
        throw new StartupException(
            "The handler class of "
                + missing.stream()
                    .map(f -> f.logicalId() + " (" + f.handlerClass() + ")")
                    .collect(Collectors.joining(", "))
                + " is not built. Run the build (`make build`, or `make run` which builds first)"
                + " and fix what it reports; a function new in template.yaml also needs its"
                + " module as a dependency in local/pom.xml.");
      }
      String routes =
          template.routes().stream().map(SamRoute::routeKey).collect(Collectors.joining(", "));
      return new Progress.Result<>(
          template,
          template.source() + ": " + template.routes().size() + " routes (" + routes + ")");
    }

    private Progress.Result<Emulator> startEmulator() {
      if (options.emulator().isPresent()) {
        Emulator given = options.emulator().get();
        return new Progress.Result<>(given, "using " + given.description());
      }
      Emulator emulator;
      try {
        emulator = Emulator.start();
      } catch (IllegalStateException e) {
        throw new StartupException(
            "The AWS emulator cannot start. "
                + e.getMessage()
                + " (`make run` installs it into .venv when Python 3 with venv is there: install"
                + " it with e.g. `apt-get install python3 python3-venv`.)",
            e);
      }
      resources.add(emulator);
      return new Progress.Result<>(emulator, emulator.description());
    }

    private Progress.Result<ProvisionedStack> provision(
        SamTemplate template, Emulator emulator, String pcoClientSecret) {
      Map<String, String> secrets = new LinkedHashMap<>();
      options.integratorClientSecret().ifPresent(s -> secrets.put(INTEGRATOR_CLIENT_SECRET, s));
      secrets.put(PCO_CLIENT_SECRET, pcoClientSecret);
      options.loginBridgeKey().ifPresent(k -> secrets.put(LOGIN_BRIDGE_KEY, k));
      ProvisionedStack stack;
      try {
        stack = new Provisioner(template, emulator).provision(secrets);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new StartupException("Provisioning template.yaml failed: " + e.getMessage(), e);
      } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
        throw new StartupException(
            "The AWS emulator at "
                + emulator.endpointUrl()
                + " does not answer ("
                + e.getMessage()
                + "). Check AWS_ENDPOINT_URL, or unset it to let the local stack start its own.",
            e);
      }
      Map<String, Long> counts =
          template.resources().values().stream()
              .filter(
                  r ->
                      List.of(Provisioner.TABLE_TYPE, Provisioner.KEY_TYPE, Provisioner.SECRET_TYPE)
                          .contains(r.type()))
              .collect(
                  Collectors.groupingBy(r -> r.type(), LinkedHashMap::new, Collectors.counting()));
      String made =
          counts.entrySet().stream()
              .map(e -> e.getValue() + " " + shortType(e.getKey()))
              .collect(Collectors.joining(", "));
      return new Progress.Result<>(stack, "stack " + stack.stackName() + ": " + made);
    }

    private Progress.Result<LocalApi> startApi(
        SamTemplate template,
        ProvisionedStack stack,
        FunctionSettings settings,
        AtomicReference<Map<String, String>> parameters,
        AtomicReference<String> issuer) {
      int port = options.port();
      if (port != 0) {
        requireFreeOnIpv6Loopback(port, "the local API", "PORT");
      }
      LocalApi api;
      try {
        api =
            LocalApi.start(
                template,
                port,
                (functionId, ignoredLoopbackUrl) -> {
                  Map<String, String> values = parameters.get();
                  if (values == null) {
                    throw new IllegalStateException(
                        "the local stack is still starting; try again in a moment");
                  }
                  return settings.apply(
                      functionId, stack.environmentFor(functionId, issuer.get(), values));
                });
      } catch (UncheckedIOException e) {
        throw portTaken(port, "the local API", "PORT", e);
      }
      resources.add(api);
      issuer.set("http://localhost:" + api.port());
      return new Progress.Result<>(
          api, issuer.get() + " (ISSUER), handlers start on their first request");
    }

    private Progress.Result<PcoSimulator> startSimulator(
        SamTemplate template,
        String baseUrl,
        String applicationId,
        String pcoClientId,
        String pcoClientSecret,
        String integratorClientId,
        String integratorClientSecret) {
      if (!options.startsSimulator()) {
        return new Progress.Result<>(
            null, "not started: PCO_BASE_URL is " + options.pcoBaseUrl().orElseThrow());
      }
      PcoSimulator.Settings settings =
          PcoSimulator.Settings.defaults()
              .withPort(options.simulatorPort())
              .withIntegratorBaseUrl(baseUrl)
              .withApplicationName("pco-handshake (local)")
              .withOauthApplicationId(applicationId)
              .withPcoClient(pcoClientId, pcoClientSecret)
              .withIntegratorClient(integratorClientId, integratorClientSecret);
      if (!hasExampleApi(template)) {
        settings = settings.withApiUrl(null);
      }
      settings = options.simulatorSettings().apply(settings);
      PcoSimulator simulator;
      try {
        simulator = PcoSimulator.start(settings);
      } catch (IOException e) {
        throw portTaken(options.simulatorPort(), "the PCO simulator", "PORT+1", e);
      }
      resources.add(simulator);
      return new Progress.Result<>(
          simulator,
          simulator.baseUrl()
              + " (application "
              + applicationId
              + ", "
              + settings.person().name()
              + " of "
              + settings.organization().name()
              + ")");
    }

    private Progress.Result<DevLoginApp> startLoginApp(String baseUrl, ProvisionedStack stack) {
      if (!options.startsLoginApp()) {
        return new Progress.Result<>(
            null, "not started: LOGIN_URL is " + options.loginUrl().orElseThrow());
      }
      DevLoginApp app;
      try {
        app = DevLoginApp.start(options.loginPort(), baseUrl, stack.secretValue(LOGIN_BRIDGE_KEY));
      } catch (IOException e) {
        throw portTaken(options.loginPort(), "the development login app", "PORT+2", e);
      }
      resources.add(app);
      return new Progress.Result<>(app, app.loginUrl());
    }

    /**
     * The oidc login mode's identity provider: a real OpenID Provider on PORT+3 (a free port in
     * tests). For a person ({@code make run}, a fixed port) its sign-in page asks for a user name;
     * on free ports (tests) it signs in whoever the test enqueued, without a page, unless the test
     * asks for the page ({@link DevStackOptions#oidcSignInForm}).
     */
    private TestProvider startOidcProvider() {
      int port = options.port() == 0 ? 0 : options.port() + 3;
      TestProvider provider;
      try {
        provider = TestProvider.start(port, options.oidcSignInForm());
      } catch (java.io.UncheckedIOException e) {
        throw portTaken(port, "the OpenID Provider", "PORT+3", e);
      }
      return resources.add(provider);
    }

    private static String shortType(String type) {
      return switch (type) {
        case Provisioner.TABLE_TYPE -> "table(s)";
        case Provisioner.KEY_TYPE -> "KMS key(s)";
        case Provisioner.SECRET_TYPE -> "secret(s)";
        default -> type;
      };
    }

    /**
     * Browsers try {@code localhost} on ::1 first: a server there would get our traffic. Fails when
     * the port is taken on ::1; says nothing when the machine has no IPv6 loopback.
     */
    private static void requireFreeOnIpv6Loopback(int port, String what, String variable) {
      InetAddress ipv6Loopback;
      try {
        ipv6Loopback = InetAddress.getByName("::1");
      } catch (IOException e) {
        return;
      }
      try (ServerSocket probe = new ServerSocket()) {
        probe.bind(new InetSocketAddress(ipv6Loopback, port));
      } catch (BindException e) {
        if (String.valueOf(e.getMessage()).contains("in use")) {
          throw portTaken(port, what, variable, e);
        }
      } catch (SocketException e) {
        // no IPv6 on this machine: nothing can take the port there
      } catch (IOException e) {
        // likewise
      }
    }

    private static StartupException portTaken(int port, String what, String which, Exception e) {
      String variable = which.startsWith("PORT") ? "PORT" : which;
      return new StartupException(
          "Port "
              + port
              + " ("
              + what
              + ", "
              + which
              + ") is already in use ("
              + rootMessage(e)
              + "). Stop what listens there, or choose other ports: "
              + variable
              + "=3100 make run (the API uses PORT, the PCO simulator PORT+1, the login app"
              + " PORT+2).",
          e);
    }

    private static String rootMessage(Throwable e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      return String.valueOf(root.getMessage());
    }
  }
}
