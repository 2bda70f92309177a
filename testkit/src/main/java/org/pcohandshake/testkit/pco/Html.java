package org.pcohandshake.testkit.pco;

/** HTML escaping and a page frame for the simulator's pages (test support only). */
final class Html {
  private Html() {}

  /** Escapes text for use in element content and in double- or single-quoted attributes. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A hidden form field with an escaped name and value. */
  static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(value) + "\">";
  }

  /**
   * A whole page. {@code title} is escaped here; {@code bodyHtml} must already be safe (built from
   * escaped pieces).
   */
  static String page(String title, String bodyHtml) {
    return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>%s</title>
        <style>
        body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;\
        color:#222}
        header{color:#555;font-size:.9rem;border-bottom:1px solid #ddd;margin-bottom:1.5rem}
        button,.button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem;cursor:pointer}
        pre{background:#f4f4f4;padding:1rem;overflow:auto;white-space:pre-wrap;\
        word-break:break-all}
        .error{color:#a00}
        </style>
        </head>
        <body>
        <header>Planning Center (simulated)</header>
        %s
        </body>
        </html>
        """
        .formatted(escape(title), bodyHtml);
  }
}
