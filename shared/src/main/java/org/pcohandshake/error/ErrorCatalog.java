package org.pcohandshake.error;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcohandshake.http.Html;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.json.Json;

/**
 * Every error this project answers, in one place, as four types by how it is answered: {@link
 * OAuth} errors a machine reads (the token and revocation endpoints' JSON, RFC 6749 section 5.2,
 * and the resource servers' Bearer challenge, RFC 6750 section 3), each with its HTTP status;
 * {@link Redirect} errors the authorization endpoint sends back to the client in the redirect's
 * query (RFC 6749 section 4.1.2.1), which have no status of their own (the redirect's is the
 * caller's); and {@link Page}s for a person; and the {@link Invocation} errors of the functions the
 * integrator's systems invoke through the AWS SDK. Descriptions are printable ASCII and never carry
 * input, exception text or stack traces.
 */
public final class ErrorCatalog {

  private ErrorCatalog() {}

  /** What every entry has: its name and fixed description. */
  public sealed interface Entry permits OAuth, Redirect, Page, Invocation {
    String name();

    String description();
  }

  /** Every entry of the three types. */
  public static List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    entries.addAll(List.of(OAuth.values()));
    entries.addAll(List.of(Redirect.values()));
    entries.addAll(List.of(Page.values()));
    entries.addAll(List.of(Invocation.values()));
    return List.copyOf(entries);
  }

  /** An OAuth error a machine reads, as JSON or as a Bearer challenge, with its HTTP status. */
  public enum OAuth implements Entry {
    // Token and revocation endpoints (JSON, RFC 6749 section 5.2).
    INVALID_REQUEST(400, "invalid_request", "The request is missing a parameter or is malformed."),
    REPEATED_PARAMETER(400, "invalid_request", "A parameter was sent more than once."),
    TWO_CLIENT_AUTH_METHODS(
        400, "invalid_request", "Use exactly one client authentication method."),
    SECRET_IN_QUERY(400, "invalid_request", "Client credentials must not be sent in the URL."),
    UNSUPPORTED_MEDIA_TYPE(
        400, "invalid_request", "The body must be application/x-www-form-urlencoded or JSON."),
    REQUEST_TOO_LARGE(413, "invalid_request", "The request is too large."),
    INVALID_CLIENT(401, "invalid_client", "Client authentication failed."),
    INVALID_GRANT(
        400,
        "invalid_grant",
        "The grant is invalid, expired, revoked or was issued to another client."),
    UNSUPPORTED_GRANT_TYPE(400, "unsupported_grant_type", "The grant type is not supported."),
    INVALID_SCOPE(
        400, "invalid_scope", "The requested scope is invalid or exceeds the granted scope."),
    TOKEN_OF_ANOTHER_CLIENT(
        400, "unauthorized_client", "The token was not issued to the authenticated client."),
    SERVER_ERROR(500, "server_error", "The server met an unexpected problem."),
    TEMPORARILY_UNAVAILABLE(
        503, "temporarily_unavailable", "The server is temporarily unavailable; retry shortly."),

    // Resource servers (RFC 6750 section 3): answered with a WWW-Authenticate: Bearer challenge.
    TOKEN_MISSING(401, "", "An access token is required in the Authorization header."),
    INVALID_TOKEN(401, "invalid_token", "The access token is invalid, expired or revoked."),
    TOKEN_IN_QUERY(
        400,
        "invalid_request",
        "Send the access token in the Authorization header, never in the URL.");

    private final int status;
    private final String code;
    private final String description;

    OAuth(int status, String code, String description) {
      this.status = status;
      this.code = code;
      this.description = description;
    }

    public int status() {
      return status;
    }

    /** The OAuth error code; empty for {@link #TOKEN_MISSING}, whose challenge names none. */
    public String code() {
      return code;
    }

    @Override
    public String description() {
      return description;
    }

    /** The JSON error response of the token and revocation endpoints. */
    public HttpResponse json() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", code);
      body.put("error_description", description);
      return HttpResponse.json(status, Json.write(body));
    }

    /**
     * The answer of a resource server (RFC 6750 section 3): the status, a {@code WWW-Authenticate:
     * Bearer} challenge that names the error when there is one (none when no token was sent), and
     * the same in a JSON body.
     */
    public HttpResponse bearer() {
      Map<String, Object> body = new LinkedHashMap<>();
      if (!code.isEmpty()) {
        body.put("error", code);
      }
      body.put("error_description", description);
      String challenge =
          code.isEmpty()
              ? "Bearer"
              : "Bearer error=\"" + code + "\", error_description=\"" + description + "\"";
      return HttpResponse.json(status, Json.write(body)).withHeader("www-authenticate", challenge);
    }
  }

  /**
   * An authorization endpoint error sent back to the client by redirect (RFC 6749 section 4.1.2.1):
   * an {@code error} code and description for the redirect's query, no status.
   */
  public enum Redirect implements Entry {
    UNSUPPORTED_RESPONSE_TYPE("unsupported_response_type", "Only response_type=code is supported."),
    INVALID_REQUEST("invalid_request", "The authorization request is malformed."),
    PKCE_INVALID("invalid_request", "code_challenge must be S256 with a 43-character challenge."),
    INVALID_SCOPE("invalid_scope", "The requested scope is not available."),
    ACCESS_DENIED("access_denied", "The user denied the request."),
    PCO_LINK_MISSING(
        "access_denied",
        "The authorization did not come from the add-on's Planning Center sign-in, or took too long."),
    LOGIN_NOT_COMPLETED(
        "access_denied",
        "The sign-in did not complete in the browser that started it, or took too long."),
    CONSENT_TIMED_OUT("access_denied", "The approval form expired before it was submitted.");

    private final String code;
    private final String description;

    Redirect(String code, String description) {
      this.code = code;
      this.description = description;
    }

    /** The OAuth error code for the {@code error} parameter. */
    public String code() {
      return code;
    }

    @Override
    public String description() {
      return description;
    }
  }

  /** A readable page for a person, never a redirect. */
  public enum Page implements Entry {
    UNKNOWN_CLIENT(
        400,
        "Unknown application",
        "The application that sent you here is not registered with this service.",
        "Close this window and start the connection again from Planning Center."),
    BAD_REDIRECT(
        400,
        "Unrecognised return address",
        "The address this request asks us to send you back to is not one we allow, so we stopped here.",
        "Close this window and start the connection again from Planning Center."),
    BAD_REQUEST(
        400,
        "This request could not be read",
        "The link that brought you here is incomplete or malformed.",
        "Close this window and start the connection again from Planning Center."),
    LOGIN_FAILED(
        400,
        "We could not sign you in",
        "Your sign-in could not be confirmed: it may have expired or been used already.",
        "Close this window and start the connection again from Planning Center."),
    LOGIN_NOT_BOUND(
        400,
        "This sign-in did not start here",
        "The sign-in that brought you here was not started in this browser, took longer than 30"
            + " minutes, or a newer one replaced it, so we did not sign you in. If someone sent you"
            + " this link, do not continue.",
        "Go back to Planning Center and click Authorize again."),
    LOGIN_CLAIMS_REFUSED(
        400,
        "We could not sign you in",
        "Your sign-in carried account details this service cannot accept (too large, or of a kind"
            + " it does not take), so we did not sign you in. Nothing was connected.",
        "Close this window and tell the administrator of the account you signed in to."),
    CONSENT_TIMED_OUT(
        400,
        "This approval form has expired",
        "The form was open longer than it stays valid, so nothing was connected and no access was"
            + " granted.",
        "Go back to Planning Center and click Authorize again."),
    CONSENT_EXPIRED(
        400,
        "This approval form has expired",
        "The form was already used, has expired, or belongs to another session. No access was granted.",
        "Close this window and start the connection again from Planning Center."),
    SERVER_ERROR(
        500,
        "Something went wrong",
        "We met an unexpected problem. Nothing was connected.",
        "Please try again in a minute. If it keeps happening, contact the add-on's support."),
    UNAVAILABLE(
        503,
        "Temporarily unavailable",
        "A service we depend on is not answering right now. Nothing was connected.",
        "Please try again in a minute."),
    OIDC_CANCELLED(
        400,
        "Sign-in was cancelled",
        "The sign-in service says the sign-in was cancelled or access was not allowed, so you are"
            + " not signed in. Nothing was connected.",
        "To connect, go back to Planning Center and click Authorize again."),
    OIDC_SIGN_IN_NEEDED(
        400,
        "The sign-in service needs you to sign in",
        "The sign-in service could not complete the sign-in without you: it needs you to sign in,"
            + " choose an account or agree to something first. Nothing was connected.",
        "Go back to Planning Center and click Authorize again, then sign in."),
    OIDC_PROVIDER_FAILED(
        502,
        "The sign-in service reported a problem",
        "The sign-in service could not complete the sign-in because of a problem on its side."
            + " Nothing was connected.",
        "Wait a minute, then go back to Planning Center and click Authorize again."),
    OIDC_MISCONFIGURED(
        502,
        "The sign-in service refused this application",
        "The sign-in service did not accept this application's sign-in request, so you could not"
            + " be signed in. Nothing was connected.",
        "Please contact the add-on's support: trying again will not help until its setup is fixed."),
    OIDC_UNAVAILABLE(
        502,
        "The sign-in service is not answering",
        "The sign-in service did not answer in time or answered something we could not use."
            + " Nothing was connected.",
        "Wait a minute, then go back to Planning Center and click Authorize again."),
    OIDC_NOT_CONFIGURED(
        404,
        "Nothing here",
        "This service does not sign people in through an identity provider.",
        "Close this window and start the connection again from Planning Center."),
    PCO_LINK_MISSING(
        400,
        "Start again from Planning Center",
        "We did not receive your Planning Center sign-in for this request: it did not start from the"
            + " add-on's Authorize button in Planning Center, or it took too long. Nothing was"
            + " connected.",
        "Go back to Planning Center and click Authorize again."),
    PCO_BAD_CODE(
        400,
        "This return from Planning Center could not be read",
        "The authorization code in the address is not one Planning Center sends, so we did not use"
            + " it. Nothing was connected.",
        "Close this window and click Authorize again in Planning Center."),
    PCO_DENIED(
        400,
        "Planning Center access was not allowed",
        "You chose not to allow access in Planning Center, so the add-on was not connected.",
        "To connect it, close this window and click Authorize again in Planning Center."),
    PCO_MISSING_CODE(
        400,
        "Planning Center did not send a code",
        "The return from Planning Center is missing its authorization code.",
        "Close this window and click Authorize again in Planning Center."),
    PCO_INVALID_GRANT(
        400,
        "Planning Center code expired",
        "The authorization from Planning Center has expired or was already used.",
        "Close this window and click Authorize again in Planning Center."),
    PCO_UNAVAILABLE(
        502,
        "Planning Center is not answering",
        "Planning Center did not answer in time or reported an error, so the add-on was not connected.",
        "Wait a minute, then close this window and click Authorize again in Planning Center."),
    PCO_REJECTED(
        502,
        "Planning Center refused the connection",
        "Planning Center did not accept this add-on's request, so the add-on was not connected.",
        "Please contact the add-on's support: trying again will not help until its setup is fixed.");

    private final int status;
    private final String title;
    private final String description;
    private final String nextStep;

    Page(int status, String title, String description, String nextStep) {
      this.status = status;
      this.title = title;
      this.description = description;
      this.nextStep = nextStep;
    }

    public int status() {
      return status;
    }

    public String title() {
      return title;
    }

    @Override
    public String description() {
      return description;
    }

    /** The readable page. */
    public HttpResponse page() {
      return HttpResponse.html(status, Html.message(title, description, nextStep), "");
    }

    /** The readable page, with a link that takes the next step. */
    public HttpResponse page(String href, String linkText) {
      return HttpResponse.html(
          status, Html.message(title, description, nextStep, href, linkText), "");
    }
  }

  /**
   * An error of an invoke-style function ({@link org.pcohandshake.invoke.InvokeFunction}): a code
   * the caller's code branches on and a fixed description; the reply adds typed details.
   */
  public enum Invocation implements Entry {
    INVALID_REQUEST("invalid_request", "The command is missing an argument or one is malformed."),
    UNKNOWN_OPERATION("unknown_operation", "The function has no such operation."),
    NOT_FOUND("not_found", "There is nothing with that id."),
    NOT_CONNECTED(
        "not_connected", "There is no Planning Center connection for that organization or person."),
    REAUTHORIZATION_REQUIRED(
        "reauthorization_required",
        "The Planning Center connection no longer works; the person must connect again."),
    PCO_UNAVAILABLE(
        "pco_unavailable", "Planning Center could not be reached or failed; try again later."),
    UNAVAILABLE("unavailable", "A dependency is unavailable or throttled; try again later."),
    INTERNAL_ERROR("internal_error", "The function failed; the detail is in its log.");

    private final String code;
    private final String description;

    Invocation(String code, String description) {
      this.code = code;
      this.description = description;
    }

    /** The {@code error} member of the reply. */
    public String code() {
      return code;
    }

    @Override
    public String description() {
      return description;
    }
  }
}
