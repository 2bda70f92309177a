package org.pcohandshake.testkit.aws;

import com.google.gson.Gson;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.pcohandshake.testkit.sam.SamTemplate;

/**
 * Resolves CloudFormation intrinsics (long form) against one local stack: those in {@link
 * SamTemplate#FUNCTIONS} ({@code Ref}, {@code Fn::Sub}, {@code Fn::GetAtt}, {@code Fn::If} and the
 * condition functions, {@code Fn::Join}, {@code Fn::Select}, {@code Fn::Split}), which SamTemplate
 * has already checked the template keeps to. A value is a String, a List of values, a Boolean
 * (conditions) or {@link #NO_VALUE}.
 */
final class TemplateExpressions {

  /** What {@code Ref AWS::NoValue} resolves to: the property is left out. */
  static final Object NO_VALUE =
      new Object() {
        @Override
        public String toString() {
          return "AWS::NoValue";
        }
      };

  static final String PARTITION = "aws";
  static final String URL_SUFFIX = "amazonaws.com";

  private final SamTemplate template;
  private final Map<String, String> parameterValues;
  private final Map<String, String> physicalIds;
  private final Map<String, Map<String, String>> attributes;
  private final String stackName;
  private final Optional<String> baseUrl;
  private final Set<String> conditionsInProgress = new HashSet<>();

  TemplateExpressions(
      SamTemplate template,
      Map<String, String> parameterValues,
      Map<String, String> physicalIds,
      Map<String, Map<String, String>> attributes,
      String stackName,
      Optional<String> baseUrl) {
    this.template = template;
    this.parameterValues = parameterValues;
    this.physicalIds = physicalIds;
    this.attributes = attributes;
    this.stackName = stackName;
    this.baseUrl = baseUrl;
  }

