package org.pcohandshake.testkit;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.aws.Provisioner;
import org.pcohandshake.testkit.lambda.HttpApiEventJson;
import org.pcohandshake.testkit.lambda.LocalFunction;
import org.pcohandshake.testkit.sam.SamFunction;
import org.pcohandshake.testkit.sam.SamTemplate;

/**
 * The Docker-free {@code sam local invoke}: provisions the template in the emulator, constructs one
 * function's handler with its environment, invokes it with an API Gateway v2 event read from a JSON
 * file, and prints the response as JSON on stdout (progress on stderr).
 *
 * <pre>
 * LocalInvoke &lt;FunctionLogicalId&gt; &lt;event.json&gt; [--base-url URL] [--template PATH]
 *             [--parameter Name=Value]... [--secret LogicalId=Value]...
 * </pre>
 *
 * <p>Exit status: 0 when the handler returned a response (whatever its statusCode), 1 when
 * something failed (the handler threw, provisioning failed...), 2 for a usage error.
 */
public final class LocalInvoke {

  /** The base URL execute-api URLs in the environment map to unless --base-url says otherwise. */
  public static final String DEFAULT_BASE_URL = "http://127.0.0.1:3000";

  static final String USAGE =
      "Usage: LocalInvoke <FunctionLogicalId> <event.json> [--base-url URL] [--template PATH]"
          + " [--parameter Name=Value]... [--secret LogicalId=Value]...\n"
          + "  Invokes one function of template.yaml locally with an API Gateway HTTP API (payload"
          + " 2.0) event,\n"
          + "  against the emulator in AWS_ENDPOINT_URL, else a moto_server it starts, else LocalStack"
          + " in Docker\n"
          + "  (PCO_EMULATOR=endpoint|moto|localstack forces one), and prints the response.";

