package org.pcohandshake.testkit.json;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.Strictness;
import com.google.gson.ToNumberPolicy;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;

/**
 * JSON for tests and test support, by Gson (not the copy nimbus shades, and not the code under
 * test): objects as {@code Map<String, Object>} in document order, arrays as {@code List<Object>},
 * integral numbers as {@code Long}, others as {@code Double}. Reading is strict (RFC 8259, one
 * value), so a test that reads the functions' output also checks that it is JSON.
 */
public final class TestJson {

  private static final Gson GSON =
      new GsonBuilder()
          .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
          .serializeNulls()
          .disableHtmlEscaping()
          .create();
  private static final TypeAdapter<Object> VALUES = GSON.getAdapter(Object.class);

  private TestJson() {}

  /**
   * Reads one JSON value.
   *
   * @throws IllegalArgumentException when the text is not exactly one JSON value
   */
  public static Object parse(String text) {
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(Strictness.STRICT);
      Object value = VALUES.read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new IllegalArgumentException("trailing characters after the JSON value");
      }
      return value;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a JSON object.
   *
   * @throws IllegalArgumentException when the text is not one JSON object
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(String text) {
    if (parse(text) instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new IllegalArgumentException("not a JSON object");
  }

  /** The member {@code name} of {@code object}, which must be an object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Map<String, Object> object, String name) {
    return (Map<String, Object>) object.get(name);
  }

  /** The member {@code name} of {@code object}, which must be an array. */
  @SuppressWarnings("unchecked")
  public static List<Object> array(Map<String, Object> object, String name) {
    return (List<Object>) object.get(name);
  }

  /** Writes maps, lists, strings, numbers, booleans and nulls (nulls kept) as compact JSON. */
  public static String write(Object value) {
    return GSON.toJson(value);
  }

  /** The Gson instance behind these methods, for tests that want its tree model. */
  public static Gson gson() {
    return GSON;
  }
}
