package org.pcohandshake.token;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.crypto.Pkce;
import org.pcohandshake.crypto.TokenHash;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.events.EventPublisher;
import org.pcohandshake.events.EventType;
import org.pcohandshake.grant.AuthorizationCode;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.grant.RefreshToken;
import org.pcohandshake.grant.RevocationReason;
import org.pcohandshake.grant.Scope;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.http.HttpService;
import org.pcohandshake.http.Params;
import org.pcohandshake.json.Json;
import org.pcohandshake.log.Log;
import org.pcohandshake.metrics.Metrics;
import org.pcohandshake.snapstart.Priming;

/**
 * {@code POST /oauth/token} (step 6 and every refresh): client authentication, the
 * authorization-code grant with single use and replay revocation, and the refresh-token grant with
 * rotation, a grace window, reuse detection and an absolute lifetime.
 */
public final class TokenEndpoint implements HttpService {

  /** Renewals of one refresh token tried when concurrent requests keep rotating it first. */
  static final int RENEW_ATTEMPTS = 3;

  private final ClientAuthenticator clients;
  private final GrantStore grants;
  private final AccessTokens accessTokens;
  private final java.time.Duration refreshGrace;
  private final EventPublisher events;
  private final Clock clock;

  /** The real dependencies: AWS clients, the client secret, the table, the signing key. */
  public static TokenEndpoint from(Config config, Clock clock) {
    AwsClients aws = new AwsClients(config);
    return new TokenEndpoint(
        ClientAuthenticator.from(config.client(), aws, clock),
        new GrantStore(aws.dynamoDb(), config.tableName(), clock),
        AccessTokens.from(config, aws.kms(), clock),
        config.tokens().refreshGrace(),
        EventPublisher.lazy(config, aws, clock),
        clock);
  }

