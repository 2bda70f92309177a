package org.pcohandshake.grant;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.pcohandshake.json.Json;

/**
 * The integrator's own claims a grant carries into every access token of its family: the values of
 * the {@code LOGIN_CLAIMS} allow-list taken from the login (the login bridge's {@code login_token}
 * today; any identity's claims as a map), fixed when the code is issued, stored with the code, the
 * grant and each refresh token as one JSON text, and copied unchanged by every rotation.
 *
 * <p>Accepted values: a JSON string, an integer within ±(2<sup>53</sup>−1) (what every JSON reader
 * keeps exact), a boolean, or an array of strings. A claim the login does not carry (or carries as
 * {@code null}) is left out. Anything else (an object, a fraction, an array holding a non-string),
 * or more than {@value #MAX_BYTES} bytes of claims in all, refuses the login: a grant never holds
 * part of what the login said.
 *
 * @param values the claims, in the allow-list's order
 */
public record CustomClaims(Map<String, Object> values) {

  /** A grant without custom claims. */
  public static final CustomClaims NONE = new CustomClaims(Map.of());

  /** The most names {@code LOGIN_CLAIMS} may list. */
  public static final int MAX_NAMES = 10;

  /** The longest claim name. */
  public static final int MAX_NAME_LENGTH = 64;

  /** The most bytes the selected claims may take as JSON (UTF-8), braces included. */
  public static final int MAX_BYTES = 1024;

  /** The largest integer accepted, in magnitude: 2^53 − 1. */
  static final long MAX_INTEGER = (1L << 53) - 1;

  /**
   * Names no allow-list may hold (compared ignoring case): what the stack itself puts in an access
   * token, JWT's registered claims (RFC 7519), RFC 9068's and OpenID Connect's claims about the
   * authentication, token binding and delegation (RFC 7800, RFC 8693), and the login bridge's own.
   */
  public static final Set<String> RESERVED =
      Set.of(
          "iss",
          "sub",
          "aud",
          "exp",
          "nbf",
          "iat",
          "jti",
          "client_id",
          "scope",
          "sid",
          "pco_organization_id",
          "pco_person_id",
          "azp",
          "auth_time",
          "acr",
          "amr",
          "nonce",
          "at_hash",
          "c_hash",
          "cnf",
          "act",
          "may_act",
          "typ",
          "login_state");

  /** A claim name: a letter, then letters, digits and {@code _ . : / -} (URIs included). */
  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_.:/-]*");

  public CustomClaims {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** The claims as one JSON object: the stored form, byte for byte what tokens carry. */
  public String serialize() {
    return Json.write(values);
  }

  /** The claims a stored JSON text holds; an empty text is {@link #NONE}. */
  public static CustomClaims ofStored(String stored) {
    return stored.isEmpty() ? NONE : new CustomClaims(Json.parseObject(stored));
  }

  /**
   * What is wrong with an allow-list, each problem once, in words that name no value (empty when it
   * is fine).
   */
  public static List<String> problems(List<String> names) {
    List<String> problems = new ArrayList<>();
    if (names.size() > MAX_NAMES) {
      problems.add("may list at most " + MAX_NAMES + " claims");
    }
    if (names.stream().anyMatch(n -> n.length() > MAX_NAME_LENGTH)) {
      problems.add("names claims of at most " + MAX_NAME_LENGTH + " characters");
    }
    if (names.stream().anyMatch(n -> !NAME.matcher(n).matches())) {
      problems.add(
          "names claims that start with a letter and hold only letters, digits, _ . : / -");
    }
    if (new HashSet<>(names).size() != names.size()) {
      problems.add("lists a claim twice");
    }
    if (names.stream().anyMatch(n -> RESERVED.contains(n.toLowerCase(Locale.ROOT)))) {
      problems.add(
          "may not name a claim this server sets or a registered one ("
              + String.join(", ", RESERVED.stream().sorted().toList())
              + ")");
    }
    return problems;
  }

  /** The outcome of applying the allow-list to a login's claims. */
  public sealed interface Selection {
    /** The allow-listed claims the login carried, all of an accepted kind and size. */
    record Selected(CustomClaims claims) implements Selection {}

    /**
     * An allow-listed claim of a kind not accepted, or too much in all: the login is refused.
     *
     * @param reason what was wrong, naming no value (for the log)
     */
    record Refused(String reason) implements Selection {}
  }

  /**
   * The allow-listed claims of {@code source} (a verified token's claims, as plain values: strings,
   * numbers, booleans, lists, maps), each checked, in the allow-list's order; the rest is ignored.
   */
  public static Selection select(List<String> allowList, Map<String, Object> source) {
    Map<String, Object> selected = new LinkedHashMap<>();
    for (String name : allowList) {
      Object value = source.get(name);
      if (value == null) {
        continue;
      }
      Object accepted = accepted(value);
      if (accepted == null) {
        return new Selection.Refused("claim_kind");
      }
      selected.put(name, accepted);
    }
    CustomClaims claims = new CustomClaims(selected);
    if (claims.serialize().getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return new Selection.Refused("claims_size");
    }
    return new Selection.Selected(claims);
  }

  /** The value as stored, or null when it is of a kind not accepted. */
  private static Object accepted(Object value) {
    if (value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      long n = ((Number) value).longValue();
      return n >= -MAX_INTEGER && n <= MAX_INTEGER ? n : null;
    }
    if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      return List.copyOf(list);
    }
    return null;
  }
}
