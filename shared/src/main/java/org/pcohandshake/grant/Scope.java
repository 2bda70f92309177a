package org.pcohandshake.grant;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An OAuth scope (RFC 6749 section 3.3): a set of scope-tokens ({@code %x21 / %x23-5B / %x5D-7E},
 * here at most 64 characters each), written space-delimited. The one parse/serialise pair of the
 * project: requests, the table's items and the access tokens' {@code scope} claim all carry {@link
 * #serialize()}. The tokens keep the order they were first given in (so the written form is the
 * request's, without repeats); comparisons are of sets.
 */
public final class Scope {

  /** No scope: serialised as the empty string. */
  public static final Scope EMPTY = new Scope(List.of());

  /** RFC 6749 section 3.3 scope-token, bounded. */
  private static final Pattern TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}");

  private final List<String> tokens;

  private Scope(List<String> tokens) {
    this.tokens = List.copyOf(tokens);
  }

  /**
   * Reads the space-delimited form. Leading and trailing whitespace and runs of spaces between
   * tokens are tolerated, a repeated token counts once, blank text is {@link #EMPTY}.
   *
   * @return empty when any token is not a scope-token
   */
  public static Optional<Scope> parse(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      return Optional.of(EMPTY);
    }
    Set<String> tokens = new LinkedHashSet<>();
    for (String token : trimmed.split(" +")) {
      if (!TOKEN.matcher(token).matches()) {
        return Optional.empty();
      }
      tokens.add(token);
    }
    return Optional.of(new Scope(new ArrayList<>(tokens)));
  }

  /**
   * A scope read back from the table, where {@link #serialize()} wrote it.
   *
   * @throws IllegalStateException when the stored text does not parse
   */
  public static Scope ofStored(String stored) {
    return parse(stored)
        .orElseThrow(() -> new IllegalStateException("a stored scope is not well-formed"));
  }

  /**
   * The space-delimited form, single spaces, in the order first given; empty for {@link #EMPTY}.
   */
  public String serialize() {
    return String.join(" ", tokens);
  }

  /** The scope-tokens, in the order first given, each once. */
  public List<String> tokens() {
    return tokens;
  }

  public boolean isEmpty() {
    return tokens.isEmpty();
  }

  public boolean contains(String token) {
    return tokens.contains(token);
  }

  /** Whether every token of {@code other} is in this scope (a subset, order ignored). */
  public boolean covers(Scope other) {
    return tokens.containsAll(other.tokens);
  }

  /** Whether every token is one of {@code allowed}; any scope is allowed when the list is empty. */
  public boolean allowedBy(List<String> allowed) {
    return allowed.isEmpty() || allowed.containsAll(tokens);
  }

  /** Set equality: the same tokens, in any order. */
  @Override
  public boolean equals(Object other) {
    return other instanceof Scope scope && Set.copyOf(tokens).equals(Set.copyOf(scope.tokens));
  }

  @Override
  public int hashCode() {
    return Set.copyOf(tokens).hashCode();
  }

  /** {@link #serialize()}. */
  @Override
  public String toString() {
    return serialize();
  }
}
