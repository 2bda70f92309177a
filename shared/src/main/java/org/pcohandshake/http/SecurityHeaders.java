package org.pcohandshake.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** The headers every HTML page carries (RFC 9700 section 4.16, clickjacking and caching). */
public final class SecurityHeaders {

  private SecurityHeaders() {}

  /**
   * Page headers. The page's one stylesheet is inline and allowed by its hash; nothing else loads.
   *
   * @param formActionSources extra CSP {@code form-action} sources (the redirect target of a
   *     consent form, since browsers apply form-action to the redirect after a POST)
   */
  public static Map<String, String> forPage(String formActionSources) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("cache-control", "no-store");
    headers.put("pragma", "no-cache");
    headers.put(
        "content-security-policy",
        "default-src 'none'; style-src '"
            + Html.STYLE_HASH
            + "'; img-src 'self'; form-action 'self'"
            + (formActionSources.isEmpty() ? "" : " " + formActionSources)
            + "; frame-ancestors 'none'; base-uri 'none'");
    headers.put("x-frame-options", "DENY");
    headers.put("referrer-policy", "no-referrer");
    headers.put("x-content-type-options", "nosniff");
    headers.put("strict-transport-security", "max-age=31536000");
    return headers;
  }
}
