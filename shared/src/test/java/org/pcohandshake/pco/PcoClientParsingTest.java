package org.pcohandshake.pco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.pcohandshake.pco.PcoException.Kind;

class PcoClientParsingTest {

  private static final Instant SENT = Instant.parse("2030-01-01T10:00:00Z");

  private static final String TOKENS =
      "{\"access_token\":\"at-1\",\"token_type\":\"bearer\",\"expires_in\":7200,"
          + "\"refresh_token\":\"rt-1\",\"scope\":\"people\",\"created_at\":1893492000}";

  private static final String ME =
      "{\"data\":{\"type\":\"Person\",\"id\":\"1001\",\"attributes\":{\"first_name\":\"Pat\","
          + "\"last_name\":\"Example\",\"name\":\"Pat Example\"}},\"included\":[],"
          + "\"meta\":{\"parent\":{\"id\":\"2002\",\"type\":\"Organization\"}}}";

  private static Kind tokenFailure(int status, String body) {
    return assertThrows(
            PcoException.class, () -> PcoClient.parseTokens("refresh", status, body, SENT))
        .kind();
  }

  private static Kind meFailure(int status, String body) {
    return assertThrows(PcoException.class, () -> PcoClient.parseMe(status, body)).kind();
  }

  @Test
  void tokenAnswer_expiryCountsFromWhenTheRequestWasSent() {
    PcoTokens tokens = PcoClient.parseTokens("exchange", 200, TOKENS, SENT);
    assertEquals("at-1", tokens.accessToken());
    assertEquals("rt-1", tokens.refreshToken());
    assertEquals("people", tokens.scope());
    assertEquals(SENT.plusSeconds(7200), tokens.expiresAt());
  }

  @Test
  void tokenAnswer_withoutExpiresIn_assumesPcosTwoHours() {
    PcoTokens tokens = PcoClient.parseTokens("exchange", 200, "{\"access_token\":\"a\"}", SENT);
    assertEquals(SENT.plusSeconds(7200), tokens.expiresAt());
    assertEquals("", tokens.refreshToken());
    assertEquals("", tokens.scope());
  }

  @Test
  void tokenAnswer_invalidGrant_isInvalidGrant() {
    assertEquals(
        Kind.INVALID_GRANT,
        tokenFailure(400, "{\"error\":\"invalid_grant\",\"error_description\":\"x\"}"));
  }

  @Test
  void tokenAnswer_otherClientErrors_areRejected() {
    assertEquals(Kind.REJECTED, tokenFailure(401, "{\"error\":\"invalid_client\"}"));
    assertEquals(Kind.REJECTED, tokenFailure(400, "{\"error\":\"invalid_request\"}"));
    assertEquals(Kind.REJECTED, tokenFailure(400, "<html>"));
  }

  @Test
  void tokenAnswer_serverErrorsRateLimitsAndMalformedJson_areUnavailable() {
    assertEquals(Kind.UNAVAILABLE, tokenFailure(500, ""));
    assertEquals(Kind.UNAVAILABLE, tokenFailure(503, "{\"error\":\"invalid_grant\"}"));
    assertEquals(Kind.UNAVAILABLE, tokenFailure(429, "{}"));
    assertEquals(Kind.UNAVAILABLE, tokenFailure(302, ""));
    assertEquals(Kind.UNAVAILABLE, tokenFailure(200, "not json"));
    assertEquals(Kind.UNAVAILABLE, tokenFailure(200, "{\"token_type\":\"bearer\"}"));
    assertEquals(
        Kind.UNAVAILABLE, tokenFailure(200, "{\"access_token\":\"a\",\"token_type\":\"mac\"}"));
    assertEquals(
        Kind.UNAVAILABLE, tokenFailure(200, "{\"access_token\":\"a\",\"expires_in\":\"soon\"}"));
  }

  @Test
  void failureMessage_carriesNoBodyOrToken() {
    PcoException e =
        assertThrows(
            PcoException.class,
            () ->
                PcoClient.parseTokens(
                    "refresh",
                    200,
                    "{\"access_token\":\"at-secret\",\"token_type\":\"mac\"}",
                    SENT));
    assertFalse(e.getMessage().contains("at-secret"));
    assertFalse(String.valueOf(e.getCause()).contains("at-secret"));
  }

  @Test
  void me_readsPersonOrganizationAndName() {
    assertEquals(new PcoIdentity("2002", "1001", "Pat Example"), PcoClient.parseMe(200, ME));
  }

