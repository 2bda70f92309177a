package org.pcohandshake.authorize;

import java.net.URI;
import org.pcohandshake.http.Html;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.link.PendingLink;
import org.pcohandshake.session.Session;

/** The consent page: escaped, accessible, no scripts, readable on a phone. */
public final class ConsentPage {

  static final String CLIENT_NAME = "Planning Center";

  /**
   * Not {@code no-referrer} like other pages: under it browsers send {@code Origin: null} with the
   * form's same-origin POST (Fetch, "serializing a request origin"), which the decision's origin
   * check rightly rejects. {@code same-origin} sends the real Origin to this API and still no
   * Referer to any other origin (the redirect to PCO carries its own {@code no-referrer}).
   */
  static final String REFERRER_POLICY = "same-origin";

  private ConsentPage() {}

  public static HttpResponse render(
      String actionUrl,
      String appName,
      Session session,
      AuthorizationRequest request,
      PendingLink pending,
      String formToken) {
    PcoLink link = pending.link();
    StringBuilder body = new StringBuilder();
    body.append("<h1 id=\"consent-title\">Connect ")
        .append(Html.text(CLIENT_NAME))
        .append(" to ")
        .append(Html.text(appName))
        .append("?</h1>");
    body.append("<p>Signed in as <strong id=\"signed-in-as\">")
        .append(Html.text(session.name().isEmpty() ? session.subject() : session.name()))
        .append("</strong>.</p>");
    if (link.present()) {
      body.append("<dl id=\"pco-identity\"><dt>Planning Center person</dt><dd>")
          .append(Html.text(link.personName().isEmpty() ? "Person" : link.personName()))
          .append(" (id ")
          .append(Html.text(link.personId()))
          .append(")</dd><dt>Planning Center organization</dt><dd id=\"pco-organization\">");
      if (pending.organizationName().isEmpty()) {
        body.append("id ").append(Html.text(link.organizationId()));
      } else {
        body.append(Html.text(pending.organizationName()))
            .append(" (id ")
            .append(Html.text(link.organizationId()))
            .append(')');
      }
      body.append("</dd></dl>");
    }
    body.append("<p>")
        .append(Html.text(CLIENT_NAME))
        .append(" will be able to:</p><ul id=\"scopes\">");
    if (request.scope().isEmpty()) {
      body.append("<li>use your account on your behalf from its add-on</li>");
    } else {
      for (String scope : request.scope().tokens()) {
        body.append("<li>").append(Html.text(scope)).append("</li>");
      }
    }
    body.append("</ul>");
    body.append("<form method=\"post\" action=\"")
        .append(Html.text(actionUrl))
        .append("\" aria-labelledby=\"consent-title\">")
        .append("<input type=\"hidden\" name=\"form_token\" value=\"")
        .append(Html.text(formToken))
        .append("\"><p id=\"not-started-here\"><strong>Didn't start this from ")
        .append(Html.text(CLIENT_NAME))
        .append("? Deny.</strong></p><div class=\"actions\">")
        .append(
            "<button class=\"primary\" type=\"submit\" name=\"decision\" value=\"approve\""
                + " id=\"approve\">Allow</button>")
        .append(
            "<button class=\"secondary\" type=\"submit\" name=\"decision\" value=\"deny\""
                + " id=\"deny\">Deny</button>")
        .append("</div></form>");
    String returnHost = URI.create(request.redirectUri()).getHost();
    body.append("<p class=\"muted\">Either way you will return to ")
        .append(Html.text(returnHost))
        .append(".</p>");
    return HttpResponse.html(
            200,
            Html.page("Connect " + CLIENT_NAME, body.toString(), REFERRER_POLICY),
            origin(request.redirectUri()))
        .withHeader("referrer-policy", REFERRER_POLICY);
  }

  /** The scheme, host and port of a URL, as a CSP source. */
  static String origin(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }
}
