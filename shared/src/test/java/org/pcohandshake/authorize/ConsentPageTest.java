package org.pcohandshake.authorize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.TestConfigs;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.Scope;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.link.PendingLink;
import org.pcohandshake.session.Session;

class ConsentPageTest {

  @Test
  void values_areEscaped_andHeadersForbidFramingAndCaching() {
    HttpResponse page =
        ConsentPage.render(
            "https://auth.example/oauth/authorize",
            "<b>App</b>",
            new Session(Tokens.hash("h"), "u1", "<script>alert(1)</script>"),
            new AuthorizationRequest(
                "pco-addon",
                TestConfigs.REDIRECT,
                "s",
                Scope.parse("people <x>").orElseThrow(),
                ""),
            new PendingLink(
                Optional.of(Tokens.hash("hash")),
                new PcoLink("org<1>", "p&2", "Pat <O'Neil>"),
                "St <Mary>'s"),
            "FORMTOKEN");
    String body = page.body();
    assertFalse(body.contains("<script>alert"));
    assertTrue(body.contains("&lt;script&gt;"));
    assertTrue(body.contains("Pat &lt;O&#39;Neil&gt;"));
    assertTrue(body.contains("org&lt;1&gt;"));
    assertTrue(body.contains("St &lt;Mary&gt;&#39;s (id org&lt;1&gt;)"), "the organization's name");
    assertTrue(body.contains("Didn't start this from Planning Center? Deny."), body);
    assertTrue(body.contains("name=\"form_token\" value=\"FORMTOKEN\""));
    assertTrue(page.headers().get("content-security-policy").contains("frame-ancestors 'none'"));
    assertTrue(
        page.headers()
            .get("content-security-policy")
            .contains("form-action 'self' https://api.planningcenteronline.com"));
    assertTrue(page.headers().get("cache-control").contains("no-store"));
    // so the browser's POST carries the real Origin (no-referrer would make it "null")
    assertEquals("same-origin", page.headers().get("referrer-policy"));
    assertTrue(body.contains("<meta name=\"referrer\" content=\"same-origin\">"));
    assertFalse(body.contains("<script"));
    assertFalse(body.contains("http://"), "no third-party resources");
  }
}
