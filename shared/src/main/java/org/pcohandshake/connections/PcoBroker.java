package org.pcohandshake.connections;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pcohandshake.config.Config;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.invoke.Command;
import org.pcohandshake.invoke.InvalidCommand;
import org.pcohandshake.invoke.InvokeService;
import org.pcohandshake.invoke.Reply;
import org.pcohandshake.pco.PcoAccessToken;
import org.pcohandshake.pco.PcoException;
import org.pcohandshake.pco.PcoTokenVault;
import org.pcohandshake.pco.ReauthorizationRequired;

/**
 * The token broker the integrator's backend invokes (README "PCO connections for your backend"):
 *
 * <ul>
 *   <li>{@code access_token} {organization_id, person_id?}: a PCO access token valid for at least
 *       five minutes, refreshed just in time (single flight); without a person, the organization's
 *       most recently refreshed healthy connection, and the answer says which person it acts as.
 *   <li>{@code connections} {organization_id?, limit?, cursor?}: a page of connections with their
 *       status, for one organization or all.
 *   <li>{@code disconnect} {organization_id, person_id}: revokes at PCO (best effort), deletes, and
 *       says whether PCO confirmed.
 * </ul>
 *
 * No answer ever holds a refresh token. In a deployment whose {@code PCO_TOKEN_MODE} is not {@code
 * store} no connection exists: tokens and disconnects answer {@code not_connected}, listings are
 * empty.
 */
public final class PcoBroker implements InvokeService {

  /** The largest page of {@code connections}. */
  public static final int MAX_LIMIT = 100;

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_CURSOR_LENGTH = 2048;

  private final Optional<PcoTokenVault> stored;
  private final Clock clock;

  public static PcoBroker from(Config config, Clock clock) {
    return new PcoBroker(Connections.vault(config, clock), clock);
  }

  /**
   * @param stored the vault; empty when the deployment stores no connections
   */
  public PcoBroker(Optional<PcoTokenVault> stored, Clock clock) {
    this.stored = Objects.requireNonNull(stored, "stored");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Reply handle(Command command) {
    try {
      return switch (command.operation()) {
        case "access_token" ->
            accessToken(command.allowOnly(List.of("organization_id", "person_id")));
        case "connections" ->
            connections(command.allowOnly(List.of("organization_id", "limit", "cursor")));
        case "disconnect" -> disconnect(command.allowOnly(List.of("organization_id", "person_id")));
        default -> new Reply.Refused(ErrorCatalog.Invocation.UNKNOWN_OPERATION);
      };
    } catch (ReauthorizationRequired e) {
      return Connections.refused(e);
    } catch (PcoException e) {
      // PCO's own Retry-After (its rate limit is per person: 100 requests per 20 s)
      return new Reply.Refused(
          ErrorCatalog.Invocation.PCO_UNAVAILABLE,
          e.retryAfter()
              .<Map<String, Object>>map(wait -> Map.of("retry_after_seconds", wait.toSeconds()))
              .orElse(Map.of()));
    }
  }

  private Reply accessToken(Command command) {
    String organizationId = command.id("organization_id");
    Optional<String> personId = command.optionalId("person_id");
    if (stored.isEmpty()
        || !storable(organizationId)
        || !personId.map(PcoBroker::storable).orElse(true)) {
      return notConnected(organizationId, personId);
    }
    PcoTokenVault vault = stored.get();
    String person = personId.orElseGet(() -> vault.personFor(organizationId));
    PcoAccessToken token = vault.token(organizationId, person);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", token.accessToken());
    body.put("token_type", "Bearer");
    body.put("expires_at", token.expiresAt().toString());
    body.put(
        "expires_in",
        Math.max(0, Duration.between(clock.instant(), token.expiresAt()).toSeconds()));
    body.put("organization_id", token.organizationId());
    body.put("person_id", token.personId());
    body.put("person_selected", personId.isPresent() ? "as_requested" : "most_recently_refreshed");
    body.put("scopes", token.scopes());
    return new Reply.Done(body);
  }

  private Reply connections(Command command) {
    Optional<String> organizationId = command.optionalId("organization_id");
    int limit = command.number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Optional<String> cursor = command.optionalText("cursor", MAX_CURSOR_LENGTH);
    if (stored.isEmpty() || (organizationId.isPresent() && !storable(organizationId.get()))) {
      return new Reply.Done(Map.of("connections", List.of()));
    }
    PcoTokenVault vault = stored.get();
    PcoTokenVault.Page page;
    try {
      page =
          organizationId.isPresent()
              ? vault.connections(organizationId.get(), limit, cursor)
              : vault.connections(limit, cursor);
    } catch (PcoTokenVault.BadCursor e) {
      throw new InvalidCommand("cursor", "is not a cursor this listing issued");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("connections", page.connections().stream().map(Connections::json).toList());
    page.nextCursor().ifPresent(next -> body.put("next_cursor", next));
    return new Reply.Done(body);
  }

  private Reply disconnect(Command command) {
    String organizationId = command.id("organization_id");
    String personId = command.id("person_id");
    if (stored.isEmpty() || !storable(organizationId) || !storable(personId)) {
      return notConnected(organizationId, Optional.of(personId));
    }
    PcoTokenVault.Disconnection done = stored.get().disconnect(organizationId, personId);
    if (!done.existed()) {
      return notConnected(organizationId, Optional.of(personId));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("disconnected", true);
    body.put("organization_id", organizationId);
    body.put("person_id", personId);
    body.put("revoked_at_pco", done.revokedAtPco());
    return new Reply.Done(body);
  }

  private static boolean storable(String id) {
    return PcoTokenVault.storableId(id);
  }

  private static Reply notConnected(String organizationId, Optional<String> personId) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("organization_id", organizationId);
    personId.ifPresent(p -> details.put("person_id", p));
    return new Reply.Refused(ErrorCatalog.Invocation.NOT_CONNECTED, details);
  }
}
