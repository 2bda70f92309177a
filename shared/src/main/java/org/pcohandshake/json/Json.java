package org.pcohandshake.json;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON (RFC 8259) read into plain values and written from them: objects are {@code Map<String,
 * Object>} (insertion order kept), arrays {@code List<Object>}, strings, {@code Boolean}, {@code
 * null}, and numbers as {@code Long} when integral, else {@code Double}.
 *
 * <p>It exists for the requests' hot path (API Gateway events, log lines, token responses, JWT
 * claims), where a reflective mapper costs hundreds of classes and milliseconds at a cold start.
 * Inputs are events from API Gateway, never larger than Lambda's 6 MB payload limit; nesting is
 * bounded.
 */
public final class Json {

  private static final int MAX_DEPTH = 32;

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

  /** Appends {@code s} as a JSON string, escaping quotes, backslashes and control characters. */
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
          } else {
            out.append(c);
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

    Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nested too deeply");
      }
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
          throw error("duplicate member " + name);
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

    private String string() {
      pos++; // opening quote
      StringBuilder out = null;
      int start = pos;
      while (true) {
        if (pos >= text.length()) {
          throw error("unterminated string");
        }
        char c = text.charAt(pos);
        if (c == '"') {
          String plain = text.substring(start, pos);
          pos++;
          return out == null ? plain : out.append(plain).toString();
        }
        if (c < 0x20) {
          throw error("control character in string");
        }
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
              if (pos + 4 > text.length()) {
                throw error("bad \\u escape");
              }
              try {
                out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
              } catch (NumberFormatException bad) {
                throw error("bad \\u escape");
              }
              pos += 4;
            }
            default -> throw error("bad escape");
          }
          start = pos;
        } else {
          pos++;
        }
      }
    }

    private Object number() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      boolean integral = true;
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c >= '0' && c <= '9') {
          pos++;
        } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
          integral = false;
          pos++;
        } else {
          break;
        }
      }
      String literal = text.substring(start, pos);
      try {
        if (integral && literal.length() < 19) {
          return Long.parseLong(literal);
        }
        double d = Double.parseDouble(literal);
        if (Double.isInfinite(d)) {
          throw error("number out of range");
        }
        return d;
      } catch (NumberFormatException e) {
        throw error("bad number");
      }
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
