package org.pcohandshake.testkit.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pcohandshake.testkit.sam.SamRoute;

/**
 * Routes a request the way an HTTP API does: the most specific path wins (literal segments before
 * {@code {param}} before {@code {greedy+}}), an exact method before {@code ANY}, and {@code
 * $default} catches the rest. A path declared only for other methods does not match.
 */
public final class RouteTable {

  private final List<SamRoute> routes;
  private final Optional<SamRoute> defaultRoute;

  public RouteTable(List<SamRoute> routes) {
    this.routes = routes.stream().filter(r -> !r.isDefault()).toList();
    this.defaultRoute = routes.stream().filter(SamRoute::isDefault).findFirst();
  }

  /**
   * A route and the path parameters it captured.
   *
   * @param route the matched route
   * @param pathParameters the values of its {@code {name}} segments, decoded; empty when none
   */
  public record Match(SamRoute route, Map<String, String> pathParameters) {
    public Match {
      Objects.requireNonNull(route, "route");
      pathParameters = Map.copyOf(pathParameters);
    }
  }

  /** The route for a request, if any. */
  public Optional<Match> match(String method, String rawPath) {
    List<Candidate> candidates = new ArrayList<>();
    for (SamRoute route : routes) {
      if (!route.method().equals("ANY") && !route.method().equalsIgnoreCase(method)) {
        continue;
      }
      Map<String, String> parameters = matchPath(route.path(), rawPath);
      if (parameters != null) {
        candidates.add(new Candidate(route, parameters));
      }
    }
    Optional<Match> best =
        candidates.stream()
            .max(Comparator.comparingInt(Candidate::specificity))
            .map(c -> new Match(c.route(), c.parameters()));
    return best.isPresent() ? best : defaultRoute.map(r -> new Match(r, Map.of()));
  }

  private record Candidate(SamRoute route, Map<String, String> parameters) {
    int specificity() {
      String[] segments = route.path().split("/", -1);
      int literal = 0;
      boolean greedy = false;
      for (String segment : segments) {
        if (segment.endsWith("+}")) {
          greedy = true;
        } else if (!segment.startsWith("{")) {
          literal++;
        }
      }
      return (greedy ? 0 : 1_000_000) + literal * 10 + (route.method().equals("ANY") ? 0 : 1);
    }
  }

  /** The captured parameters when the template matches, else null. */
  static Map<String, String> matchPath(String template, String rawPath) {
    String[] expected = template.split("/", -1);
    String[] actual = rawPath.split("/", -1);
    Map<String, String> parameters = new LinkedHashMap<>();
    for (int i = 0; i < expected.length; i++) {
      String segment = expected[i];
      if (segment.startsWith("{") && segment.endsWith("+}")) {
        if (i != expected.length - 1 || actual.length <= i) {
          return null;
        }
        String rest = String.join("/", Arrays.copyOfRange(actual, i, actual.length));
        if (rest.isEmpty()) {
          return null;
        }
        parameters.put(segment.substring(1, segment.length() - 2), percentDecode(rest));
        return parameters;
      }
      if (i >= actual.length) {
        return null;
      }
      if (segment.startsWith("{") && segment.endsWith("}")) {
        if (actual[i].isEmpty()) {
          return null;
        }
        parameters.put(segment.substring(1, segment.length() - 1), percentDecode(actual[i]));
      } else if (!segment.equals(actual[i])) {
        return null;
      }
    }
    return expected.length == actual.length ? parameters : null;
  }

  /** Decodes %XX sequences (not '+'); malformed sequences are kept as they are. */
  static String percentDecode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < text.length()) {
      if (text.charAt(i) == '%' && isHex(text, i + 1) && isHex(text, i + 2)) {
        out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 3;
      } else {
        int codePoint = text.codePointAt(i);
        byte[] bytes = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        i += Character.charCount(codePoint);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(String text, int index) {
    return index < text.length() && Character.digit(text.charAt(index), 16) >= 0;
  }
}