  /** Why an expression cannot be resolved locally; the caller adds where it was. */
  static final class Unresolvable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unresolvable(String reason) {
      super(reason);
    }
  }

  /** The expression as compact JSON, for messages. */
  static String render(Object expression) {
    return new Gson().toJsonTree(expression).toString();
  }

  /** Resolves any value; maps that are not intrinsics are resolved member by member. */
  Object resolve(Object expression) {
    return switch (expression) {
      case null -> throw new Unresolvable("the value is empty");
      case String s -> s;
      case Number n -> numberText(n);
      case Boolean b -> b.toString();
      case List<?> list -> resolveList(list);
      case Map<?, ?> map when isIntrinsic(map) -> intrinsic(map);
      case Map<?, ?> map -> resolveMap(map);
      default ->
          throw new Unresolvable("unexpected value of type " + expression.getClass().getName());
    };
  }

  /** Resolves to a single string. */
  String resolveString(Object expression) {
    Object value = resolve(expression);
    if (value instanceof String s) {
      return s;
    }
    throw new Unresolvable(
        "it resolves to " + describe(value) + " " + render(value) + ", not to a string");
  }

  /** The value of a named condition from the template's Conditions. */
  boolean condition(String name) {
    Object expression = template.conditions().get(name);
    if (expression == null) {
      throw new Unresolvable(
          "the template has no condition named '"
              + name
              + "'; its conditions are "
              + template.conditions().keySet());
    }
    if (!conditionsInProgress.add(name)) {
      throw new Unresolvable("condition '" + name + "' refers to itself");
    }
    try {
      return bool(expression);
    } finally {
      conditionsInProgress.remove(name);
    }
  }

  private static boolean isIntrinsic(Map<?, ?> map) {
    if (map.size() != 1) {
      return false;
    }
    String key = String.valueOf(map.keySet().iterator().next());
    return key.equals("Ref") || key.startsWith("Fn::");
  }

  private Object intrinsic(Map<?, ?> map) {
    Map.Entry<?, ?> entry = map.entrySet().iterator().next();
    String function = String.valueOf(entry.getKey());
    Object argument = entry.getValue();
    return switch (function) {
      case "Ref" -> ref(resolveString(argument));
      case "Fn::Sub" -> sub(argument);
      case "Fn::GetAtt" -> getAtt(argument);
      case "Fn::If" -> fnIf(arguments(function, argument, 3));
      case "Fn::Equals" -> {
        List<?> args = arguments(function, argument, 2);
        yield Objects.equals(resolve(args.get(0)), resolve(args.get(1)));
      }
      case "Fn::Not" -> !bool(arguments(function, argument, 1).get(0));
      case "Fn::Contains" -> {
        // a rule function: whether the list holds the value
        List<?> args = arguments(function, argument, 2);
        Object list = resolve(args.get(0));
        yield asList(list, function).contains(resolve(args.get(1)));
      }
      case "Fn::And" -> arguments(function, argument, -1).stream().allMatch(this::bool);
      case "Fn::Or" -> arguments(function, argument, -1).stream().anyMatch(this::bool);
      case "Fn::Join" -> join(arguments(function, argument, 2));
      case "Fn::Select" -> select(arguments(function, argument, 2));
      case "Fn::Split" -> {
        List<?> args = arguments(function, argument, 2);
        String delimiter = resolveString(args.get(0));
        yield List.of(resolveString(args.get(1)).split(Pattern.quote(delimiter), -1));
      }
      default ->
          throw new Unresolvable(
              function + " is not supported by the local stack (" + SamTemplate.FUNCTIONS + ")");
    };
  }

  private Object ref(String name) {
    switch (name) {
      case "AWS::Region":
        return AwsClients.REGION.id();
      case "AWS::AccountId":
        return AwsClients.ACCOUNT_ID;
      case "AWS::Partition":
        return PARTITION;
      case "AWS::URLSuffix":
        return URL_SUFFIX;
      case "AWS::StackName":
        return stackName;
      case "AWS::NoValue":
        return NO_VALUE;
      default:
        break;
    }
    if (template.parameters().containsKey(name)) {
      String value = parameterValues.get(name);
      if (value == null) {
        throw new Unresolvable(
            "parameter "
                + name
                + " has no Default in the template and no override; pass it in the parameter"
                + " overrides");
      }
      return value;
    }
    String physicalId = physicalIds.get(name);
    if (physicalId != null) {
      return physicalId;
    }
    if (template.resources().containsKey(name)) {
      throw new Unresolvable(
          "resource "
              + name
              + " ("
              + template.resources().get(name).type()
              + ") is not created by the local stack, which provisions DynamoDB tables, KMS keys"
              + " and aliases, Secrets Manager secrets, functions and HTTP APIs (and names"
              + " managed policies)");
    }
    throw new Unresolvable(
        "'"
            + name
            + "' is neither a parameter, a resource nor a pseudo parameter (AWS::Region, ...) of"
            + " the template");
  }

  private Object getAtt(Object argument) {
    List<?> args = arguments("Fn::GetAtt", argument, 2);
    String resource = resolveString(args.get(0));
    String attribute = resolveString(args.get(1));
    if (attribute.equals("ApiEndpoint")
        && template.httpApiIds().contains(resource)
        && baseUrl.isPresent()) {
      return baseUrl.get();
    }
    String value = attributes.getOrDefault(resource, Map.of()).get(attribute);
    if (value == null) {
      throw new Unresolvable(
          "attribute "
              + attribute
              + " of "
              + resource
              + " is not known locally; known: "
              + attributes.getOrDefault(resource, Map.of()).keySet());
    }
    return value;
  }

  private Object sub(Object argument) {
    String text;
    Map<?, ?> variables;
    if (argument instanceof String s) {
      text = s;
      variables = Map.of();
    } else if (argument instanceof List<?> list
        && list.size() == 2
        && list.get(0) instanceof String s
        && list.get(1) instanceof Map<?, ?> map) {
      text = s;
      variables = map;
    } else {
      throw new Unresolvable("Fn::Sub takes a string, or a list of a string and a mapping");
    }
    if (baseUrl.isPresent()) {
      for (String api : template.httpApiIds()) {
        String prefix = "https://${" + api + "}.execute-api.${AWS::Region}.${AWS::URLSuffix}";
        if (text.startsWith(prefix)) {
          return baseUrl.get() + substitute(text.substring(prefix.length()), variables);
        }
      }
    }
    return substitute(text, variables);
  }

  private String substitute(String text, Map<?, ?> variables) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      int start = text.indexOf("${", i);
      if (start < 0) {
        out.append(text, i, text.length());
        break;
      }
      int end = text.indexOf('}', start);
      if (end < 0) {
        throw new Unresolvable("Fn::Sub string has an unclosed ${ at position " + start);
      }
      out.append(text, i, start);
      String name = text.substring(start + 2, end).trim();
      if (name.startsWith("!")) {
        out.append("${").append(name.substring(1)).append('}');
      } else if (variables.containsKey(name)) {
        out.append(resolveString(variables.get(name)));
      } else if (name.contains(".") && !name.startsWith("AWS::")) {
        int dot = name.indexOf('.');
        out.append(
            resolveString(
                Map.of("Fn::GetAtt", List.of(name.substring(0, dot), name.substring(dot + 1)))));
      } else {
        Object value = ref(name);
        if (!(value instanceof String s)) {
          throw new Unresolvable("${" + name + "} resolves to " + describe(value));
        }
        out.append(s);
      }
      i = end + 1;
    }
    return out.toString();
  }

  private Object fnIf(List<?> args) {
    String name = resolveString(args.get(0));
    return condition(name) ? resolve(args.get(1)) : resolve(args.get(2));
  }

  /** A condition's or a rule assertion's value. */
  boolean bool(Object expression) {
    Object value = resolve(expression);
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s && (s.equals("true") || s.equals("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new Unresolvable("a condition must be true or false, not " + render(value));
  }

  private String join(List<?> args) {
    String delimiter = resolveString(args.get(0));
    List<String> parts = new ArrayList<>();
    for (Object item : asList(resolve(args.get(1)), "Fn::Join")) {
      if (item instanceof String s) {
        parts.add(s);
      } else if (item != NO_VALUE) {
        throw new Unresolvable("Fn::Join can only join strings, not " + render(item));
      }
    }
    return String.join(delimiter, parts);
  }

  private Object select(List<?> args) {
    String indexText = resolveString(args.get(0));
    List<?> list = asList(resolve(args.get(1)), "Fn::Select");
    int index;
    try {
      index = Integer.parseInt(indexText);
    } catch (NumberFormatException e) {
      throw new Unresolvable("Fn::Select index '" + indexText + "' is not a number");
    }
    if (index < 0 || index >= list.size()) {
      throw new Unresolvable(
          "Fn::Select index " + index + " is outside a list of " + list.size() + " items");
    }
    return list.get(index);
  }

  private List<?> resolveList(List<?> list) {
    List<Object> values = new ArrayList<>();
    for (Object item : list) {
      Object value = resolve(item);
      if (value != NO_VALUE) {
        values.add(value);
      }
    }
    return List.copyOf(values);
  }

  private Map<String, Object> resolveMap(Map<?, ?> map) {
    Map<String, Object> values = new LinkedHashMap<>();
    map.forEach(
        (key, item) -> {
          Object value = resolve(item);
          if (value != NO_VALUE) {
            values.put(String.valueOf(key), value);
          }
        });
    return values;
  }

  private static List<?> arguments(String function, Object argument, int count) {
    if (!(argument instanceof List<?> list) || (count >= 0 && list.size() != count)) {
      throw new Unresolvable(
          function
              + " takes a list"
              + (count >= 0 ? " of " + count + " items" : "")
              + ", not "
              + render(argument));
    }
    return list;
  }

  private static List<?> asList(Object value, String function) {
    if (value instanceof List<?> list) {
      return list;
    }
    throw new Unresolvable(function + " needs a list, but got " + render(value));
  }

  private static String numberText(Number n) {
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && !Double.isInfinite(d)) {
        return Long.toString((long) d);
      }
    }
    return n.toString();
  }

  private static String describe(Object value) {
    if (value instanceof List<?>) {
      return "a list";
    }
    if (value instanceof Boolean) {
      return "a condition value";
    }
    if (value instanceof Map<?, ?>) {
      return "a mapping";
    }
    if (value == NO_VALUE) {
      return "AWS::NoValue";
    }
    return "a " + value.getClass().getSimpleName();
  }
}