  private LocalInvoke() {}

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    int status;
    Optional<Arguments> parsed = parse(args, System.err);
    if (parsed.isEmpty()) {
      status = 2;
    } else {
      status = runWithOwnEmulator(parsed.get());
    }
    System.exit(status);
  }

  private static int runWithOwnEmulator(Arguments arguments) {
    Emulator emulator;
    try {
      arguments.template().function(arguments.functionId());
      System.err.println(
          "[local-invoke] choosing the AWS emulator: AWS_ENDPOINT_URL, else moto, else LocalStack"
              + " in Docker (-Dpco.emulator or PCO_EMULATOR forces one)");
      emulator = Emulator.start();
      System.err.println("[local-invoke] " + Emulator.ANNOUNCEMENT_PREFIX + emulator.description());
    } catch (RuntimeException e) {
      System.err.println("[local-invoke] failed: " + e.getMessage());
      return 1;
    }
    try (emulator) {
      return invoke(arguments, emulator, System.out, System.err);
    }
  }

  /**
   * Runs the command against an emulator that the caller owns (it is not closed).
   *
   * @return the exit status
   */
  static int run(String[] args, Emulator emulator, PrintStream out, PrintStream err) {
    Optional<Arguments> parsed = parse(args, err);
    return parsed.isEmpty() ? 2 : invoke(parsed.get(), emulator, out, err);
  }

  private static int invoke(
      Arguments arguments, Emulator emulator, PrintStream out, PrintStream err) {
    try {
      SamTemplate template = arguments.template();
      SamFunction function = template.function(arguments.functionId());
      String eventText = readEvent(arguments.event());
      err.println("[local-invoke] AWS endpoint " + emulator.endpointUrl());
      ProvisionedStack stack = new Provisioner(template, emulator).provision(arguments.secrets());
      err.println(
          "[local-invoke] provisioned stack "
              + stack.stackName()
              + ": "
              + String.join(", ", stack.physicalIds().keySet()));
      Map<String, String> environment =
          stack.environmentFor(function.logicalId(), arguments.baseUrl(), arguments.parameters());
      LocalFunction local = new LocalFunction(template, function.logicalId(), () -> environment);
      err.println(
          "[local-invoke] invoking "
              + function.logicalId()
              + " ("
              + function.handler()
              + ") with "
              + arguments.event());
      if (isCommand(eventText)) {
        // an invoke-style function's command ({"operation": ...}): its answer as Lambda gives it
        byte[] answer;
        try {
          answer =
              local.invokePayload(
                  eventText.getBytes(java.nio.charset.StandardCharsets.UTF_8), local.newContext());
        } catch (Exception e) {
          err.println("[local-invoke] " + function.logicalId() + " threw:");
          e.printStackTrace(err);
          return 1;
        }
        out.println(new String(answer, java.nio.charset.StandardCharsets.UTF_8));
        out.flush();
        return 0;
      }
      APIGatewayV2HTTPEvent event = HttpApiEventJson.parseEvent(eventText);
      APIGatewayV2HTTPResponse response;
      try {
        response = local.invoke(event, local.newContext());
      } catch (Exception e) {
        err.println("[local-invoke] " + function.logicalId() + " threw:");
        e.printStackTrace(err);
        return 1;
      }
      out.println(HttpApiEventJson.responseToJson(response));
      out.flush();
      err.println("[local-invoke] statusCode " + response.getStatusCode());
      return 0;
    } catch (RuntimeException e) {
      err.println("[local-invoke] failed: " + e.getMessage());
      return 1;
    }
  }

  /** A command of the invoke-style functions (an {@code operation} member), not an HTTP event. */
  static boolean isCommand(String text) {
    try {
      return com.google.gson.JsonParser.parseString(text).getAsJsonObject().has("operation");
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String readEvent(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the event file "
              + path.toAbsolutePath()
              + " ("
              + e
              + "); pass a JSON file such as the output of"
              + " `sam local generate-event apigateway http-api-proxy`",
          e);
    }
  }

  /** The parsed command line. */
  record Arguments(
      String functionId,
      Path event,
      String baseUrl,
      Optional<Path> templatePath,
      Map<String, String> parameters,
      Map<String, String> secrets) {

    SamTemplate template() {
      return templatePath.map(SamTemplate::load).orElseGet(SamTemplate::fromProjectRoot);
    }
  }

  /** The arguments, or empty (after printing why and the usage) when they are wrong. */
  static Optional<Arguments> parse(String[] args, PrintStream err) {
    List<String> positional = new ArrayList<>();
    String baseUrl = DEFAULT_BASE_URL;
    Optional<Path> template = Optional.empty();
    Map<String, String> parameters = new LinkedHashMap<>();
    Map<String, String> secrets = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h") || arg.equals("--help")) {
        err.println(USAGE);
        return Optional.empty();
      }
      if (!arg.startsWith("--")) {
        positional.add(arg);
        continue;
      }
      if (i + 1 >= args.length) {
        return usage(err, arg + " needs a value");
      }
      String value = args[++i];
      switch (arg) {
        case "--base-url" -> baseUrl = value;
        case "--template" -> template = Optional.of(Path.of(value));
        case "--parameter", "--secret" -> {
          int equals = value.indexOf('=');
          if (equals <= 0) {
            return usage(err, arg + " takes Name=Value, not '" + value + "'");
          }
          (arg.equals("--parameter") ? parameters : secrets)
              .put(value.substring(0, equals), value.substring(equals + 1));
        }
        default -> {
          return usage(err, "unknown option " + arg);
        }
      }
    }
    if (positional.size() != 2) {
      return usage(err, "expected a function logical id and an event file");
    }
    return Optional.of(
        new Arguments(
            positional.get(0),
            Path.of(positional.get(1)),
            baseUrl,
            template,
            Map.copyOf(parameters),
            Map.copyOf(secrets)));
  }

  private static Optional<Arguments> usage(PrintStream err, String problem) {
    err.println("LocalInvoke: " + problem + ".");
    err.println(USAGE);
    return Optional.empty();
  }
}
