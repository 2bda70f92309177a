package org.pcohandshake.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.owasp.encoder.Encode;

/**
 * Server-rendered pages: one layout, one inline stylesheet (allowed by its CSP hash), every value
 * escaped with the OWASP encoder. Readable on a phone; no scripts, no third-party resources.
 */
public final class Html {

  static final String STYLE =
      "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;"
          + "background:#f4f5f7;color:#1d2330;line-height:1.5}"
          + "main{max-width:30rem;margin:2rem auto;background:#fff;padding:1.5rem;"
          + "border-radius:.75rem;box-shadow:0 1px 4px rgba(0,0,0,.12)}"
          + "h1{font-size:1.35rem;margin:0 0 1rem}"
          + "dl{margin:1rem 0}dt{font-weight:600}dd{margin:0 0 .5rem}"
          + "ul{padding-left:1.2rem}"
          + ".actions{display:flex;gap:.75rem;margin-top:1.5rem;flex-wrap:wrap}"
          + "button,a.button{font:inherit;padding:.7rem 1.2rem;border-radius:.5rem;"
          + "border:1px solid #1d4ed8;cursor:pointer;min-width:8rem;text-decoration:none;"
          + "text-align:center}"
          + "button.primary,a.primary{background:#1d4ed8;color:#fff}"
          + "button.secondary,a.secondary{background:#fff;color:#1d4ed8}"
          + "button:focus,a.button:focus{outline:3px solid #f59e0b;outline-offset:2px}"
          + ".muted{color:#545b69;font-size:.9rem}"
          + "@media (max-width:32rem){main{margin:0;border-radius:0;min-height:100vh}}";

  static final String STYLE_HASH = "sha256-" + sha256Base64(STYLE);

  private Html() {}

  /** Escapes text for HTML element content and quoted attributes. */
  public static String text(String value) {
    return Encode.forHtml(value);
  }

  /** A whole page around already-escaped body markup, leaking no referrer. */
  public static String page(String title, String bodyMarkup) {
    return page(title, bodyMarkup, "no-referrer");
  }

  /**
   * A whole page around already-escaped body markup, with its referrer policy (which must match the
   * page's {@code referrer-policy} header: the meta tag wins over it).
   */
  public static String page(String title, String bodyMarkup, String referrerPolicy) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        + "<meta name=\"referrer\" content=\""
        + text(referrerPolicy)
        + "\">"
        + "<title>"
        + text(title)
        + "</title><style>"
        + STYLE
        + "</style></head><body><main>"
        + bodyMarkup
        + "</main></body></html>";
  }

  /** A page that tells a person what happened and what to do next. */
  public static String message(String title, String message, String nextStep) {
    return page(title, messageBody(title, message, nextStep));
  }

  /**
   * A page that tells a person what happened and what to do next, with a link to do it.
   *
   * @param href where the link goes (escaped here)
   */
  public static String message(
      String title, String message, String nextStep, String href, String linkText) {
    return page(
        title,
        messageBody(title, message, nextStep)
            + "<p><a id=\"restart\" href=\""
            + text(href)
            + "\">"
            + text(linkText)
            + "</a></p>");
  }

  private static String messageBody(String title, String message, String nextStep) {
    return "<h1>"
        + text(title)
        + "</h1><p>"
        + text(message)
        + "</p><p class=\"muted\">"
        + text(nextStep)
        + "</p>";
  }

  private static String sha256Base64(String value) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
