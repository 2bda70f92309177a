package org.pcohandshake.testkit.aws;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcohandshake.testkit.json.TestJson;

/**
 * Generates a secret value like CloudFormation's {@code GenerateSecretString}, always alphanumeric
 * (no punctuation, no spaces): PasswordLength (default 32), ExcludeUppercase, ExcludeLowercase,
 * ExcludeNumbers and ExcludeCharacters are honoured, and with SecretStringTemplate plus
 * GenerateStringKey the result is that JSON object with the generated value added.
 */
final class SecretGenerator {

  static final int DEFAULT_LENGTH = 32;

  private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
  private static final String DIGITS = "0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private SecretGenerator() {}

  /**
   * A value for the (resolved) GenerateSecretString mapping.
   *
   * @throws IllegalArgumentException when the settings leave no characters, or the template is not
   *     a JSON object
   */
  static String generate(Map<String, Object> settings, String where) {
    int length = length(settings.get("PasswordLength"), where);
    String excluded = String.valueOf(settings.getOrDefault("ExcludeCharacters", ""));
    List<String> classes =
        List.of(
                flag(settings, "ExcludeUppercase") ? "" : UPPER,
                flag(settings, "ExcludeLowercase") ? "" : LOWER,
                flag(settings, "ExcludeNumbers") ? "" : DIGITS)
            .stream()
            .map(
                chars ->
                    chars
                        .chars()
                        .filter(c -> excluded.indexOf(c) < 0)
                        .collect(
                            StringBuilder::new,
                            StringBuilder::appendCodePoint,
                            StringBuilder::append)
                        .toString())
            .filter(chars -> !chars.isEmpty())
            .toList();
    if (classes.isEmpty()) {
      throw new IllegalArgumentException(
          where + ": GenerateSecretString excludes every letter and digit; allow some.");
    }
    String value = randomString(String.join("", classes), classes, length);
    Object template = settings.get("SecretStringTemplate");
    Object key = settings.get("GenerateStringKey");
    if (template == null || key == null) {
      return value;
    }
    try {
      Map<String, Object> json = new LinkedHashMap<>(TestJson.object(template.toString()));
      json.put(key.toString(), value);
      return TestJson.write(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + ": SecretStringTemplate is not a JSON object: " + e.getMessage(), e);
    }
  }

  private static String randomString(String alphabet, List<String> classes, int length) {
    boolean requireEach = length >= classes.size();
    while (true) {
      StringBuilder out = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
      }
      String candidate = out.toString();
      if (!requireEach || classes.stream().allMatch(c -> containsAny(candidate, c))) {
        return candidate;
      }
    }
  }

  private static boolean containsAny(String text, String chars) {
    return text.chars().anyMatch(c -> chars.indexOf(c) >= 0);
  }

  private static boolean flag(Map<String, Object> settings, String name) {
    return "true".equalsIgnoreCase(String.valueOf(settings.get(name)));
  }

  private static int length(Object value, String where) {
    if (value == null) {
      return DEFAULT_LENGTH;
    }
    try {
      int length = Integer.parseInt(value.toString());
      if (length >= 1 && length <= 4096) {
        return length;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        where + ": PasswordLength must be a number from 1 to 4096, not '" + value + "'.");
  }
}
