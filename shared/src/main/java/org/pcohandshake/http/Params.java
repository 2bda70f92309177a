package org.pcohandshake.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.json.Json;

/**
 * Form or query parameters ({@code application/x-www-form-urlencoded}), keeping repeats so that
 * protocol code can refuse them (RFC 6749 section 3.1: parameters must not repeat).
 */
public final class Params {

  private static final Params EMPTY = new Params(Map.of());
  private static final int MAX_PARAMS = 64;

  private final Map<String, List<String>> values;

  private Params(Map<String, List<String>> values) {
    this.values = values;
  }

  public static Params empty() {
    return EMPTY;
  }

  /** Parses {@code a=1&b=2}; throws {@link BadRequestException} on bad percent-encoding. */
  public static Params parse(String encoded) {
    if (encoded == null || encoded.isEmpty()) {
      return EMPTY;
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    int count = 0;
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      if (++count > MAX_PARAMS) {
        throw new BadRequestException(BadRequestException.Reason.TOO_LARGE);
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      values.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
    }
    return new Params(values);
  }

  /** Builds parameters from single values (for JSON bodies). */
  public static Params of(Map<String, String> single) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    single.forEach((k, v) -> values.put(k, List.of(v)));
    return new Params(values);
  }

  private static String decode(String part) {
    try {
      return URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(BadRequestException.Reason.MALFORMED);
    }
  }

  /**
   * The single value of a parameter; empty when absent or sent empty (RFC 6749 section 3.1:
   * "parameters sent without a value MUST be treated as if they were omitted").
   *
   * @throws BadRequestException with reason REPEATED when the parameter appears more than once
   */
  public Optional<String> get(String name) {
    List<String> list = values.get(name);
    if (list == null) {
      return Optional.empty();
    }
    if (list.size() > 1) {
      throw new BadRequestException(BadRequestException.Reason.REPEATED);
    }
    return Optional.of(list.get(0)).filter(v -> !v.isEmpty());
  }

  /** Whether the parameter appears at all (even empty). */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** Whether the parameter appears more than once. */
  public boolean repeated(String name) {
    List<String> list = values.get(name);
    return list != null && list.size() > 1;
  }

  /**
   * The body of a POST as parameters: {@code application/x-www-form-urlencoded} per RFC 6749, JSON
   * with string values accepted too. Empty for any other media type.
   *
   * @throws BadRequestException when the body does not parse, or JSON holds a non-string value
   */
  public static Optional<Params> fromBody(HttpRequest http) {
    String type = http.mediaType();
    if (type.equals("application/x-www-form-urlencoded")) {
      return Optional.of(parse(http.body()));
    }
    if (type.equals("application/json")) {
      try {
        // an empty body, the JSON literal null or any other value: no object to read from
        Map<String, Object> json = Json.parseObject(http.body());
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : json.entrySet()) {
          if (entry.getValue() instanceof String value) {
            values.put(entry.getKey(), value);
          } else if (entry.getValue() != null) {
            throw new BadRequestException(BadRequestException.Reason.MALFORMED);
          }
        }
        return Optional.of(of(values));
      } catch (IllegalArgumentException e) {
        throw new BadRequestException(BadRequestException.Reason.MALFORMED);
      }
    }
    return Optional.empty();
  }

  /** Encodes a parameter for a URL query or form body. */
  public static String encode(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Params params && values.equals(params.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }
}
