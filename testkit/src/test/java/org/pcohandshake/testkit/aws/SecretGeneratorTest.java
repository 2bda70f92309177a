package org.pcohandshake.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.json.TestJson;

class SecretGeneratorTest {

  @Test
  void defaultLength_is32Alphanumerics() {
    String value = SecretGenerator.generate(Map.of(), "test");
    assertEquals(32, value.length());
    assertTrue(value.matches("[A-Za-z0-9]+"), value);
  }

  @Test
  void passwordLength_isHonoured_andValuesDiffer() {
    String a = SecretGenerator.generate(Map.of("PasswordLength", "64"), "test");
    String b = SecretGenerator.generate(Map.of("PasswordLength", "64"), "test");
    assertEquals(64, a.length());
    assertNotEquals(a, b);
  }

  @Test
  void exclusions_areHonoured() {
    String value =
        SecretGenerator.generate(
            Map.of(
                "PasswordLength", "200",
                "ExcludeUppercase", "true",
                "ExcludeCharacters", "abc0"),
            "test");
    assertTrue(value.matches("[d-z1-9]+"), value);
  }

  @Test
  void secretStringTemplate_getsTheGeneratedKey() throws Exception {
    String value =
        SecretGenerator.generate(
            Map.of(
                "SecretStringTemplate", "{\"username\":\"admin\"}",
                "GenerateStringKey", "password",
                "PasswordLength", "20"),
            "test");
    Map<String, Object> json = TestJson.object(value);
    assertEquals("admin", json.get("username"));
    assertEquals(20, ((String) json.get("password")).length());
  }

  @Test
  void badLength_isRejectedNamingTheSecret() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SecretGenerator.generate(Map.of("PasswordLength", "lots"), "secret X"));
    assertTrue(e.getMessage().startsWith("secret X"), e.getMessage());
  }
}
