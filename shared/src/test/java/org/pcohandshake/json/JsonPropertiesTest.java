package org.pcohandshake.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Json against its own writer (round trip) and against Gson (a reference reader): for any text,
 * valid or not, both accept it with the same value or both refuse it.
 *
 * <p>Gson decides the grammar. Where RFC 8259 leaves a choice, Json's documented policy is applied
 * to what Gson read ({@link #reference}): repeated member names, unpaired surrogates, numbers
 * beyond a double and more than {@link Json#MAX_DEPTH} nested containers are refused; an integral
 * number within a long is a {@code Long}, any other a {@code Double}.
 */
class JsonPropertiesTest {

  // ---- round trip ------------------------------------------------------------------------

  @Property(tries = 500)
  void writeThenParse_givesTheValueBack(@ForAll("values") Object value) {
    assertEquals(value, Json.parse(Json.write(value)));
  }

  @Property(tries = 500)
  void anyStringWritten_readsBack_withUnpairedSurrogatesAsReplacementCharacters(
      @ForAll("anyStrings") String s) {
    assertEquals(wellFormed(s), Json.parse(Json.write(s)));
  }

  // ---- against Gson ----------------------------------------------------------------------

  @Property(tries = 1000)
  void validTextInAnyFormatting_readsAsGsonReadsIt(
      @ForAll("values") Object value, @ForAll Random random) {
    String text = render(value, random);
    assertEquals(Outcome.value(value), reference(text), text);
    assertEquals(reference(text), ours(text), text);
  }

  @Property(tries = 3000)
  void damagedText_isRefusedOrReadExactlyAsGsonDoes(
      @ForAll("values") Object value, @ForAll Random random) {
    String text = damage(render(value, random), random);
    Outcome reference = reference(text);
    Statistics.collect(reference.refused() ? "refused" : "read");
    assertEquals(reference, ours(text), text);
  }

  @Property(tries = 1000)
  void arbitraryShortText_isRefusedOrReadExactlyAsGsonDoes(@ForAll("jsonishText") String text) {
    assertEquals(reference(text), ours(text), text);
  }

  /** The outcome of reading a text: its value, or refused. */
  record Outcome(boolean refused, Object value) {
    static final Outcome REFUSED = new Outcome(true, null);

    static Outcome value(Object value) {
      return new Outcome(false, value);
    }
  }

  static Outcome ours(String text) {
    try {
      return Outcome.value(Json.parse(text));
    } catch (IllegalArgumentException e) {
      return Outcome.REFUSED;
    }
  }

  /** Gson's strict reader for the grammar, Json's policy for what RFC 8259 leaves open. */
  static Outcome reference(String text) {
    // Gson's reader skips a leading byte-order mark; RFC 8259 lets a parser refuse one, and ours
    // does
    if (text.startsWith("\uFEFF")) {
      return Outcome.REFUSED;
    }
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(Strictness.STRICT);
      Object value = read(reader, 0);
      return reader.peek() == JsonToken.END_DOCUMENT ? Outcome.value(value) : Outcome.REFUSED;
    } catch (IOException | IllegalStateException | NumberFormatException | Refused e) {
      return Outcome.REFUSED;
    }
  }

  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  private static Object read(JsonReader reader, int depth) throws IOException {
    switch (reader.peek()) {
      case BEGIN_ARRAY -> {
        refuseIf(depth >= Json.MAX_DEPTH);
        List<Object> list = new ArrayList<>();
        reader.beginArray();
        while (reader.hasNext()) {
          list.add(read(reader, depth + 1));
        }
        reader.endArray();
        return list;
      }
      case BEGIN_OBJECT -> {
        refuseIf(depth >= Json.MAX_DEPTH);
        Map<String, Object> map = new LinkedHashMap<>();
        reader.beginObject();
        while (reader.hasNext()) {
          String name = checked(reader.nextName());
          refuseIf(map.containsKey(name));
          map.put(name, read(reader, depth + 1));
        }
        reader.endObject();
        return map;
      }
      case STRING -> {
        return checked(reader.nextString());
      }
      case NUMBER -> {
        String literal = reader.nextString();
        if (!literal.contains(".") && !literal.contains("e") && !literal.contains("E")) {
          try {
            return Long.parseLong(literal);
          } catch (NumberFormatException beyondLong) {
            // read as a double below
          }
        }
        double d = Double.parseDouble(literal);
        refuseIf(Double.isInfinite(d));
        return d;
      }
      case BOOLEAN -> {
        return reader.nextBoolean();
      }
      case NULL -> {
        reader.nextNull();
        return null;
      }
      default -> throw new Refused();
    }
  }

  private static String checked(String s) {
    refuseIf(!wellFormed(s).equals(s));
    return s;
  }

  private static void refuseIf(boolean refused) {
    if (refused) {
      throw new Refused();
    }
  }

  /** {@code s} with each unpaired surrogate replaced by U+FFFD. */
  static String wellFormed(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else {
        out.append(Character.isSurrogate(c) ? '\ufffd' : c);
      }
    }
    return out.toString();
  }

  // ---- generators ------------------------------------------------------------------------

  @Provide
  Arbitrary<Object> values() {
    return value(4);
  }

  private static Arbitrary<Object> value(int depth) {
    Arbitrary<Object> scalar =
        Arbitraries.oneOf(
            Arbitraries.longs().map(Object.class::cast),
            Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE).map(Object.class::cast),
            Arbitraries.longs()
                .map(Double::longBitsToDouble)
                .filter(Double::isFinite)
                .map(Object.class::cast),
            Arbitraries.of(0.0, -0.0, 0.5, 1e-300, 1e300, Double.MIN_VALUE, Double.MAX_VALUE)
                .map(Object.class::cast),
            strings().map(Object.class::cast),
            Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map(Object.class::cast),
            Arbitraries.just(null));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<Object> inner = Arbitraries.lazy(() -> value(depth - 1));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, scalar),
        net.jqwik.api.Tuple.of(1, inner.list().ofMaxSize(4).map(Object.class::cast)),
        net.jqwik.api.Tuple.of(
            1,
            Arbitraries.maps(strings(), inner)
                .ofMaxSize(4)
                .map(m -> (Object) new LinkedHashMap<>(m))));
  }

  private static Arbitrary<String> strings() {
    return Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(8),
            Arbitraries.strings()
                .withChars("\"\\/\b\f\n\r\t\u0000\u001f\u007f\u2028é😀")
                .ofMaxLength(6),
            Arbitraries.strings().alpha().ofMaxLength(6))
        .map(JsonPropertiesTest::wellFormed);
  }

  @Provide
  Arbitrary<String> anyStrings() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(12),
        Arbitraries.strings().withChars("a\ud800\udbff\udc00\udfff😀").ofMaxLength(8));
  }

  /** Short strings over JSON's own characters and the classic near misses. */
  @Provide
  Arbitrary<String> jsonishText() {
    Arbitrary<String> pieces =
        Arbitraries.of(
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"",
            "\\",
            " ",
            "\n",
            "\t",
            "\u000b",
            "0",
            "1",
            "9",
            "-",
            "+",
            ".",
            "e",
            "E",
            "01",
            "1.",
            "-.5",
            "1e",
            "\\u",
            "\\u+041",
            "\\u00e9",
            "\\ud800",
            "\\udc00",
            "\\ud83d\\ude00",
            "\\x",
            "true",
            "false",
            "null",
            "tru",
            "nul",
            "TRUE",
            "NaN",
            "Infinity",
            "\"a\"",
            "\"a\":",
            "'a'",
            "a",
            "\u0001",
            "\ufeff",
            "/*",
            "//",
            "#",
            ";",
            "=",
            "=>",
            "1e400",
            "123456789012345678901234567890");
    return pieces.list().ofMaxSize(8).map(list -> String.join("", list));
  }

  // ---- rendering valid text, and damaging it --------------------------------------------

  /** Valid JSON for {@code value}, with random whitespace, escapes and number spellings. */
  static String render(Object value, Random random) {
    StringBuilder out = new StringBuilder();
    space(out, random);
    render(out, value, random);
    space(out, random);
    return out.toString();
  }

  private static void render(StringBuilder out, Object value, Random random) {
    switch (value) {
      case null -> out.append("null");
      case Boolean b -> out.append(b);
      case Long n -> out.append(n);
      case Double d -> out.append(spelling(d, random));
      case String s -> string(out, s, random);
      case List<?> list -> {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          space(out, random);
          render(out, list.get(i), random);
          space(out, random);
        }
        out.append(']');
      }
      case Map<?, ?> map -> {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          space(out, random);
          string(out, (String) entry.getKey(), random);
          space(out, random);
          out.append(':');
          space(out, random);
          render(out, entry.getValue(), random);
          space(out, random);
        }
        out.append('}');
      }
      default -> throw new IllegalArgumentException(value.getClass().getName());
    }
  }

  /** The shortest spelling, or another that reads as the same double. */
  private static String spelling(double d, Random random) {
    String shortest = Double.toString(d);
    return switch (random.nextInt(4)) {
      case 0 -> shortest.replace("E", "e");
      case 1 -> shortest.contains("E-") ? shortest : shortest.replace("E", "E+");
      case 2 -> shortest.contains("E") ? shortest : shortest + "e0";
      default -> shortest;
    };
  }

  private static void string(StringBuilder out, String s, Random random) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int choice = random.nextInt(4);
      if (c == '"' || c == '\\' || c < 0x20 || choice == 0) {
        String hex = String.format("\\u%04x", (int) c);
        out.append(random.nextBoolean() ? hex : hex.toUpperCase().replace("\\U", "\\u"));
      } else if (c == '/' && choice == 1) {
        out.append("\\/");
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  private static void space(StringBuilder out, Random random) {
    out.append(List.of("", "", "", " ", "\t", "\n", "\r\n", "  ").get(random.nextInt(8)));
  }

  /** Deletes, inserts, replaces or truncates at random places: the result is often not JSON. */
  static String damage(String text, Random random) {
    StringBuilder out = new StringBuilder(text);
    String alphabet = "{}[],:\"\\ \t0123456789-+.eEtrufalsnux'\u0001\u007f\ud800";
    int edits = 1 + random.nextInt(3);
    for (int i = 0; i < edits; i++) {
      int at = out.isEmpty() ? 0 : random.nextInt(out.length() + 1);
      char c = alphabet.charAt(random.nextInt(alphabet.length()));
      switch (random.nextInt(4)) {
        case 0 -> {
          if (at < out.length()) {
            out.deleteCharAt(at);
          }
        }
        case 1 -> out.insert(at, c);
        case 2 -> {
          if (at < out.length()) {
            out.setCharAt(at, c);
          }
        }
        default -> out.setLength(at);
      }
    }
    return out.toString();
  }
}
