package org.pcohandshake.testkit.sam;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed AWS SAM template: parameters, resources, functions (Globals merged) and the HttpApi
 * routes. Values that CloudFormation would resolve ({@code Ref}, {@code Fn::Sub}, ...) are kept in
 * their long JSON form; resolving them is the provisioner's job.
 *
 * <p>It reads what {@code template.yaml} uses, and refuses the rest when it loads, naming it and
 * where: the intrinsics in {@link #FUNCTIONS}, the resource types in {@link #TYPES}, parameters of
 * type String or Number. {@code Rules} are not evaluated: they check parameter combinations when
 * CloudFormation deploys, and the local stack takes its parameter values as given.
 */
public final class SamTemplate {

  /** The resource type of SAM functions. */
  public static final String FUNCTION_TYPE = "AWS::Serverless::Function";

  /** The resource type of SAM HTTP APIs. */
  public static final String HTTP_API_TYPE = "AWS::Serverless::HttpApi";

  /** An API declared without SAM; with {@code ProtocolType: HTTP} it is an HTTP API. */
  public static final String API_TYPE = "AWS::ApiGatewayV2::Api";

  /** The logical id SAM gives the HTTP API it creates when events name no ApiId. */
  public static final String IMPLICIT_HTTP_API = "ServerlessHttpApi";

  /** The intrinsic functions the testkit evaluates (long form). */
  public static final List<String> FUNCTIONS =
      List.of(
          "Ref",
          "Fn::Sub",
          "Fn::GetAtt",
          "Fn::If",
          "Fn::Equals",
          "Fn::Not",
          "Fn::And",
          "Fn::Or",
          "Fn::Join",
          "Fn::Select",
          "Fn::Split");

  /**
   * The resource types the testkit knows: it provisions tables, keys and secrets, runs functions
   * behind the HTTP API, and gives the others (roles, permissions, logs, alarms, topics) an id.
   */
  public static final List<String> TYPES =
      List.of(
          "AWS::DynamoDB::Table",
          "AWS::KMS::Key",
          "AWS::SecretsManager::Secret",
          FUNCTION_TYPE,
          HTTP_API_TYPE,
          API_TYPE,
          "AWS::ApiGatewayV2::Route",
          "AWS::ApiGatewayV2::Integration",
          "AWS::ApiGatewayV2::Stage",
          "AWS::ApiGatewayV2::Authorizer",
          "AWS::ApiGatewayV2::DomainName",
          "AWS::ApiGatewayV2::ApiMapping",
          "AWS::IAM::Role",
          "AWS::IAM::ManagedPolicy",
          "AWS::Lambda::Permission",
          "AWS::Logs::LogGroup",
          "AWS::CloudWatch::Alarm",
          "AWS::SNS::Topic",
          "AWS::SNS::Subscription",
          // the only resource of the signing-key rotation test's stand-in stack
          "AWS::CloudFormation::WaitConditionHandle");

  /** The sections whose intrinsics are checked; Rules, Metadata and Description are not read. */
  private static final List<String> EVALUATED =
      List.of("Parameters", "Conditions", "Globals", "Resources", "Outputs");

  private static final int DEFAULT_MEMORY_MB = 128;
  private static final int DEFAULT_TIMEOUT_SECONDS = 3;

  private final String source;
  private final Optional<Path> directory;
  private final Map<String, Object> root;
  private final Map<String, SamParameter> parameters;
  private final Map<String, SamResource> resources;
  private final Map<String, SamFunction> functions;
  private final List<SamRoute> routes;
  private final Map<String, String> localValues;

  private SamTemplate(String source, Optional<Path> directory, Map<String, Object> root) {
    this.source = source;
    this.directory = directory;
    this.root = root;
    EVALUATED.forEach(section -> checkIntrinsics(root.get(section), section));
    this.parameters = readParameters();
    this.resources = readResources();
    this.functions = readFunctions();
    this.routes = readRoutes();
    this.localValues = Map.of();
  }

  private SamTemplate(SamTemplate template, Map<String, String> localValues) {
    this.source = template.source;
    this.directory = template.directory;
    this.root = template.root;
    this.parameters = template.parameters;
    this.resources = template.resources;
    this.functions = template.functions;
    this.routes = template.routes;
    this.localValues = Collections.unmodifiableMap(new LinkedHashMap<>(localValues));
  }

  /**
   * Loads the template.yaml at the project root above the working directory, with the local
   * parameter values of {@link ProjectRoot#LOCAL_PARAMETERS_FILE} beside it (when there is one).
   */
  public static SamTemplate fromProjectRoot() {
    SamTemplate template = load(ProjectRoot.template());
    Path local = ProjectRoot.find().resolve(ProjectRoot.LOCAL_PARAMETERS_FILE);
    return Files.isRegularFile(local)
        ? template.withLocalValues(LocalParameterValues.read(local))
        : template;
  }

  /**
   * This template with values for local runs (the emulator, the tests) of parameters a deployment
   * must set: each replaces the parameter's default, if it has one, wherever the testkit resolves
   * parameters ({@link #localParameterValues()}).
   *
   * @throws IllegalArgumentException for a name that is not a parameter, or a value the parameter
   *     does not allow
   */
  public SamTemplate withLocalValues(Map<String, String> values) {
    values.forEach(
        (name, value) -> {
          SamParameter parameter = parameters.get(name);
          if (parameter == null) {
            throw new IllegalArgumentException(
                "Local parameter value '"
                    + name
                    + "' names no parameter of "
                    + source
                    + "; its parameters are "
                    + parameters.keySet());
          }
          parameter.validate(value);
        });
    return new SamTemplate(this, values);
  }

  /** The local values given with {@link #withLocalValues}, by name. */
  public Map<String, String> localValues() {
    return localValues;
  }

  /**
   * What a local run starts from: each parameter's default, replaced by its local value when it has
   * one. A parameter with neither is absent (a deployment must set it, and so must the caller).
   */
  public Map<String, String> localParameterValues() {
    Map<String, String> values = new LinkedHashMap<>(parameterDefaults());
    values.putAll(localValues);
    return Collections.unmodifiableMap(values);
  }

  /**
   * Loads a template file; relative CodeUris are resolved against its directory.
   *
   * @throws UncheckedIOException when the file cannot be read
   * @throws IllegalArgumentException when it is not a SAM template this class understands
   */
  public static SamTemplate load(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    String yaml;
    try {
      yaml = Files.readString(absolute);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the SAM template " + absolute, e);
    }
    return parse(yaml, absolute.toString(), Optional.ofNullable(absolute.getParent()));
  }

  /** Parses template text that has no file (CodeUris then have no base directory). */
  public static SamTemplate parse(String yaml) {
    return parse(yaml, "the template text", Optional.empty());
  }

  private static SamTemplate parse(String yaml, String source, Optional<Path> directory) {
    Object document = CloudFormationYaml.load(yaml, source);
    if (!(document instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          source + " is not a SAM template: its top level must be a mapping with Resources.");
    }
    return new SamTemplate(source, directory, cast(map));
  }

  /** Where the template came from (a path, or a description), for messages. */
  public String source() {
    return source;
  }

  /** The directory the template file is in; empty for templates parsed from text. */
  public Optional<Path> directory() {
    return directory;
  }

  /** The whole document, unresolved and unmodifiable. */
  public Map<String, Object> document() {
    return root;
  }

  /** Parameters by name, in template order. */
  public Map<String, SamParameter> parameters() {
    return parameters;
  }

  /** The default value of every parameter that has one, by name. */
  public Map<String, String> parameterDefaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    parameters.forEach((name, p) -> p.defaultValue().ifPresent(d -> defaults.put(name, d)));
    return Collections.unmodifiableMap(defaults);
  }

  /** The Conditions section, condition name → unresolved expression; empty when absent. */
  public Map<String, Object> conditions() {
    return section("Conditions");
  }

  /** The Outputs section, unresolved; empty when absent. */
  public Map<String, Object> outputs() {
    return section("Outputs");
  }

  /** Resources by logical id, in template order. */
  public Map<String, SamResource> resources() {
    return resources;
  }

  /** The resources of one type, by logical id, in template order. */
  public Map<String, SamResource> resourcesOfType(String type) {
    Map<String, SamResource> ofType = new LinkedHashMap<>();
    resources.forEach(
        (id, r) -> {
          if (r.type().equals(type)) {
            ofType.put(id, r);
          }
        });
    return Collections.unmodifiableMap(ofType);
  }

  /** The {@code AWS::Serverless::Function} resources by logical id, in template order. */
  public Map<String, SamFunction> functions() {
    return functions;
  }

  /**
   * One function.
   *
   * @throws IllegalArgumentException naming the functions the template has, when there is no such
   *     function
   */
  public SamFunction function(String logicalId) {
    SamFunction function = functions.get(logicalId);
    if (function == null) {
      throw new IllegalArgumentException(
          "The template "
              + source
              + " has no "
              + FUNCTION_TYPE
              + " named '"
              + logicalId
              + "'; its functions are "
              + functions.keySet());
    }
    return function;
  }

  /** Every HttpApi event of every function, in template order. */
  public List<SamRoute> routes() {
    return routes;
  }

  /**
   * The logical ids that a {@code ${Id}} in an execute-api URL may name: the template's HTTP APIs.
   */
  public List<String> httpApiIds() {
    List<String> ids = new ArrayList<>(resourcesOfType(HTTP_API_TYPE).keySet());
    resourcesOfType(API_TYPE)
        .forEach(
            (id, api) -> {
              if ("HTTP".equals(api.properties().get("ProtocolType"))) {
                ids.add(id);
              }
            });
    if (!ids.contains(IMPLICIT_HTTP_API)) {
      ids.add(IMPLICIT_HTTP_API);
    }
    return List.copyOf(ids);
  }

  @Override
  public String toString() {
    return "SamTemplate[" + source + ", functions=" + functions.keySet() + "]";
  }

  private Map<String, Object> section(String name) {
    Object value = root.get(name);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(source + ": " + name + " must be a mapping.");
    }
    return cast(map);
  }

  private Map<String, SamParameter> readParameters() {
    Map<String, SamParameter> result = new LinkedHashMap<>();
    section("Parameters")
        .forEach(
            (name, value) -> {
              Map<String, Object> p = mapping(value, "Parameters." + name);
              String type = String.valueOf(p.getOrDefault("Type", "String"));
              if (!type.equals("String") && !type.equals("Number")) {
                throw unsupported("Parameters." + name, "parameter type " + type, "String, Number");
              }
              Optional<String> defaultValue =
                  Optional.ofNullable(p.get("Default")).map(SamTemplate::scalarOrCsv);
              List<String> allowed = new ArrayList<>();
              if (p.get("AllowedValues") instanceof List<?> list) {
                list.forEach(v -> allowed.add(String.valueOf(v)));
              }
              result.put(
                  name,
                  new SamParameter(
                      name,
                      type,
                      defaultValue,
                      allowed,
                      Optional.ofNullable(p.get("AllowedPattern")).map(String::valueOf)));
            });
    return Collections.unmodifiableMap(result);
  }

  private static String scalarOrCsv(Object value) {
    if (value instanceof List<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    return String.valueOf(value);
  }

  private Map<String, SamResource> readResources() {
    Map<String, SamResource> result = new LinkedHashMap<>();
    Map<String, Object> section = section("Resources");
    if (section.isEmpty()) {
      throw new IllegalArgumentException(
          source + " is not a SAM template: it has no Resources section.");
    }
    section.forEach(
        (id, value) -> {
          Map<String, Object> r = mapping(value, "Resources." + id);
          if (!(r.get("Type") instanceof String type)) {
            throw new IllegalArgumentException(
                source + ": resource " + id + " has no Type string (e.g. AWS::DynamoDB::Table).");
          }
          if (!TYPES.contains(type)) {
            throw unsupported("Resources." + id, "resource type " + type, String.join(", ", TYPES));
          }
          Object properties = r.get("Properties");
          result.put(
              id,
              new SamResource(
                  id,
                  type,
                  properties == null ? Map.of() : mapping(properties, id + ".Properties"),
                  Optional.ofNullable(r.get("Condition")).map(String::valueOf)));
        });
    return Collections.unmodifiableMap(result);
  }

  private Map<String, SamFunction> readFunctions() {
    Map<String, Object> globals = functionGlobals();
    Map<String, SamFunction> result = new LinkedHashMap<>();
    resourcesOfType(FUNCTION_TYPE)
        .forEach((id, resource) -> result.put(id, readFunction(id, resource, globals)));
    return Collections.unmodifiableMap(result);
  }

  private Map<String, Object> functionGlobals() {
    Map<String, Object> globals = section("Globals");
    Object function = globals.get("Function");
    return function == null ? Map.of() : mapping(function, "Globals.Function");
  }

  private SamFunction readFunction(
      String id, SamResource resource, Map<String, Object> globalProperties) {
    Map<String, Object> own = resource.properties();
    Object handler = own.getOrDefault("Handler", globalProperties.get("Handler"));
    if (!(handler instanceof String handlerName) || handlerName.isBlank()) {
      throw new IllegalArgumentException(
          source
              + ": function "
              + id
              + " has no Handler string (expected fully.qualified.Class::handleRequest).");
    }
    Object codeUri = own.getOrDefault("CodeUri", globalProperties.get("CodeUri"));
    Map<String, Object> environment = new LinkedHashMap<>();
    environment.putAll(variables(globalProperties, "Globals.Function"));
    environment.putAll(variables(own, id));
    return new SamFunction(
        id,
        handlerName,
        codeUri instanceof String s ? s : "",
        Collections.unmodifiableMap(environment),
        intOr(
            own.getOrDefault("MemorySize", globalProperties.get("MemorySize")), DEFAULT_MEMORY_MB),
        intOr(
            own.getOrDefault("Timeout", globalProperties.get("Timeout")), DEFAULT_TIMEOUT_SECONDS),
        readEvents(id, own));
  }

  private Map<String, Object> variables(Map<String, Object> properties, String where) {
    Object environment = properties.get("Environment");
    if (environment == null) {
      return Map.of();
    }
    Object variables = mapping(environment, where + ".Environment").get("Variables");
    return variables == null ? Map.of() : mapping(variables, where + ".Environment.Variables");
  }

  private static int intOr(Object value, int fallback) {
    if (value instanceof Number n) {
      return n.intValue();
    }
    if (value instanceof String s && s.matches("[0-9]+")) {
      return Integer.parseInt(s);
    }
    return fallback;
  }

  private List<SamRoute> readEvents(String functionId, Map<String, Object> properties) {
    Object events = properties.get("Events");
    if (events == null) {
      return List.of();
    }
    List<SamRoute> result = new ArrayList<>();
    mapping(events, functionId + ".Events")
        .forEach(
            (name, value) -> {
              Map<String, Object> event = mapping(value, functionId + ".Events." + name);
              if (!"HttpApi".equals(event.get("Type"))) {
                return;
              }
              Object eventProperties = event.get("Properties");
              Map<String, Object> p =
                  eventProperties == null
                      ? Map.of()
                      : mapping(eventProperties, functionId + ".Events." + name + ".Properties");
              result.add(route(functionId, name, p));
            });
    return result;
  }

  private SamRoute route(String functionId, String eventName, Map<String, Object> p) {
    Object path = p.get("Path");
    Object method = p.get("Method");
    if (path == null && method == null) {
      return new SamRoute("ANY", SamRoute.DEFAULT_ROUTE, functionId, eventName);
    }
    if (!(path instanceof String pathText) || !(pathText.startsWith("/") || isDefault(pathText))) {
      throw new IllegalArgumentException(
          source
              + ": HttpApi event "
              + functionId
              + ".Events."
              + eventName
              + " needs a plain Path starting with '/' (got "
              + path
              + ").");
    }
    String methodText =
        method == null ? "ANY" : String.valueOf(method).toUpperCase(Locale.ROOT).trim();
    if (methodText.equals("X-AMAZON-APIGATEWAY-ANY-METHOD")) {
      methodText = "ANY";
    }
    return new SamRoute(methodText, pathText, functionId, eventName);
  }

  private static boolean isDefault(String path) {
    return path.equals(SamRoute.DEFAULT_ROUTE);
  }

  /** The type of an explicit HTTP API route. */
  public static final String ROUTE_TYPE = "AWS::ApiGatewayV2::Route";

  /** The type of an explicit HTTP API integration. */
  public static final String INTEGRATION_TYPE = "AWS::ApiGatewayV2::Integration";

  private List<SamRoute> readRoutes() {
    List<SamRoute> all = new ArrayList<>();
    Map<String, SamRoute> byKey = new LinkedHashMap<>();
    List<SamRoute> declared = new ArrayList<>();
    functions.values().forEach(f -> declared.addAll(f.routes()));
    declared.addAll(explicitRoutes());
    {
      for (SamRoute route : declared) {
        SamRoute previous = byKey.putIfAbsent(route.routeKey(), route);
        if (previous != null) {
          throw new IllegalArgumentException(
              source
                  + ": route '"
                  + route.routeKey()
                  + "' is declared by both "
                  + previous.functionLogicalId()
                  + " and "
                  + route.functionLogicalId()
                  + "; API Gateway allows one function per route.");
        }
        all.add(route);
      }
    }
    return List.copyOf(all);
  }

  /**
   * Routes declared as {@code AWS::ApiGatewayV2::Route} resources (not as function events): {@code
   * RouteKey "GET /path"}, {@code Target} naming an integration ({@code !Sub
   * "integrations/${Integration}"}), whose {@code IntegrationUri} is the function's ARN ({@code
   * !GetAtt Function.Arn}).
   */
  private List<SamRoute> explicitRoutes() {
    List<SamRoute> result = new ArrayList<>();
    resourcesOfType(ROUTE_TYPE)
        .forEach(
            (id, route) -> {
              Object key = route.properties().get("RouteKey");
              if (!(key instanceof String routeKey)) {
                throw new IllegalArgumentException(
                    source + ": route " + id + " needs a plain RouteKey string.");
              }
              String integrationId = integrationOf(id, route.properties().get("Target"));
              SamResource integration = resources.get(integrationId);
              if (integration == null || !INTEGRATION_TYPE.equals(integration.type())) {
                throw new IllegalArgumentException(
                    source
                        + ": route "
                        + id
                        + " targets "
                        + integrationId
                        + ", not an integration.");
              }
              String functionId =
                  functionOf(integrationId, integration.properties().get("IntegrationUri"));
              if (!functions.containsKey(functionId)) {
                throw new IllegalArgumentException(
                    source
                        + ": integration "
                        + integrationId
                        + " invokes unknown function "
                        + functionId
                        + ".");
              }
              if (routeKey.equals(SamRoute.DEFAULT_ROUTE)) {
                result.add(new SamRoute("ANY", SamRoute.DEFAULT_ROUTE, functionId, id));
              } else {
                String[] parts = routeKey.trim().split(" +", 2);
                if (parts.length != 2 || !parts[1].startsWith("/")) {
                  throw new IllegalArgumentException(
                      source
                          + ": route "
                          + id
                          + " has RouteKey '"
                          + routeKey
                          + "', expected 'METHOD /path'.");
                }
                result.add(
                    new SamRoute(parts[0].toUpperCase(Locale.ROOT), parts[1], functionId, id));
              }
            });
    return result;
  }

  private String integrationOf(String routeId, Object target) {
    if (target instanceof Map<?, ?> map && map.get("Fn::Sub") instanceof String sub) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("integrations/\\$\\{([A-Za-z0-9]+)}").matcher(sub);
      if (m.matches()) {
        return m.group(1);
      }
    }
    throw new IllegalArgumentException(
        source + ": route " + routeId + " needs Target: !Sub \"integrations/${SomeIntegration}\".");
  }

  private String functionOf(String integrationId, Object uri) {
    if (uri instanceof Map<?, ?> map) {
      Object getAtt = map.get("Fn::GetAtt");
      if (getAtt instanceof List<?> list && list.size() == 2 && "Arn".equals(list.get(1))) {
        return String.valueOf(list.get(0));
      }
      if (getAtt instanceof String text && text.endsWith(".Arn")) {
        return text.substring(0, text.length() - 4);
      }
      // SAM's reference to a function's published alias (AutoPublishAlias)
      if (map.get("Ref") instanceof String ref && ref.endsWith(".Alias")) {
        return ref.substring(0, ref.length() - ".Alias".length());
      }
    }
    throw new IllegalArgumentException(
        source
            + ": integration "
            + integrationId
            + " needs IntegrationUri: !GetAtt SomeFunction.Arn or !Ref SomeFunction.Alias.");
  }

  /** Refuses, naming where, any intrinsic the testkit does not evaluate. */
  private void checkIntrinsics(Object value, String where) {
    if (value instanceof Map<?, ?> map) {
      if (map.size() == 1 && map.keySet().iterator().next() instanceof String key) {
        boolean intrinsic = key.startsWith("Fn::") || key.equals("Ref") || key.equals("Condition");
        if (intrinsic && !FUNCTIONS.contains(key)) {
          String shortForm = "!" + key.replaceFirst("^Fn::", "");
          throw unsupported(where, key + " (" + shortForm + ")", String.join(", ", FUNCTIONS));
        }
      }
      map.forEach((key, item) -> checkIntrinsics(item, where + "." + key));
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        checkIntrinsics(list.get(i), where + "[" + i + "]");
      }
    }
  }

  private IllegalArgumentException unsupported(String where, String what, String supported) {
    return new IllegalArgumentException(
        source
            + ": "
            + where
            + " uses "
            + what
            + ", which the testkit does not support (it supports "
            + supported
            + "); extend the testkit's sam.SamTemplate and aws.TemplateExpressions to use it.");
  }

  private Map<String, Object> mapping(Object value, String where) {
    if (value instanceof Map<?, ?> map) {
      return cast(map);
    }
    throw new IllegalArgumentException(
        source + ": " + where + " must be a mapping, but is " + describe(value) + ".");
  }

  private static String describe(Object value) {
    return value == null ? "empty" : "a " + value.getClass().getSimpleName();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    // CloudFormationYaml.freeze made every key a String.
    return (Map<String, Object>) map;
  }
}
