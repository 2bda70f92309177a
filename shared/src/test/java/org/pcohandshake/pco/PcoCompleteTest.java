package org.pcohandshake.pco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.TestConfigs;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.log.Log;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The answers of step 2 that need neither Planning Center nor the table. The clients point at a
 * closed port: any call to PCO or DynamoDB would fail the test.
 */
class PcoCompleteTest {

  private static final String NOWHERE = "http://127.0.0.1:9";

  private final Config config = TestConfigs.config();
  private final DynamoDbClient dynamo =
      DynamoDbClient.builder()
          .region(Region.US_EAST_1)
          .credentialsProvider(AnonymousCredentialsProvider.create())
          .endpointOverride(URI.create(NOWHERE))
          .build();
  private final LinkStore links =
      new LinkStore(dynamo, "table", Duration.ofMinutes(15), Clock.systemUTC());
  private final PcoClient pco =
      new PcoClient(NOWHERE, "client", () -> "secret", Duration.ofMillis(200), Clock.systemUTC());
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

  PcoCompleteTest() {
    Log.to(new PrintStream(logs, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreLog() {
    Log.to(System.out);
    dynamo.close();
  }

  private HttpResponse get(PcoComplete.Mode mode, String rawQuery) {
    APIGatewayV2HTTPEvent event =
        APIGatewayV2HTTPEvent.builder()
            .withRawPath(PcoComplete.PATH)
            .withRawQueryString(rawQuery)
            .withRequestContext(
                APIGatewayV2HTTPEvent.RequestContext.builder()
                    .withRequestId("req-1")
                    .withHttp(
                        APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                            .withMethod("GET")
                            .build())
                    .build())
            .build();
    return new PcoComplete(config, mode, links).handle(HttpRequest.from(event));
  }

  private HttpResponse get(String rawQuery) {
    return get(new PcoComplete.Mode.Identify(pco), rawQuery);
  }

  private static void assertPage(ErrorCatalog.Page expected, HttpResponse response) {
    assertEquals(expected.status(), response.status());
    assertEquals(expected.page().body(), response.body());
    assertTrue(response.cookies().isEmpty(), "no cookie on an error page");
    assertFalse(response.headers().containsKey("location"));
  }

  @Test
  void accessDenied_answersTheDeniedPage() {
    assertPage(ErrorCatalog.Page.PCO_DENIED, get("error=access_denied&state=s"));
  }

  @Test
  void errorWins_evenWithACode() {
    assertPage(ErrorCatalog.Page.PCO_DENIED, get("code=c-123&error=access_denied"));
  }

  @Test
  void pcoServerError_answersUnavailable() {
    assertPage(ErrorCatalog.Page.PCO_UNAVAILABLE, get("error=server_error"));
    assertPage(ErrorCatalog.Page.PCO_UNAVAILABLE, get("error=temporarily_unavailable"));
  }

  @Test
  void otherPcoErrors_answerRejected() {
    assertPage(ErrorCatalog.Page.PCO_REJECTED, get("error=invalid_scope"));
    assertPage(ErrorCatalog.Page.PCO_REJECTED, get("error=%3Cscript%3E"));
  }

  @Test
  void missingOrEmptyCode_answersMissingCode() {
    assertPage(ErrorCatalog.Page.PCO_MISSING_CODE, get(""));
    assertPage(ErrorCatalog.Page.PCO_MISSING_CODE, get("code=&state=x"));
    assertPage(ErrorCatalog.Page.PCO_MISSING_CODE, get(new PcoComplete.Mode.Skip(), "state=x"));
  }

  @Test
  void implausibleCode_answersItsPage_beforeAnyCall_inEveryMode() {
    // PCO is unreachable here: an attempted exchange would answer PAGE_PCO_UNAVAILABLE
    for (String query :
        new String[] {"code=" + "a".repeat(1025), "code=a%00b", "code=a%7Fb", "code=caf%C3%A9"}) {
      assertPage(ErrorCatalog.Page.PCO_BAD_CODE, get(query));
      assertPage(ErrorCatalog.Page.PCO_BAD_CODE, get(new PcoComplete.Mode.Skip(), query));
    }
  }

  @Test
  void plausibleCode_isOneToOneThousandTwentyFourVsChars() {
    assertTrue(PcoComplete.plausibleCode("a"));
    assertTrue(PcoComplete.plausibleCode("a".repeat(1024)));
    assertTrue(PcoComplete.plausibleCode(" !~AZaz09-._+/=\"'"));
    assertFalse(PcoComplete.plausibleCode(""));
    assertFalse(PcoComplete.plausibleCode("a".repeat(1025)));
    assertFalse(PcoComplete.plausibleCode("a\tb"));
    assertFalse(PcoComplete.plausibleCode("a\u007fb"));
    assertFalse(PcoComplete.plausibleCode("\u00e9"));
  }

  @Test
  void skip_redirectsToTheExactAdvanceUrl_withoutCallingAnything() {
    HttpResponse response = get(new PcoComplete.Mode.Skip(), "code=c-123");
    assertEquals(302, response.status());
    assertEquals(
        "https://api.planningcenteronline.com/addons/authorizations/4242/advance",
        response.headers().get("location"));
    assertTrue(response.cookies().isEmpty());
    assertEquals("no-store", response.headers().get("cache-control"));
  }

  @Test
  void pcoUnreachable_answersUnavailable() {
    assertPage(ErrorCatalog.Page.PCO_UNAVAILABLE, get("code=c-123"));
  }

  @Test
  void logs_nameTheOutcome_neverTheCodeOrFreeText() {
    get("code=code-5e1f&error=access_denied");
    get("error=free-text-9d2c");
    get("code=code-5e1f");
    String written = logs.toString(StandardCharsets.UTF_8);
    assertTrue(written.contains("\"event\":\"pco_complete\""), written);
    assertTrue(written.contains("access_denied"), written);
    assertTrue(written.contains("exchange_unavailable"), written);
    assertFalse(written.contains("code-5e1f"), written);
    assertFalse(written.contains("free-text-9d2c"), written);
  }
}
