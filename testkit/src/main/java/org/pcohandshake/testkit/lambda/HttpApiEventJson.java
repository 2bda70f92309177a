package org.pcohandshake.testkit.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext.Authorizer;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext.Http;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON that API Gateway (HTTP API, payload 2.0) sends to Lambda, mapped to and from the
 * aws-lambda-java-events classes by hand: the events' getters do not follow the JSON names ({@code
 * isBase64Encoded}), so a reflective mapper would get them wrong.
 */
public final class HttpApiEventJson {

  private static final Gson GSON = new Gson();

  private HttpApiEventJson() {}

  /**
   * Reads an event, e.g. one made by {@code sam local generate-event apigateway http-api-proxy}.
   *
   * @throws IllegalArgumentException when the text is not a JSON object, or a field has the wrong
   *     JSON type (the message names the field)
   */
  public static APIGatewayV2HTTPEvent parseEvent(String json) {
    JsonObject o = object(json, "event");
    APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
    event.setVersion(string(o, "version"));
    event.setRouteKey(string(o, "routeKey"));
    event.setRawPath(string(o, "rawPath"));
    event.setRawQueryString(string(o, "rawQueryString"));
    event.setCookies(strings(o, "cookies"));
    event.setHeaders(stringMap(o, "headers"));
    event.setQueryStringParameters(stringMap(o, "queryStringParameters"));
    event.setPathParameters(stringMap(o, "pathParameters"));
    event.setStageVariables(stringMap(o, "stageVariables"));
    event.setBody(string(o, "body"));
    event.setIsBase64Encoded(bool(o, "isBase64Encoded"));
    JsonObject context = child(o, "requestContext");
    if (context != null) {
      event.setRequestContext(requestContext(context));
    }
    return event;
  }

  /** The event as API Gateway's JSON (pretty printed); null fields are left out. */
  public static String eventToJson(APIGatewayV2HTTPEvent event) {
    JsonObject o = new JsonObject();
    put(o, "version", event.getVersion());
    put(o, "routeKey", event.getRouteKey());
    put(o, "rawPath", event.getRawPath());
    put(o, "rawQueryString", event.getRawQueryString());
    put(o, "cookies", event.getCookies());
    put(o, "headers", event.getHeaders());
    put(o, "queryStringParameters", event.getQueryStringParameters());
    put(o, "pathParameters", event.getPathParameters());
    put(o, "stageVariables", event.getStageVariables());
    put(o, "body", event.getBody());
    o.addProperty("isBase64Encoded", event.getIsBase64Encoded());
    RequestContext c = event.getRequestContext();
    if (c != null) {
      JsonObject context = new JsonObject();
      put(context, "accountId", c.getAccountId());
      put(context, "apiId", c.getApiId());
      if (c.getAuthorizer() != null) {
        context.add("authorizer", GSON.toJsonTree(authorizerMap(c.getAuthorizer())));
      }
      put(context, "domainName", c.getDomainName());
      put(context, "domainPrefix", c.getDomainPrefix());
      if (c.getHttp() != null) {
        JsonObject http = new JsonObject();
        put(http, "method", c.getHttp().getMethod());
        put(http, "path", c.getHttp().getPath());
        put(http, "protocol", c.getHttp().getProtocol());
        put(http, "sourceIp", c.getHttp().getSourceIp());
        put(http, "userAgent", c.getHttp().getUserAgent());
        context.add("http", http);
      }
      put(context, "requestId", c.getRequestId());
      put(context, "routeKey", c.getRouteKey());
      put(context, "stage", c.getStage());
      put(context, "time", c.getTime());
      context.addProperty("timeEpoch", c.getTimeEpoch());
      o.add("requestContext", context);
    }
    return pretty(o);
  }