  @Test
  void me_withoutNameAttribute_joinsFirstAndLastName() {
    String body = ME.replace("\"name\":\"Pat Example\"", "\"name\":\"\"");
    assertEquals("Pat Example", PcoClient.parseMe(200, body).name());
    String noNames =
        "{\"data\":{\"id\":\"1\"},\"meta\":{\"parent\":{\"id\":\"2\",\"type\":\"Organization\"}}}";
    assertEquals(new PcoIdentity("2", "1", ""), PcoClient.parseMe(200, noNames));
  }

  @Test
  void organization_readsTheNameOfTheExpectedOrganizationOnly() {
    String body =
        "{\"data\":{\"type\":\"Organization\",\"id\":\"2002\","
            + "\"attributes\":{\"name\":\" Example Church \",\"time_zone\":\"UTC\"}}}";
    assertEquals("Example Church", PcoClient.parseOrganizationName(200, body, "2002"));
    assertEquals("", PcoClient.parseOrganizationName(200, body, "9999"), "another organization");
    assertEquals(
        "",
        PcoClient.parseOrganizationName(
            200, body.replace("\"Organization\"", "\"Person\""), "2002"));
    assertEquals("", PcoClient.parseOrganizationName(200, "{\"data\":{}}", "2002"));
    assertEquals("", PcoClient.parseOrganizationName(200, "not json", "2002"));
    String longName = body.replace(" Example Church ", "x".repeat(500));
    assertEquals(200, PcoClient.parseOrganizationName(200, longName, "2002").length());
  }

  @Test
  void organization_failureStatus_isAPcoException() {
    assertEquals(
        PcoException.Kind.UNAUTHORIZED,
        assertThrows(PcoException.class, () -> PcoClient.parseOrganizationName(401, "", "1"))
            .kind());
    assertEquals(
        PcoException.Kind.UNAVAILABLE,
        assertThrows(PcoException.class, () -> PcoClient.parseOrganizationName(503, "", "1"))
            .kind());
  }

  @Test
  void me_numericIds_areTolerated() {
    String body = "{\"data\":{\"id\":1001},\"meta\":{\"parent\":{\"id\":2002}}}";
    assertEquals(new PcoIdentity("2002", "1001", ""), PcoClient.parseMe(200, body));
  }

  @Test
  void me_withoutOrganizationOrPerson_isUnavailable() {
    assertEquals(Kind.UNAVAILABLE, meFailure(200, "{\"data\":{\"id\":\"1\"}}"));
    assertEquals(Kind.UNAVAILABLE, meFailure(200, "{\"meta\":{\"parent\":{\"id\":\"2\"}}}"));
    assertEquals(
        Kind.UNAVAILABLE,
        meFailure(200, "{\"data\":{\"id\":\"\"},\"meta\":{\"parent\":{\"id\":\"2\"}}}"));
    assertEquals(
        Kind.UNAVAILABLE,
        meFailure(
            200,
            "{\"data\":{\"id\":\"1\"},\"meta\":{\"parent\":{\"id\":\"2\",\"type\":\"Campus\"}}}"));
    assertEquals(Kind.UNAVAILABLE, meFailure(200, "[]"));
  }

  @Test
  void me_statuses_areClassified() {
    assertEquals(Kind.UNAUTHORIZED, meFailure(401, "{}"));
    assertEquals(Kind.REJECTED, meFailure(403, "{}"));
    assertEquals(Kind.UNAVAILABLE, meFailure(429, "{}"));
    assertEquals(Kind.UNAVAILABLE, meFailure(502, "{}"));
  }

  @Test
  void revoke_anyTwoHundred_isSuccess() {
    PcoClient.checkRevoke(200);
    PcoClient.checkRevoke(204);
    assertEquals(
        Kind.REJECTED, assertThrows(PcoException.class, () -> PcoClient.checkRevoke(403)).kind());
    assertEquals(
        Kind.UNAVAILABLE,
        assertThrows(PcoException.class, () -> PcoClient.checkRevoke(500)).kind());
  }

  @Test
  void retryAfter_isWholeSeconds_cappedAtAnHour_elseAbsent() {
    assertEquals(
        java.util.Optional.of(java.time.Duration.ofSeconds(7)), PcoClient.retryAfter(" 7"));
    assertEquals(java.util.Optional.of(PcoClient.MAX_RETRY_AFTER), PcoClient.retryAfter("999999"));
    for (String header : new String[] {null, "", "-1", "1.5", "Wed, 21 Oct 2026 07:28:00 GMT"}) {
      assertEquals(java.util.Optional.empty(), PcoClient.retryAfter(header), header);
    }
  }
}
