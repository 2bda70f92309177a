package org.pcohandshake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

  @Test
  void defaults_aimAtProduction() {
    Config config = Config.fromEnvironment(Map.of());
    assertEquals("https://api.planningcenteronline.com", config.pcoBaseUrl());
    assertEquals(Config.PcoTokenMode.IDENTIFY, config.pcoTokenMode());
    assertEquals(Duration.ofSeconds(60), config.refreshGrace());
    assertEquals(Duration.ofSeconds(300), config.codeTtl());
  }

  @Test
  void pcoLink_lives120SecondsByDefault_within30To600() {
    assertEquals(Duration.ofSeconds(120), Config.fromEnvironment(Map.of()).pcoLinkTtl());
    assertEquals(
        Duration.ofSeconds(600), TestConfigs.with(Config.PCO_LINK_TTL_SECONDS, "600").pcoLinkTtl());
    assertThrows(ConfigException.class, () -> TestConfigs.with(Config.PCO_LINK_TTL_SECONDS, "601"));
    assertThrows(ConfigException.class, () -> TestConfigs.with(Config.PCO_LINK_TTL_SECONDS, "29"));
  }

  @Test
  void allowList_isPcoAddonUrlPlusExtras() {
    Config config =
        TestConfigs.with(Config.EXTRA_REDIRECT_URIS, "https://a.example/cb https://b.example/cb");
    assertEquals(
        List.of(TestConfigs.REDIRECT, "https://a.example/cb", "https://b.example/cb"),
        config.allowedRedirectUris());
    assertEquals(TestConfigs.REDIRECT + "/advance", config.pcoAdvanceUrl());
  }

  @Test
  void require_namesEveryMissingVariable() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Config.fromEnvironment(Map.of()).require(Config.TABLE_NAME, Config.ISSUER));
    assertTrue(e.getMessage().contains("ISSUER, TABLE_NAME"), e.getMessage());
  }

  @Test
  void malformedValues_areRefusedByName() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> TestConfigs.with(Config.REFRESH_GRACE_SECONDS, "soon"));
    assertTrue(e.getMessage().contains(Config.REFRESH_GRACE_SECONDS));
    assertThrows(ConfigException.class, () -> TestConfigs.with(Config.PCO_TOKEN_MODE, "keep"));
    assertThrows(
        ConfigException.class, () -> TestConfigs.with(Config.EXTRA_REDIRECT_URIS, "not a url"));
  }

  @Test
  void refreshGrace_isAtMostTwoMinutes() {
    assertEquals(
        Duration.ofSeconds(120),
        TestConfigs.with(Config.REFRESH_GRACE_SECONDS, "120").refreshGrace());
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> TestConfigs.with(Config.REFRESH_GRACE_SECONDS, "121"));
    assertTrue(e.getMessage().contains(Config.REFRESH_GRACE_SECONDS));
  }

  @Test
  void previousSecretOverlap_isADayByDefault_zeroDisablesIt_andAWeekAtMost() {
    assertEquals(Duration.ofDays(1), TestConfigs.config().previousSecretOverlap());
    assertEquals(
        Duration.ZERO,
        TestConfigs.with(Config.PREVIOUS_SECRET_OVERLAP_SECONDS, "0").previousSecretOverlap());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> TestConfigs.with(Config.PREVIOUS_SECRET_OVERLAP_SECONDS, "604801"));
    assertTrue(e.getMessage().contains(Config.PREVIOUS_SECRET_OVERLAP_SECONDS), e.getMessage());
  }

  @Test
  void trailingSlashOfIssuer_isDropped() {
    assertEquals(
        "https://x.example", TestConfigs.with(Config.ISSUER, "https://x.example/").issuer());
  }

  @Test
  void resourceServerDefaults_followTheIssuer() {
    Config config = TestConfigs.config();
    assertEquals("https://auth.example.org/.well-known/jwks.json", config.jwksUrl());
    assertEquals("https://auth.example.org/api", config.audience());
    assertEquals(Duration.ofSeconds(60), config.clockSkew());
    assertEquals(Config.RevocationCheck.GRANT, config.revocationCheck());
    assertEquals(
        List.of("https://*.planningcenteronline.com", "https://planningcenteronline.com"),
        config.allowedOrigins());
    assertEquals(List.of(), config.previousSigningKeyIds());
  }

  @Test
  void previousSigningKeys_areAList_andAliasesAreRefused() {
    assertEquals(
        List.of("key-a", "key-b"),
        TestConfigs.with(Config.PREVIOUS_SIGNING_KEY_IDS, "key-a, key-b").previousSigningKeyIds());
    assertThrows(
        ConfigException.class, () -> TestConfigs.with(Config.SIGNING_KEY_ID, "alias/signing"));
    assertThrows(
        ConfigException.class,
        () ->
            TestConfigs.with(
                Config.PREVIOUS_SIGNING_KEY_IDS, "arn:aws:kms:us-east-1:1:alias/signing"));
  }

  @Test
  void accessTokenAlgorithm_isES256ByDefault_orRS256() {
    assertEquals(
        Config.AccessTokenAlgorithm.ES256, Config.fromEnvironment(Map.of()).accessTokenAlgorithm());
    assertEquals(
        Config.AccessTokenAlgorithm.ES256,
        TestConfigs.with(Config.ACCESS_TOKEN_ALGORITHM, " ").accessTokenAlgorithm());
    assertEquals(
        Config.AccessTokenAlgorithm.ES256,
        TestConfigs.with(Config.ACCESS_TOKEN_ALGORITHM, "ES256").accessTokenAlgorithm());
    Config rs256 = TestConfigs.with(Config.ACCESS_TOKEN_ALGORITHM, "RS256");
    assertEquals(Config.AccessTokenAlgorithm.RS256, rs256.accessTokenAlgorithm());
    assertEquals(JWSAlgorithm.RS256, rs256.accessTokenAlgorithm().jwsAlgorithm());
    assertEquals("RSA_2048", rs256.accessTokenAlgorithm().kmsKeySpec());
    assertEquals("ECC_NIST_P256", Config.AccessTokenAlgorithm.ES256.kmsKeySpec());
  }

  @Test
  void accessTokenAlgorithm_anythingElse_isRefusedByName() {
    // symmetric, unsigned, other asymmetric algorithms, and JOSE names are case-sensitive
    for (String value : List.of("none", "HS256", "ES384", "PS256", "RS512", "rs256", "RSA_2048")) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> TestConfigs.with(Config.ACCESS_TOKEN_ALGORITHM, value),
              value);
      assertTrue(e.getMessage().contains("ACCESS_TOKEN_ALGORITHM must be ES256 or RS256"), value);
    }
  }

  @Test
  void revocationCheckAndOrigins_areValidated() {
    assertEquals(
        Config.RevocationCheck.NONE,
        TestConfigs.with(Config.REVOCATION_CHECK, "none").revocationCheck());
    assertThrows(ConfigException.class, () -> TestConfigs.with(Config.REVOCATION_CHECK, "maybe"));
    assertThrows(
        ConfigException.class,
        () -> TestConfigs.with(Config.ALLOWED_ORIGINS, "https://x.example/path"));
    assertEquals(
        List.of("https://app.example.com"),
        TestConfigs.with(Config.ALLOWED_ORIGINS, "https://app.example.com").allowedOrigins());
  }
}
