package org.pcohandshake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code LOGIN_CLAIMS}: an allow-list of login-token claims copied into access tokens. A name that
 * the stack sets itself, or a registered JWT claim, would let a login token rewrite who the token
 * is for, what it may do or when it ends: such an allow-list is refused at init.
 */
class LoginClaimsConfigTest {

  private static final String LOGIN_CLAIMS = "LOGIN_CLAIMS";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "iss",
        "sub",
        "aud",
        "exp",
        "iat",
        "nbf",
        "jti",
        "client_id",
        "scope",
        "sid",
        "azp",
        "auth_time",
        "nonce",
        "login_state",
        "pco_organization_id",
        "pco_person_id",
        "cnf",
        "act",
        "tenant SUB",
        "tenant Scope"
      })
  void aNameTheStackSetsOrARegisteredClaim_isRefusedAtInit(String names) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> TestConfigs.with(LOGIN_CLAIMS, names));
    assertTrue(e.getMessage().contains(LOGIN_CLAIMS), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tenant tenant", "1tenant", "ten\"ant", "tenant{}", "-roles"})
  void malformedOrRepeatedNames_areRefusedAtInit(String names) {
    assertThrows(ConfigException.class, () -> TestConfigs.with(LOGIN_CLAIMS, names));
  }

  @org.junit.jupiter.api.Test
  void tooManyNames_orTooLongAName_isRefusedAtInit() {
    String eleven =
        IntStream.rangeClosed(1, 11).mapToObj(i -> "claim" + i).collect(Collectors.joining(" "));
    assertThrows(ConfigException.class, () -> TestConfigs.with(LOGIN_CLAIMS, eleven));
    assertThrows(ConfigException.class, () -> TestConfigs.with(LOGIN_CLAIMS, "a".repeat(65)));
  }

  @org.junit.jupiter.api.Test
  void tenNamesOfUpTo64Characters_includingUris_areAccepted_inTheirOrder() {
    String ten =
        IntStream.rangeClosed(1, 10).mapToObj(i -> "claim" + i).collect(Collectors.joining(" "));
    assertEquals(10, TestConfigs.with(Config.LOGIN_CLAIMS, ten).login().claims().size());
    assertEquals(
        java.util.List.of("a".repeat(64), "https://example.com/tenant", "roles"),
        TestConfigs.with(Config.LOGIN_CLAIMS, "a".repeat(64) + " https://example.com/tenant roles")
            .login()
            .claims());
    assertEquals(java.util.List.of(), TestConfigs.config().login().claims());
  }
}