  /** The response as Lambda returns it to API Gateway (pretty printed); null fields left out. */
  public static String responseToJson(APIGatewayV2HTTPResponse response) {
    JsonObject o = new JsonObject();
    o.addProperty("statusCode", response.getStatusCode());
    put(o, "headers", response.getHeaders());
    if (response.getMultiValueHeaders() != null) {
      o.add("multiValueHeaders", GSON.toJsonTree(response.getMultiValueHeaders()));
    }
    put(o, "cookies", response.getCookies());
    put(o, "body", response.getBody());
    o.addProperty("isBase64Encoded", response.getIsBase64Encoded());
    return pretty(o);
  }

  /**
   * Reads a response in Lambda's JSON shape.
   *
   * @throws IllegalArgumentException when the text is not a JSON object or a field has the wrong
   *     type
   */
  public static APIGatewayV2HTTPResponse parseResponse(String json) {
    JsonObject o = object(json, "response");
    APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
    response.setStatusCode((int) number(o, "statusCode"));
    response.setHeaders(stringMap(o, "headers"));
    response.setCookies(strings(o, "cookies"));
    response.setBody(string(o, "body"));
    response.setIsBase64Encoded(bool(o, "isBase64Encoded"));
    return response;
  }

  private static RequestContext requestContext(JsonObject c) {
    RequestContext context = new RequestContext();
    context.setAccountId(string(c, "accountId"));
    context.setApiId(string(c, "apiId"));
    context.setDomainName(string(c, "domainName"));
    context.setDomainPrefix(string(c, "domainPrefix"));
    context.setRequestId(string(c, "requestId"));
    context.setRouteKey(string(c, "routeKey"));
    context.setStage(string(c, "stage"));
    context.setTime(string(c, "time"));
    context.setTimeEpoch(number(c, "timeEpoch"));
    JsonObject http = child(c, "http");
    if (http != null) {
      Http h = new Http();
      h.setMethod(string(http, "method"));
      h.setPath(string(http, "path"));
      h.setProtocol(string(http, "protocol"));
      h.setSourceIp(string(http, "sourceIp"));
      h.setUserAgent(string(http, "userAgent"));
      context.setHttp(h);
    }
    JsonObject authorizer = child(c, "authorizer");
    if (authorizer != null) {
      Authorizer a = new Authorizer();
      JsonObject jwt = child(authorizer, "jwt");
      if (jwt != null) {
        Authorizer.JWT token = new Authorizer.JWT();
        token.setClaims(stringMap(jwt, "claims"));
        token.setScopes(strings(jwt, "scopes"));
        a.setJwt(token);
      }
      JsonObject lambda = child(authorizer, "lambda");
      if (lambda != null) {
        a.setLambda(GSON.fromJson(lambda, new TypeToken<Map<String, Object>>() {}.getType()));
      }
      context.setAuthorizer(a);
    }
    return context;
  }

  private static Map<String, Object> authorizerMap(Authorizer authorizer) {
    Map<String, Object> map = new LinkedHashMap<>();
    if (authorizer.getJwt() != null) {
      Map<String, Object> jwt = new LinkedHashMap<>();
      if (authorizer.getJwt().getClaims() != null) {
        jwt.put("claims", authorizer.getJwt().getClaims());
      }
      if (authorizer.getJwt().getScopes() != null) {
        jwt.put("scopes", authorizer.getJwt().getScopes());
      }
      map.put("jwt", jwt);
    }
    if (authorizer.getLambda() != null) {
      map.put("lambda", authorizer.getLambda());
    }
    return map;
  }

  private static JsonObject object(String json, String what) {
    JsonElement root;
    try {
      root = GSON.fromJson(json, JsonElement.class);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(
          "The " + what + " is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isJsonObject()) {
      throw new IllegalArgumentException("The " + what + " must be a JSON object.");
    }
    return root.getAsJsonObject();
  }

  private static JsonElement field(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e == null || e.isJsonNull() ? null : e;
  }

  private static JsonObject child(JsonObject o, String name) {
    JsonElement e = field(o, name);
    if (e == null) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw wrongType(name, "an object");
    }
    return e.getAsJsonObject();
  }

