package org.pcohandshake.json;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON (RFC 8259) read into plain values and written from them: objects are {@code Map<String,
 * Object>} (insertion order kept), arrays {@code List<Object>}, strings, {@code Boolean}, {@code
 * null}, and numbers as {@code Long} when integral and within a long's range, else {@code Double}.
 *
 * <p>It exists for the requests' hot path (API Gateway events, log lines, token responses, JWT
 * claims), where a reflective mapper costs hundreds of classes and milliseconds at a cold start.
 *
 * <p>The reader takes RFC 8259's grammar and nothing more: no leading zeros, a fraction or an
 * exponent has digits, a backslash-u escape has exactly four hex digits, no trailing commas,
 * comments, BOM, single quotes or raw control characters, exactly one value with only JSON
 * whitespace around it. Where the RFC leaves the choice to the implementation it refuses: a
 * repeated member name (a repeated OAuth parameter must be refused anyway), a string holding an
 * unpaired surrogate, raw or escaped (it cannot be sent as UTF-8, and would hash as {@code '?'}), a
 * number beyond a double's range, and more than {@value #MAX_DEPTH} nested arrays and objects. Its
 * errors name the offset and the rule, never the input. The writer replaces an unpaired surrogate
 * by U+FFFD, so every string it writes reads back.
 */
public final class Json {

  /** The most arrays and objects nested in one another that a text may hold. */
  public static final int MAX_DEPTH = 32;

  private Json() {}

  /**
   * Reads one JSON value.
   *
   * @throws IllegalArgumentException when the text is not exactly one JSON value
   */
  public static Object parse(String text) {
    Reader reader = new Reader(text);
    reader.skipWhitespace();
    Object value = reader.value(0);
    reader.skipWhitespace();
    if (reader.pos != text.length()) {
      throw reader.error("trailing characters");
    }
    return value;
  }

  /**
   * Reads a JSON object.
   *
   * @throws IllegalArgumentException when the text is not one JSON object
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object value = parse(text);
    if (!(value instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return (Map<String, Object>) value;
  }

  /**
   * A member that must be a string when present.
   *
   * @return the string, or null when the member is absent or JSON null
   * @throws IllegalArgumentException when the member holds another kind of value
   */
  public static String string(Map<String, Object> object, String name) {
    Object value = object.get(name);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new IllegalArgumentException("member is not a string");
  }

