package org.pcohandshake.authorize;

import org.pcohandshake.http.Html;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.session.LoginIdentity;
import org.pcohandshake.session.Session;

/**
 * Shown when a login returns for another user than the one this browser is signed in as: a live
 * session is never silently replaced. The person chooses to continue as the new user (the same
 * login return, confirmed; in the oidc mode the sign-in held for the choice) or to cancel and stay
 * signed in as before. Links only, no form and no script; every name is escaped.
 */
public final class AccountSwitchPage {

  /**
   * The query parameter of the choice at {@code GET /oauth/authorize}: {@code continue} (the login
   * bridge's return again) or {@code cancel} (the round trip ends, the session stays).
   */
  public static final String CHOICE = "login_switch";

  private AccountSwitchPage() {}

  /**
   * @param current the session this browser holds
   * @param incoming who the login that just returned says the user is
   * @param continueUrl the login return again, with the switch confirmed
   * @param cancelUrl the authorization request without the login, under the current session
   */
  public static HttpResponse render(
      Session current, LoginIdentity incoming, String continueUrl, String cancelUrl) {
    String currentName = displayName(current.name(), current.subject());
    String incomingName = displayName(incoming.name(), incoming.subject());
    String body =
        "<h1 id=\"switch-title\">Switch account?</h1>"
            + "<p>This browser is signed in as <strong id=\"current-user\">"
            + Html.text(currentName)
            + "</strong>.</p>"
            + "<p>The sign-in that just finished is for <strong id=\"incoming-user\">"
            + Html.text(incomingName)
            + "</strong>.</p>"
            + "<p>Continue only if you meant to sign in as "
            + Html.text(incomingName)
            + ". If you did not start this sign-in, cancel.</p>"
            + "<div class=\"actions\"><a class=\"button primary\" id=\"continue-as-new\" href=\""
            + Html.text(continueUrl)
            + "\">Continue as "
            + Html.text(incomingName)
            + "</a><a class=\"button secondary\" id=\"cancel-switch\" href=\""
            + Html.text(cancelUrl)
            + "\">Cancel, stay "
            + Html.text(currentName)
            + "</a></div>";
    return HttpResponse.html(200, Html.page("Switch account?", body), "");
  }

  private static String displayName(String name, String subject) {
    return name.isEmpty() ? subject : name;
  }
}
