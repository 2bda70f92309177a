package org.pcohandshake.local;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pcohandshake.config.Config;
import org.pcohandshake.testkit.sam.SamFunction;
import org.pcohandshake.testkit.sam.SamTemplate;

/**
 * Function settings taken from {@code make run}'s environment, so a person can try one locally
 * ({@code REFRESH_GRACE_SECONDS=5 make run}): a variable is taken only when it is one the
 * functions' configuration reads (a name constant of {@link Config}), the local stack does not set
 * it itself, and a function's environment in template.yaml declares it; then only that function
 * gets it. Nothing else of the environment ever reaches a function.
 *
 * <p>Where the template gives the variable as {@code !Ref SomeParameter}, the parameter takes the
 * value, so every function, condition and resource that follows the parameter follows the setting
 * too (e.g. {@code ACCESS_TOKEN_ALGORITHM} picks the signing key), and the parameter's allowed
 * values apply; any other expression is replaced in that function's environment.
 *
 * @param given the settings found in the environment, by name (sorted)
 * @param parameters template parameter values to use, by parameter name
 * @param variables for each function, the variables to replace in its environment
 * @param applied the names of the settings that reach at least one function (sorted)
 * @param undeclared the names of settings no function's template environment declares (sorted)
 */
record FunctionSettings(
    Map<String, String> given,
    Map<String, String> parameters,
    Map<String, Map<String, String>> variables,
    List<String> applied,
    List<String> undeclared) {

  /**
   * Set by the local stack itself: the emulator's resources and endpoint, the local API's URL, and
   * what {@link DevStackOptions} reads under the same names (PCO and the login app), and the
   * embedded OpenID Provider of {@code LOGIN_MODE=oidc}.
   */
  static final Set<String> SET_BY_THE_LOCAL_STACK =
      Set.of(
          Config.ISSUER,
          Config.TABLE_NAME,
          Config.CLIENT_ID,
          Config.CLIENT_SECRET_ID,
          Config.PCO_CLIENT_SECRET_ID,
          Config.LOGIN_BRIDGE_KEY_SECRET_ID,
          Config.SIGNING_KEY_ID,
          Config.PREVIOUS_SIGNING_KEY_IDS,
          Config.PCO_TOKEN_KEY_ID,
          Config.AWS_REGION,
          Config.AWS_ENDPOINT_URL,
          Config.PCO_BASE_URL,
          Config.PCO_OAUTH_APPLICATION_ID,
          Config.PCO_CLIENT_ID,
          Config.LOGIN_URL,
          Config.LOGIN_ISSUER,
          Config.OIDC_ISSUER,
          Config.OIDC_CLIENT_ID,
          Config.OIDC_CLIENT_SECRET_ID);

  FunctionSettings {
    given = Map.copyOf(given);
    parameters = Map.copyOf(parameters);
    variables = Map.copyOf(variables);
    applied = List.copyOf(applied);
    undeclared = List.copyOf(undeclared);
  }

  /** No settings. */
  static FunctionSettings none() {
    return new FunctionSettings(Map.of(), Map.of(), Map.of(), List.of(), List.of());
  }

  /** Every environment variable the functions' configuration reads: {@link Config}'s names. */
  static Set<String> configVariables() {
    Set<String> names = new TreeSet<>();
    for (Field field : Config.class.getFields()) {
      int modifiers = field.getModifiers();
      if (Modifier.isStatic(modifiers)
          && Modifier.isFinal(modifiers)
          && field.getType() == String.class) {
        try {
          if (field.getName().equals(field.get(null))) {
            names.add(field.getName());
          }
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return names;
  }

  /**
   * The entries of the environment that are function settings a person may give: variables the
   * configuration reads that the local stack does not set, with a value.
   */
  static Map<String, String> fromEnvironment(Map<String, String> env) {
    Map<String, String> settings = new TreeMap<>();
    for (String name : configVariables()) {
      String value = env.get(name);
      if (!SET_BY_THE_LOCAL_STACK.contains(name) && value != null && !value.isBlank()) {
        settings.put(name, value.trim());
      }
    }
    return settings;
  }

  /** What the given settings change in this template. */
  static FunctionSettings resolve(SamTemplate template, Map<String, String> given) {
    Map<String, String> parameters = new TreeMap<>();
    Map<String, Map<String, String>> variables = new TreeMap<>();
    Set<String> applied = new TreeSet<>();
    for (SamFunction function : template.functions().values()) {
      for (Map.Entry<String, String> setting : given.entrySet()) {
        if (!function.environment().containsKey(setting.getKey())) {
          continue;
        }
        applied.add(setting.getKey());
        Object expression = function.environment().get(setting.getKey());
        if (expression instanceof Map<?, ?> ref
            && ref.size() == 1
            && ref.get("Ref") instanceof String parameter
            && template.parameters().containsKey(parameter)) {
          parameters.put(parameter, setting.getValue());
        } else {
          variables
              .computeIfAbsent(function.logicalId(), id -> new TreeMap<>())
              .put(setting.getKey(), setting.getValue());
        }
      }
    }
    List<String> undeclared = new ArrayList<>(given.keySet());
    undeclared.removeAll(applied);
    return new FunctionSettings(given, parameters, variables, new ArrayList<>(applied), undeclared);
  }

  /** The function's environment with this function's replaced variables. */
  Map<String, String> apply(String functionLogicalId, Map<String, String> environment) {
    Map<String, String> replaced = variables.getOrDefault(functionLogicalId, Map.of());
    if (replaced.isEmpty()) {
      return environment;
    }
    Map<String, String> result = new LinkedHashMap<>(environment);
    result.putAll(replaced);
    return Collections.unmodifiableMap(result);
  }
}
