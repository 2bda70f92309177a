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
    assertEquals("https://api.planningcenteronline.com", config.pco().baseUrl());
    assertEquals(PcoTokenMode.Kind.IDENTIFY, config.pco().tokenMode());
    assertEquals(Duration.ofSeconds(60), config.tokens().refreshGrace());
    assertEquals(Duration.ofSeconds(300), config.tokens().codeTtl());
  }

  @Test
  void pcoLink_lives120SecondsByDefault_within30To600() {
    assertEquals(Duration.ofSeconds(120), Config.fromEnvironment(Map.of()).pco().linkTtl());
    assertEquals(
        Duration.ofSeconds(600),
        TestConfigs.with(Config.PCO_LINK_TTL_SECONDS, "600").pco().linkTtl());
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
        TestConfigs.with(Config.REFRESH_GRACE_SECONDS, "120").tokens().refreshGrace());
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> TestConfigs.with(Config.REFRESH_GRACE_SECONDS, "121"));
    assertTrue(e.getMessage().contains(Config.REFRESH_GRACE_SECONDS));
  }

  @Test
  void previousSecretOverlap_isADayByDefault_zeroDisablesIt_andAWeekAtMost() {
    assertEquals(Duration.ofDays(1), TestConfigs.config().client().previousSecretOverlap());
    assertEquals(
        Duration.ZERO,
        TestConfigs.with(Config.PREVIOUS_SECRET_OVERLAP_SECONDS, "0")
            .client()
            .previousSecretOverlap());
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
    assertEquals("https://auth.example.org/.well-known/jwks.json", config.api().jwksUrl());
    assertEquals("https://auth.example.org/api", config.api().audience());
    assertEquals(Duration.ofSeconds(60), config.api().clockSkew());
    assertEquals(Config.RevocationCheck.GRANT, config.api().revocationCheck());
    assertEquals(
        List.of("https://*.planningcenteronline.com", "https://planningcenteronline.com"),
        config.api().allowedOrigins());
    assertEquals(List.of(), config.signing().previousKeyIds());
  }

  @Test
  void previousSigningKeys_areAList_andAliasesAreRefused() {
    assertEquals(
        List.of("key-a", "key-b"),
        TestConfigs.with(Config.PREVIOUS_SIGNING_KEY_IDS, "key-a, key-b")
            .signing()
            .previousKeyIds());
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
        Config.AccessTokenAlgorithm.ES256, Config.fromEnvironment(Map.of()).signing().algorithm());
    assertEquals(
        Config.AccessTokenAlgorithm.ES256,
        TestConfigs.with(Config.ACCESS_TOKEN_ALGORITHM, " ").signing().algorithm());
    assertEquals(
        Config.AccessTokenAlgorithm.ES256,
        TestConfigs.with(Config.ACCESS_TOKEN_ALGORITHM, "ES256").signing().algorithm());
    Config rs256 = TestConfigs.with(Config.ACCESS_TOKEN_ALGORITHM, "RS256");
    assertEquals(Config.AccessTokenAlgorithm.RS256, rs256.signing().algorithm());
    assertEquals(JWSAlgorithm.RS256, rs256.signing().algorithm().jwsAlgorithm());
    assertEquals("RSA_2048", rs256.signing().algorithm().kmsKeySpec());
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
        TestConfigs.with(Config.REVOCATION_CHECK, "none").api().revocationCheck());
    assertThrows(ConfigException.class, () -> TestConfigs.with(Config.REVOCATION_CHECK, "maybe"));
    assertThrows(
        ConfigException.class,
        () -> TestConfigs.with(Config.ALLOWED_ORIGINS, "https://x.example/path"));
    assertEquals(
        List.of("https://app.example.com"),
        TestConfigs.with(Config.ALLOWED_ORIGINS, "https://app.example.com").api().allowedOrigins());
  }
}
