package org.pcohandshake.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.testkit.json.TestJson;

class ErrorCatalogTest {

  @Test
  void everyDescription_isPrintableAsciiWithoutQuotesOrBackslash() {
    for (ErrorCatalog.Entry error : ErrorCatalog.entries()) {
      // RFC 6749 section 5.2: error_description is %x20-21 / %x23-5B / %x5D-7E
      assertTrue(error.description().matches("[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]+"), error.name());
    }
  }

  @Test
  void everyEntryOfTheFourTypes_isChecked() {
    assertEquals(
        ErrorCatalog.OAuth.values().length
            + ErrorCatalog.Redirect.values().length
            + ErrorCatalog.Page.values().length
            + ErrorCatalog.Invocation.values().length,
        ErrorCatalog.entries().size());
  }

  @Test
  void jsonError_hasCodeDescriptionAndNoStoreHeaders() throws Exception {
    HttpResponse response = ErrorCatalog.OAuth.INVALID_GRANT.json();
    assertEquals(400, response.status());
    assertEquals("no-store", response.headers().get("cache-control"));
    assertEquals("no-cache", response.headers().get("pragma"));
    Map<String, Object> body = TestJson.object(response.body());
    assertEquals("invalid_grant", body.get("error"));
  }

  @Test
  void page_carriesSecurityHeaders() {
    HttpResponse page = ErrorCatalog.Page.BAD_REDIRECT.page();
    assertTrue(page.headers().get("content-security-policy").contains("frame-ancestors 'none'"));
    assertEquals("DENY", page.headers().get("x-frame-options"));
    assertEquals("no-referrer", page.headers().get("referrer-policy"));
    assertEquals("no-store", page.headers().get("cache-control"));
    assertTrue(page.body().contains("Unrecognised return address"));
  }

  @Test
  void bearerAnswers_carryTheRfc6750Challenge() {
    HttpResponse invalid = ErrorCatalog.OAuth.INVALID_TOKEN.bearer();
    assertEquals(401, invalid.status());
    assertTrue(
        invalid.headers().get("www-authenticate").startsWith("Bearer error=\"invalid_token\""));
    assertEquals("no-store", invalid.headers().get("cache-control"));
    HttpResponse missing = ErrorCatalog.OAuth.TOKEN_MISSING.bearer();
    assertEquals(401, missing.status());
    assertEquals("Bearer", missing.headers().get("www-authenticate"));
  }
}