  /**
   * A member that must be an object when present.
   *
   * @return the object, or null when the member is absent or JSON null
   * @throws IllegalArgumentException when the member holds another kind of value
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Map<String, Object> object, String name) {
    Object value = object.get(name);
    if (value == null || value instanceof Map<?, ?>) {
      return (Map<String, Object>) value;
    }
    throw new IllegalArgumentException("member is not an object");
  }

  /** Writes a value: a map, list, string, number, boolean or null, nested as needed. */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder(256);
    write(out, value);
    return out.toString();
  }

  /** Appends a value to {@code out}. */
  public static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      quote(out, s);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      out.append(value);
    } else if (value instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("JSON has no " + d);
      }
      out.append(n);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        quote(out, String.valueOf(entry.getKey()));
        out.append(':');
        write(out, entry.getValue());
      }
      out.append('}');
    } else if (value instanceof Collection<?> list) {
      out.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(out, item);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
    }
  }

  /**
   * Appends {@code s} as a JSON string, escaping quotes, backslashes and control characters; an
   * unpaired surrogate becomes U+FFFD.
   */
  public static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else if (!Character.isSurrogate(c)) {
            out.append(c);
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else {
            out.append('\ufffd');
          }
        }
      }
    }
    out.append('"');
  }

  private static final class Reader {
    private final String text;
    private int pos;

    Reader(String text) {
      this.text = text;
    }

    /** A value inside {@code depth} arrays and objects. */
    Object value(int depth) {
      if (pos >= text.length()) {
        throw error("unexpected end");
      }
      char c = text.charAt(pos);
      return switch (c) {
        case '{' -> object(depth);
        case '[' -> array(depth);
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            yield number();
          }
          throw error("unexpected character");
        }
      };
    }

    private Map<String, Object> object(int depth) {
      enter(depth);
      Map<String, Object> map = new LinkedHashMap<>();
      pos++; // {
      skipWhitespace();
      if (peek() == '}') {
        pos++;
        return map;
      }
      while (true) {
        skipWhitespace();
        if (peek() != '"') {
          throw error("expected a member name");
        }
        String name = string();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        if (map.containsKey(name)) {
          // RFC 8259 leaves duplicates undefined; a repeated OAuth parameter must be refused anyway
          throw error("duplicate member name");
        }
        map.put(name, value(depth + 1));
        skipWhitespace();
        char c = next();
        if (c == '}') {
          return map;
        }
        if (c != ',') {
          throw error("expected , or }");
        }
      }
    }

    private List<Object> array(int depth) {
      enter(depth);
      List<Object> list = new ArrayList<>();
      pos++; // [
      skipWhitespace();
      if (peek() == ']') {
        pos++;
        return list;
      }
      while (true) {
        skipWhitespace();
        list.add(value(depth + 1));
        skipWhitespace();
        char c = next();
        if (c == ']') {
          return list;
        }
        if (c != ',') {
          throw error("expected , or ]");
        }
      }
    }

    private void enter(int depth) {
      if (depth >= MAX_DEPTH) {
        throw error("nested too deeply");
      }
    }

    private String string() {
      pos++; // opening quote
      StringBuilder out = null;
      int start = pos;
      boolean surrogates = false;
      while (true) {
        if (pos >= text.length()) {
          throw error("unterminated string");
        }
        char c = text.charAt(pos);
        if (c == '"') {
          String plain = text.substring(start, pos);
          pos++;
          String value = out == null ? plain : out.append(plain).toString();
          if (surrogates && !pairedSurrogates(value)) {
            throw error("unpaired surrogate");
          }
          return value;
        }
        if (c < 0x20) {
          throw error("control character in string");
        }
        surrogates |= Character.isSurrogate(c);
        if (c == '\\') {
          if (out == null) {
            out = new StringBuilder();
          }
          out.append(text, start, pos);
          pos++;
          char e = next();
          switch (e) {
            case '"', '\\', '/' -> out.append(e);
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'u' -> {
              char unit = hex4();
              surrogates |= Character.isSurrogate(unit);
              out.append(unit);
            }
            default -> throw error("bad escape");
          }
          start = pos;
        } else {
          pos++;
        }
      }
    }

    /**
     * RFC 8259: {@code [ "-" ] ( "0" / digit1-9 *DIGIT ) [ "." 1*DIGIT ] [ e [ sign ] 1*DIGIT ]}.
     */
    private Object number() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      if (peek() == '0') {
        pos++;
      } else {
        digits();
      }
      boolean integral = true;
      if (pos < text.length() && text.charAt(pos) == '.') {
        integral = false;
        pos++;
        digits();
      }
      if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
        integral = false;
        pos++;
        if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
          pos++;
        }
        digits();
      }
      String literal = text.substring(start, pos);
      if (integral) {
        try {
          return Long.parseLong(literal);
        } catch (NumberFormatException beyondLong) {
          // an integer beyond a long's range is read as a double, as other readers do
        }
      }
      double d = Double.parseDouble(literal);
      if (Double.isInfinite(d)) {
        throw error("number out of range");
      }
      return d;
    }

    /** One or more ASCII digits. */
    private void digits() {
      int start = pos;
      while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
        pos++;
      }
      if (pos == start) {
        throw error("expected a digit");
      }
    }

    /** Whether every surrogate in {@code s} is half of a pair (the string is UTF-16). */
    private static boolean pairedSurrogates(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          return false;
        }
      }
      return true;
    }

    /** Exactly four hex digits, as one UTF-16 unit. */
    private char hex4() {
      if (pos + 4 > text.length()) {
        throw error("bad \\u escape");
      }
      int unit = 0;
      for (int i = 0; i < 4; i++) {
        int digit = Character.digit(text.charAt(pos + i), 16);
        if (digit < 0 || text.charAt(pos + i) > 'f') {
          throw error("bad \\u escape");
        }
        unit = unit * 16 + digit;
      }
      pos += 4;
      return (char) unit;
    }

    private Object literal(String word, Object value) {
      if (!text.startsWith(word, pos)) {
        throw error("unexpected character");
      }
      pos += word.length();
      return value;
    }

    private char peek() {
      if (pos >= text.length()) {
        throw error("unexpected end");
      }
      return text.charAt(pos);
    }

    private char next() {
      char c = peek();
      pos++;
      return c;
    }

    private void expect(char c) {
      if (next() != c) {
        throw error("expected " + c);
      }
    }

    void skipWhitespace() {
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
          pos++;
        } else {
          return;
        }
      }
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
    }
  }
}
