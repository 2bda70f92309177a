package org.pcohandshake.token;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.http.Params;
import org.pcohandshake.log.Log;
import org.pcohandshake.metrics.Metrics;
import org.pcohandshake.secrets.SecretCache;

/**
 * Client authentication (RFC 6749 section 2.3.1): {@code client_secret_basic} or {@code
 * client_secret_post}, never both in one request, never in the query string. The secret comes from
 * Secrets Manager; the current and the previous version are accepted during a rotation (the
 * previous one is read only when the current one does not match, and is offered only for the
 * overlap after the current one was created, {@code PREVIOUS_SECRET_OVERLAP_SECONDS}, which the
 * {@code SecretCache} behind the suppliers enforces); comparison is constant time.
 */
public final class ClientAuthenticator {

  private final String clientId;
  private final Supplier<String> current;
  private final Supplier<List<String>> secrets;

  /**
   * The client PCO uses here ({@code CLIENT_ID}) with its secret from Secrets Manager ({@code
   * CLIENT_SECRET_ID}, cached; the previous version too while {@code
   * PREVIOUS_SECRET_OVERLAP_SECONDS} lasts).
   */
  public static ClientAuthenticator from(Config.Client client, AwsClients aws, Clock clock) {
    SecretCache secret =
        new SecretCache(
            aws.secretsManager(), client.secretId(), client.previousSecretOverlap(), clock);
    return new ClientAuthenticator(client.id(), secret::current, secret::values);
  }

  /** With the accepted secrets, current first. */
  public ClientAuthenticator(String clientId, Supplier<List<String>> secrets) {
    this(clientId, () -> secrets.get().get(0), secrets);
  }

  /**
   * @param current the current secret, asked for first
   * @param secrets every accepted secret (current, then previous while the rotation's overlap
   *     lasts), asked for only when the current one does not match: during a rotation a client may
   *     still hold the previous version
   */
  public ClientAuthenticator(
      String clientId, Supplier<String> current, Supplier<List<String>> secrets) {
    this.clientId = clientId;
    this.current = current;
    this.secrets = secrets;
  }

  /** The client id this server knows. */
  public String clientId() {
    return clientId;
  }

  /** The outcome of {@link #admit}: the request's parameters and client, or the answer to give. */
  public sealed interface Admission {
    /** The body parsed and the client authenticated. */
    record Admitted(Params form, String clientId) implements Admission {}

    /** Refused before any grant logic: the RFC-shaped error to answer. */
    record Refused(HttpResponse response) implements Admission {}
  }

  /**
   * The opening every client-authenticated endpoint shares (token, revocation): parse the body
   * (form-urlencoded, or JSON), refuse the named parameters when repeated, authenticate the client,
   * and log and count a failed authentication.
   */
  public Admission admit(HttpRequest http, List<String> singleParameters) {
    Optional<Params> parsed = Params.fromBody(http);
    if (parsed.isEmpty()) {
      return new Admission.Refused(ErrorCatalog.OAuth.UNSUPPORTED_MEDIA_TYPE.json());
    }
    Params form = parsed.get();
    for (String name : singleParameters) {
      if (form.repeated(name)) {
        return new Admission.Refused(ErrorCatalog.OAuth.REPEATED_PARAMETER.json());
      }
    }
    return switch (authenticate(http, form)) {
      case ClientAuthentication.Failed failed -> {
        Log.warn(
            http.requestId(), "client_auth_failed", java.util.Map.of("reason", failed.error()));
        Metrics.count(Metrics.Event.ClientAuthFailed);
        yield new Admission.Refused(failed.response());
      }
      case ClientAuthentication.Authenticated authenticated ->
          new Admission.Admitted(form, authenticated.clientId());
    };
  }

  public ClientAuthentication authenticate(HttpRequest http, Params form) {
    if (http.query().has("client_secret") || http.query().has("client_id")) {
      return new ClientAuthentication.Failed(ErrorCatalog.OAuth.SECRET_IN_QUERY, false);
    }
    Optional<String> authorization = http.header("authorization");
    boolean basic =
        authorization.isPresent() && authorization.get().regionMatches(true, 0, "Basic ", 0, 6);
    boolean post = form.has("client_secret");
    if (basic && post) {
      return new ClientAuthentication.Failed(ErrorCatalog.OAuth.TWO_CLIENT_AUTH_METHODS, true);
    }
    String id;
    String secret;
    if (basic) {
      Optional<String[]> pair = decodeBasic(authorization.get().substring(6).trim());
      if (pair.isEmpty()) {
        return new ClientAuthentication.Failed(ErrorCatalog.OAuth.INVALID_CLIENT, true);
      }
      id = pair.get()[0];
      secret = pair.get()[1];
      Optional<String> bodyId = form.get("client_id");
      if (bodyId.isPresent() && !bodyId.get().equals(id)) {
        return new ClientAuthentication.Failed(ErrorCatalog.OAuth.INVALID_CLIENT, true);
      }
    } else if (post) {
      id = form.get("client_id").orElse("");
      secret = form.get("client_secret").orElse("");
    } else {
      return new ClientAuthentication.Failed(
          ErrorCatalog.OAuth.INVALID_CLIENT,
          authorization.isPresent()
              && authorization.get().toLowerCase(Locale.ROOT).startsWith("basic"));
    }
    // compare both parts in full every time: no early exit that times the id
    boolean idMatches = Tokens.constantTimeEquals(id, clientId);
    boolean secretMatches = Tokens.constantTimeEquals(secret, current.get());
    if (!secretMatches) {
      for (String candidate : secrets.get()) {
        secretMatches |= Tokens.constantTimeEquals(secret, candidate);
      }
    }
    if (idMatches && secretMatches && !secret.isEmpty()) {
      return new ClientAuthentication.Authenticated(clientId);
    }
    return new ClientAuthentication.Failed(ErrorCatalog.OAuth.INVALID_CLIENT, basic);
  }

  /** RFC 6749 section 2.3.1: id and secret are form-urlencoded before Base64. */
  private static Optional<String[]> decodeBasic(String encoded) {
    try {
      String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return Optional.empty();
      }
      return Optional.of(
          new String[] {
            URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
            URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)
          });
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