  private static String string(JsonObject o, String name) {
    JsonElement e = field(o, name);
    if (e == null) {
      return null;
    }
    if (!e.isJsonPrimitive()) {
      throw wrongType(name, "a string");
    }
    return e.getAsString();
  }

  private static boolean bool(JsonObject o, String name) {
    JsonElement e = field(o, name);
    if (e == null) {
      return false;
    }
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
      return e.getAsBoolean();
    }
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
      return Boolean.parseBoolean(e.getAsString());
    }
    throw wrongType(name, "true or false");
  }

  private static long number(JsonObject o, String name) {
    JsonElement e = field(o, name);
    if (e == null) {
      return 0;
    }
    try {
      return e.getAsJsonPrimitive().getAsBigDecimal().longValue();
    } catch (RuntimeException ex) {
      throw wrongType(name, "a number");
    }
  }

  private static List<String> strings(JsonObject o, String name) {
    JsonElement e = field(o, name);
    if (e == null) {
      return null;
    }
    if (!e.isJsonArray()) {
      throw wrongType(name, "an array of strings");
    }
    List<String> values = new ArrayList<>();
    for (JsonElement item : e.getAsJsonArray()) {
      if (!item.isJsonPrimitive()) {
        throw wrongType(name, "an array of strings");
      }
      values.add(item.getAsString());
    }
    return values;
  }

  private static Map<String, String> stringMap(JsonObject o, String name) {
    JsonObject map = child(o, name);
    if (map == null) {
      return null;
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> entry : map.entrySet()) {
      JsonElement value = entry.getValue();
      if (value.isJsonNull()) {
        continue;
      }
      values.put(entry.getKey(), value.isJsonPrimitive() ? value.getAsString() : value.toString());
    }
    return values;
  }

  /** Two-space indented JSON, without Gson's HTML escaping of {@code < > & = '}. */
  static String pretty(JsonElement element) {
    StringWriter out = new StringWriter();
    try (JsonWriter writer = new JsonWriter(out)) {
      writer.setIndent("  ");
      write(writer, element);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(JsonWriter writer, JsonElement element) throws IOException {
    if (element == null || element.isJsonNull()) {
      writer.nullValue();
    } else if (element.isJsonObject()) {
      writer.beginObject();
      for (Map.Entry<String, JsonElement> entry : element.getAsJsonObject().entrySet()) {
        writer.name(entry.getKey());
        write(writer, entry.getValue());
      }
      writer.endObject();
    } else if (element.isJsonArray()) {
      writer.beginArray();
      for (JsonElement item : element.getAsJsonArray()) {
        write(writer, item);
      }
      writer.endArray();
    } else {
      JsonPrimitive primitive = element.getAsJsonPrimitive();
      if (primitive.isBoolean()) {
        writer.value(primitive.getAsBoolean());
      } else if (primitive.isNumber()) {
        writer.value(primitive.getAsNumber());
      } else {
        writer.value(primitive.getAsString());
      }
    }
  }

  private static IllegalArgumentException wrongType(String field, String expected) {
    return new IllegalArgumentException("Field '" + field + "' must be " + expected + ".");
  }

  private static void put(JsonObject o, String name, String value) {
    if (value != null) {
      o.add(name, new JsonPrimitive(value));
    }
  }

  private static void put(JsonObject o, String name, List<String> values) {
    if (values != null) {
      JsonArray array = new JsonArray();
      values.forEach(array::add);
      o.add(name, array);
    }
  }

  private static void put(JsonObject o, String name, Map<String, String> values) {
    if (values != null) {
      JsonObject map = new JsonObject();
      values.forEach((k, v) -> map.add(k, v == null ? null : new JsonPrimitive(v)));
      o.add(name, map);
    }
  }
}