  public TokenEndpoint(
      ClientAuthenticator clients,
      GrantStore grants,
      AccessTokens accessTokens,
      java.time.Duration refreshGrace,
      EventPublisher events,
      Clock clock) {
    this.clients = clients;
    this.grants = grants;
    this.accessTokens = accessTokens;
    this.refreshGrace = refreshGrace;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public HttpResponse handle(HttpRequest http) {
    Params form;
    String clientId;
    switch (clients.admit(http, List.of("grant_type", "client_id", "client_secret"))) {
      case ClientAuthenticator.Admission.Refused refused -> {
        return refused.response();
      }
      case ClientAuthenticator.Admission.Admitted admitted -> {
        form = admitted.form();
        clientId = admitted.clientId();
      }
    }
    return switch (form.get("grant_type").orElse("")) {
      case "" -> ErrorCatalog.OAuth.INVALID_REQUEST.json();
      case "authorization_code" -> authorizationCode(http, form, clientId);
      case "refresh_token" -> refreshToken(http, form, clientId);
      default -> ErrorCatalog.OAuth.UNSUPPORTED_GRANT_TYPE.json();
    };
  }

  private HttpResponse authorizationCode(HttpRequest http, Params form, String clientId) {
    Optional<String> code = form.get("code");
    Optional<String> redirectUri = form.get("redirect_uri");
    Optional<String> verifier = form.get("code_verifier");
    if (code.isEmpty() || redirectUri.isEmpty()) {
      return ErrorCatalog.OAuth.INVALID_REQUEST.json();
    }
    if (!Tokens.wellFormed(code.get())) {
      return ErrorCatalog.OAuth.INVALID_GRANT.json();
    }
    TokenHash codeHash = Tokens.hash(code.get());
    Optional<AuthorizationCode> found = grants.findCode(codeHash);
    if (found.isEmpty() || !found.get().grant().clientId().equals(clientId)) {
      return ErrorCatalog.OAuth.INVALID_GRANT.json();
    }
    AuthorizationCode record = found.get();
    if (record.redeemed()) {
      return replay(http, record.grant());
    }
    if (!record.expiresAt().isAfter(clock.instant())
        || !record.redirectUri().equals(redirectUri.get())
        || !pkceSatisfied(record.codeChallenge(), verifier)) {
      Log.warn(http.requestId(), "code_rejected", Map.of("grant", record.grant().id()));
      return ErrorCatalog.OAuth.INVALID_GRANT.json();
    }
    AccessTokens.Issued accessToken = accessTokens.issue(record.grant());
    String refreshToken = Tokens.random();
    return switch (grants.redeem(
        codeHash, record.grant(), Tokens.hash(refreshToken), record.loginAt())) {
      case GrantStore.Redemption.Redeemed r -> {
        Log.info(http.requestId(), "token_issued", Map.of("grant", record.grant().id()));
        Metrics.count(Metrics.Event.TokenGranted);
        yield success(accessToken, refreshToken, record.grant().scope());
      }
      case GrantStore.Redemption.AlreadyRedeemed r -> replay(http, record.grant());
      case GrantStore.Redemption.UserEnded r -> {
        // the user was offboarded after the session that approved this code was opened
        Log.warn(http.requestId(), "code_of_offboarded_user", Map.of("grant", record.grant().id()));
        yield ErrorCatalog.OAuth.INVALID_GRANT.json();
      }
    };
  }

  private HttpResponse replay(HttpRequest http, Grant grant) {
    // also when the grant is not written yet: an exchange still in flight then fails
    boolean revoked = grants.revokeCodeGrant(grant, RevocationReason.CODE_REPLAY.stored());
    Log.warn(
        http.requestId(), "code_replay_detected", Map.of("grant", grant.id(), "revoked", revoked));
    Metrics.count(Metrics.Event.ReplayDetected);
    if (revoked) {
      events.publish(EventType.GRANT_REVOKED, RevocationReason.CODE_REPLAY.eventDetail(grant));
    }
    return ErrorCatalog.OAuth.INVALID_GRANT.json();
  }

  private static boolean pkceSatisfied(String challenge, Optional<String> verifier) {
    if (challenge.isEmpty()) {
      return verifier.isEmpty();
    }
    return verifier.isPresent() && Pkce.verify(verifier.get(), challenge);
  }

  private HttpResponse refreshToken(HttpRequest http, Params form, String clientId) {
    Optional<String> token = form.get("refresh_token");
    if (token.isEmpty()) {
      return ErrorCatalog.OAuth.INVALID_REQUEST.json();
    }
    if (!Tokens.wellFormed(token.get())) {
      return ErrorCatalog.OAuth.INVALID_GRANT.json();
    }
    Optional<RefreshToken> found = grants.findRefresh(Tokens.hash(token.get()));
    if (found.isEmpty() || !found.get().grant().clientId().equals(clientId)) {
      return ErrorCatalog.OAuth.INVALID_GRANT.json();
    }
    RefreshToken old = found.get();
    Grant grant = old.grant();
    Instant now = clock.instant();
    if (!grant.expiresAt().isAfter(now)) {
      return ErrorCatalog.OAuth.INVALID_GRANT.json();
    }
    Optional<String> requested = form.get("scope");
    Scope scope = grant.scope();
    if (requested.isPresent()) {
      // RFC 6749 section 6: a narrower scope may be asked for, never a wider or an empty one
      Optional<Scope> asked = Scope.parse(requested.get());
      if (asked.isEmpty() || asked.get().isEmpty() || !grant.scope().covers(asked.get())) {
        return ErrorCatalog.OAuth.INVALID_SCOPE.json();
      }
      scope = asked.get();
    }
    Instant graceStart = now.minus(refreshGrace);
    Grant narrowed = grant.withScope(scope);
    AccessTokens.Issued accessToken = null;
    for (int attempt = 1; attempt <= RENEW_ATTEMPTS; attempt++) {
      if (old.rotatedAt().isPresent() && old.rotatedAt().get().isBefore(graceStart)) {
        return reuse(http, grant);
      }
      if (accessToken == null) {
        // signed before anything is written
        accessToken = accessTokens.issue(narrowed);
      }
      String refreshToken = Tokens.random();
      switch (grants.rotate(old, Tokens.hash(refreshToken))) {
        case GrantStore.Rotation.Rotated r -> {
          Log.info(
              http.requestId(),
              "token_refreshed",
              Map.of("grant", grant.id(), "inGrace", old.rotatedAt().isPresent()));
          Metrics.count(Metrics.Event.TokenRefreshed);
          return success(accessToken, refreshToken, scope);
        }
        case GrantStore.Rotation.GrantGone g -> {
          return ErrorCatalog.OAuth.INVALID_GRANT.json();
        }
        case GrantStore.Rotation.Reused u -> {
          return reuse(http, grant);
        }
        case GrantStore.Rotation.Raced r -> {
          // rotated by a concurrent request just now: this one is a repeat inside the window
          Optional<RefreshToken> again = grants.findRefresh(old.hash());
          if (again.isEmpty()) {
            return ErrorCatalog.OAuth.INVALID_GRANT.json();
          }
          old = again.get();
        }
      }
    }
    Log.warn(http.requestId(), "refresh_contended", Map.of("grant", grant.id()));
    return ErrorCatalog.OAuth.TEMPORARILY_UNAVAILABLE.json();
  }

  private HttpResponse reuse(HttpRequest http, Grant grant) {
    boolean revoked = grants.revokeGrant(grant.id(), RevocationReason.REFRESH_REUSE.stored());
    Log.warn(
        http.requestId(),
        "refresh_reuse_detected",
        Map.of("grant", grant.id(), "revoked", revoked));
    Metrics.count(Metrics.Event.ReplayDetected);
    if (revoked) {
      events.publish(EventType.GRANT_REVOKED, RevocationReason.REFRESH_REUSE.eventDetail(grant));
    }
    return ErrorCatalog.OAuth.INVALID_GRANT.json();
  }

  private static HttpResponse success(
      AccessTokens.Issued accessToken, String refreshToken, Scope scope) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", accessToken.token());
    body.put("token_type", "Bearer");
    body.put("expires_in", accessToken.expiresIn());
    body.put("refresh_token", refreshToken);
    if (!scope.isEmpty()) {
      body.put("scope", scope.serialize());
    }
    return HttpResponse.json(200, Json.write(body));
  }

  /**
   * SnapStart priming after the function's request (which is answered before client authentication:
   * no secret belongs in a snapshot): the code lookup, the access token's claims and signature, and
   * the redemption transaction, all on values never issued: the read misses, the signature is of a
   * constant, the transaction is refused by its conditions.
   */
  @Override
  public void prime() {
    TokenHash codeHash = Tokens.hash(Priming.NEVER_ISSUED);
    grants.findCode(codeHash);
    accessTokens.prime(Priming.grant(clients.clientId()));
    grants.redeem(
        codeHash,
        Priming.grant(clients.clientId()),
        Tokens.hash(Priming.NEVER_ISSUED_TOO),
        java.time.Instant.EPOCH);
  }
}
