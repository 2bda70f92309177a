package org.pcohandshake.oidc;

import org.pcohandshake.config.LoginMode;
import org.pcohandshake.crypto.Pkce;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.http.Params;
import org.pcohandshake.session.LoginBinding;

/**
 * Sends a visitor without a session to the identity provider (OpenID Connect Core section 3.1.2.1):
 * the authorization code flow with a fresh {@code state}, {@code nonce} and PKCE S256 challenge,
 * bound to this browser by the pre-login cookie ({@code __Host-pco_hs_login}) and a stored,
 * single-use login request. The PKCE verifier is derived from the cookie and the {@code state}, so
 * the table holds no secret of the round trip and only the browser holding the cookie can redeem
 * the code.
 */
public final class OidcLogin {

  private final OidcProvider provider;
  private final LoginRequestStore requests;
  private final String callbackUrl;

  /**
   * @param callbackUrl this stack's redirect URI at the provider ({@code ISSUER} + {@code
   *     /oauth/login/callback})
   */
  public OidcLogin(OidcProvider provider, LoginRequestStore requests, String callbackUrl) {
    this.provider = provider;
    this.requests = requests;
    this.callbackUrl = callbackUrl;
  }

  /**
   * Starts a sign-in that comes back to {@code returnTo}.
   *
   * @throws OidcException {@code UNAVAILABLE} when the provider's discovery document cannot be had
   */
  public HttpResponse begin(String returnTo) {
    ProviderMetadata metadata = provider.metadata();
    String roundTrip = LoginBinding.begin();
    String state = Tokens.random();
    String nonce = Tokens.random();
    requests.put(new LoginRequest(Tokens.hash(state), Tokens.hash(roundTrip), nonce, returnTo));
    return redirect(metadata, provider.settings(), callbackUrl, roundTrip, state, nonce);
  }

  /** The redirect to the provider for a round trip's values (no value is drawn here). */
  static HttpResponse redirect(
      ProviderMetadata metadata,
      LoginMode.Oidc settings,
      String callbackUrl,
      String roundTrip,
      String state,
      String nonce) {
    String endpoint = metadata.authorizationEndpoint();
    String location =
        endpoint
            + (endpoint.contains("?") ? "&" : "?")
            + "response_type=code&client_id="
            + Params.encode(settings.clientId())
            + "&redirect_uri="
            + Params.encode(callbackUrl)
            + "&scope="
            + Params.encode(String.join(" ", settings.scopes()))
            + "&state="
            + state
            + "&nonce="
            + nonce
            + "&code_challenge="
            + Pkce.challenge(verifier(roundTrip, state))
            + "&code_challenge_method=S256";
    return HttpResponse.redirect(302, location)
        .withCookie(Cookies.set(Cookies.LOGIN, roundTrip, LoginBinding.LIFETIME));
  }

  /**
   * The PKCE verifier of a round trip: the SHA-256 of the pre-login cookie and the {@code state}
   * (43 base64url characters, RFC 7636 section 4.1).
   */
  static String verifier(String roundTrip, String state) {
    return Tokens.hash(roundTrip + "\npkce\n" + state).value();
  }

  /**
   * Priming: the redirect built for a sample provider and a round trip never started (no discovery
   * fetch, no value drawn, nothing stored).
   */
  public static void prime(LoginMode.Oidc settings, String callbackUrl, String neverIssued) {
    redirect(
        ProviderMetadata.sample(settings.issuer()),
        settings,
        callbackUrl,
        neverIssued,
        neverIssued,
        neverIssued);
  }
}
