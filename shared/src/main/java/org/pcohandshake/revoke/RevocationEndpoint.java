package org.pcohandshake.revoke;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.discovery.KmsPublicKeys;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.grant.RefreshToken;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.http.HttpService;
import org.pcohandshake.http.Params;
import org.pcohandshake.log.Log;
import org.pcohandshake.metrics.Metrics;
import org.pcohandshake.snapstart.Priming;
import org.pcohandshake.token.ClientAuthenticator;
import org.pcohandshake.verify.AccessTokenVerifier;
import org.pcohandshake.verify.CachedJwks;
import org.pcohandshake.verify.GrantCheck;
import org.pcohandshake.verify.Verification;

/**
 * {@code POST /oauth/revoke} (RFC 7009). The client authenticates as at the token endpoint. The
 * token's own shape says what it is (a refresh token is 43 base64url characters, an access token a
 * JWS), so {@code token_type_hint} is accepted and not needed. Revoking either kind revokes the
 * grant it belongs to: every refresh token of the family stops at once, and access tokens stop as
 * the resource server's revocation policy says. A token that is unknown, malformed, expired or
 * already revoked answers 200 as well (section 2.2: the client's goal is already reached); a token
 * issued to another client is refused. Every answer is {@code no-store}.
 */
public final class RevocationEndpoint implements HttpService {

  private final ClientAuthenticator clients;
  private final GrantStore grants;
  private final AccessTokenVerifier accessTokens;

  /**
   * The real dependencies. Access tokens are verified against the signing keys read from KMS (this
   * function signs nothing but may read the public keys), not over HTTP from our own JWKS: same
   * keys, one network hop less, and no call from the API back into itself.
   */
  public static RevocationEndpoint from(Config config, Clock clock) {
    AwsClients aws = new AwsClients(config);
    KmsPublicKeys keys =
        new KmsPublicKeys(
            aws.kms(),
            config.signing().keyId(),
            config.signing().previousKeyIds(),
            config.signing().algorithm());
    return new RevocationEndpoint(
        ClientAuthenticator.from(config.client(), aws, clock),
        new GrantStore(aws.dynamoDb(), config.tableName(), clock),
        new AccessTokenVerifier(
            new CachedJwks(keys::jwkSet, CachedJwks.TTL, CachedJwks.MIN_REFRESH_INTERVAL, clock),
            config.signing().algorithm(),
            config.issuer(),
            config.api().audience(),
            config.api().clockSkew(),
            GrantCheck.none(),
            clock));
  }

  /**
   * @param accessTokens verifies access tokens before their {@code sid} is trusted; it needs no
   *     revocation check of its own
   */
  public RevocationEndpoint(
      ClientAuthenticator clients, GrantStore grants, AccessTokenVerifier accessTokens) {
    this.clients = clients;
    this.grants = grants;
    this.accessTokens = accessTokens;
  }

  @Override
  public HttpResponse handle(HttpRequest http) {
    Params form;
    String clientId;
    switch (clients.admit(
        http, List.of("token", "token_type_hint", "client_id", "client_secret"))) {
      case ClientAuthenticator.Admission.Refused refused -> {
        return refused.response();
      }
      case ClientAuthenticator.Admission.Admitted admitted -> {
        form = admitted.form();
        clientId = admitted.clientId();
      }
    }
    Optional<String> token = form.get("token");
    if (token.isEmpty()) {
      return ErrorCatalog.OAuth.INVALID_REQUEST.json();
    }
    if (Tokens.wellFormed(token.get())) {
      return revokeRefreshToken(http, token.get(), clientId);
    }
    if (token.get().chars().filter(c -> c == '.').count() == 2) {
      return revokeAccessToken(http, token.get(), clientId);
    }
    Log.info(http.requestId(), "revocation_ignored", Map.of("reason", "unrecognised_token"));
    return revoked();
  }

  private HttpResponse revokeRefreshToken(HttpRequest http, String token, String clientId) {
    Optional<RefreshToken> found = grants.findRefresh(Tokens.hash(token));
    if (found.isEmpty()) {
      Log.info(http.requestId(), "revocation_ignored", Map.of("reason", "unknown_refresh_token"));
      return revoked();
    }
    return revokeGrant(http, found.get().grant().id(), found.get().grant().clientId(), clientId);
  }

  private HttpResponse revokeAccessToken(HttpRequest http, String token, String clientId) {
    return switch (accessTokens.verify(token)) {
      case Verification.Invalid invalid -> {
        Log.info(
            http.requestId(),
            "revocation_ignored",
            Map.of("reason", "access_token_" + invalid.reason()));
        yield revoked();
      }
      case Verification.Valid valid ->
          revokeGrant(http, valid.claims().grantId(), valid.claims().clientId(), clientId);
    };
  }

  private HttpResponse revokeGrant(
      HttpRequest http, String grantId, String issuedTo, String clientId) {
    if (!issuedTo.equals(clientId)) {
      Log.warn(http.requestId(), "revocation_refused", Map.of("grant", grantId));
      return ErrorCatalog.OAuth.TOKEN_OF_ANOTHER_CLIENT.json();
    }
    boolean revoked = grants.revokeGrant(grantId, "revoked_by_client");
    Log.info(http.requestId(), "grant_revoked", Map.of("grant", grantId, "now", revoked));
    if (revoked) {
      Metrics.count(Metrics.Event.GrantRevoked);
    }
    return revoked();
  }

  /** 200 with an empty body (RFC 7009 section 2.2), never cached. */
  private static HttpResponse revoked() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("cache-control", "no-store");
    headers.put("pragma", "no-cache");
    return new HttpResponse(200, headers, List.of(), "");
  }

  /**
   * SnapStart priming after the function's request (refused before client authentication: no secret
   * belongs in a snapshot): on values never issued, the refresh token's lookup, which misses, the
   * grant's revocation, which the table refuses (no such grant), and the access token's checks
   * without a key read from KMS ({@link AccessTokenVerifier#prime()}).
   */
  @Override
  public void prime() {
    grants.findRefresh(Tokens.hash(Priming.NEVER_ISSUED));
    grants.revokeGrant(Priming.GRANT_ID, "priming");
    accessTokens.prime();
  }
}
