package org.pcohandshake.admin;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.aws.Deadline;
import org.pcohandshake.config.Config;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.events.EventPublisher;
import org.pcohandshake.events.EventType;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.grant.GrantIndex;
import org.pcohandshake.grant.GrantRecord;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.grant.RevocationReason;
import org.pcohandshake.invoke.Command;
import org.pcohandshake.invoke.InvalidCommand;
import org.pcohandshake.invoke.InvokeService;
import org.pcohandshake.invoke.Reply;
import org.pcohandshake.log.Log;
import org.pcohandshake.metrics.Metrics;
import org.pcohandshake.snapstart.Priming;

/**
 * The admin function's operations (README, "Administering grants"): list grants by integrator user,
 * PCO organization or PCO person (paged, newest first), a grant's status, and revocation of one
 * grant, of every grant of a user, or of every grant of an organization.
 *
 * <p>Which grants a user or an organization has comes from an index (eventually consistent); what
 * each grant's state is, and its revocation, go to the grant's own item by primary key (strongly
 * consistent reads, conditional writes). A revocation ends the whole family at once: the next
 * refresh answers {@code invalid_grant}, and the example API's grant check refuses its access
 * tokens. Each grant this function revokes is announced as a {@code Grant revoked} event.
 */
public final class GrantAdmin implements InvokeService {

  /** A page's size when the command names none. */
  static final int DEFAULT_LIMIT = 25;

  /** A revoke-all stops this long before the invocation's deadline and says where to go on. */
  static final Duration STOP_BEFORE_DEADLINE = Duration.ofSeconds(5);

  static final int MAX_CURSOR_LENGTH = 1024;

  private final GrantIndex index;
  private final GrantStore grants;
  private final EventPublisher events;

  /** The real dependencies: the table and the event bus. */
  public static GrantAdmin from(Config config, Clock clock) {
    AwsClients aws = new AwsClients(config);
    return new GrantAdmin(
        new GrantIndex(aws.dynamoDb(), config.tableName(), clock),
        new GrantStore(aws.dynamoDb(), config.tableName(), clock),
        EventPublisher.from(config, aws, clock));
  }

  public GrantAdmin(GrantIndex index, GrantStore grants, EventPublisher events) {
    this.index = index;
    this.grants = grants;
    this.events = events;
  }

  @Override
  public Reply handle(Command command) {
    return switch (command.operation()) {
      case "list_grants" -> list(command);
      case "grant_status" -> status(command.allowOnly(List.of("grant_id")).id("grant_id"));
      case "revoke_grant" -> revokeOne(command.allowOnly(List.of("grant_id")).id("grant_id"));
      case "revoke_user_grants" ->
          revokeAll(command, "user_id", GrantIndex.By.USER, RevocationReason.OFFBOARDING);
      case "revoke_organization_grants" ->
          revokeAll(
              command,
              "organization_id",
              GrantIndex.By.ORGANIZATION,
              RevocationReason.ORGANIZATION);
      default -> new Reply.Refused(ErrorCatalog.Invocation.UNKNOWN_OPERATION);
    };
  }

  /** The one selector of a listing: which index, and the id to look up in it. */
  private record Selector(GrantIndex.By by, String name, String id) {}

  private static final Map<String, GrantIndex.By> SELECTORS =
      Map.of(
          "user_id", GrantIndex.By.USER,
          "organization_id", GrantIndex.By.ORGANIZATION,
          "person_id", GrantIndex.By.PERSON);

  private Reply list(Command command) {
    command.allowOnly(List.of("user_id", "organization_id", "person_id", "limit", "cursor"));
    List<Selector> selectors = new ArrayList<>();
    for (String name : List.of("user_id", "organization_id", "person_id")) {
      selectorId(command, name)
          .ifPresent(id -> selectors.add(new Selector(SELECTORS.get(name), name, id)));
    }
    if (selectors.size() != 1) {
      throw new InvalidCommand(
          "user_id", "or organization_id or person_id: exactly one of them is required");
    }
    Selector selector = selectors.get(0);
    int limit = command.number("limit", DEFAULT_LIMIT, 1, GrantIndex.MAX_PAGE);
    Optional<String> cursor = command.optionalText("cursor", MAX_CURSOR_LENGTH);
    GrantIndex.Page page;
    try {
      page = index.page(selector.by(), selector.id(), limit, cursor);
    } catch (IllegalArgumentException badCursor) {
      throw new InvalidCommand("cursor", "is not a cursor of this listing");
    }
    List<Object> listed = new ArrayList<>();
    page.grants().forEach(g -> listed.add(g.describe(index.now())));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(selector.name(), selector.id());
    body.put("grants", listed);
    body.put("cursor", page.cursor().orElse(null));
    return new Reply.Done(body);
  }

  private Reply status(String grantId) {
    return index
        .find(grantId)
        .<Reply>map(g -> new Reply.Done(g.describe(index.now())))
        .orElseGet(() -> notFound("grant_id", grantId));
  }

  private Reply revokeOne(String grantId) {
    Optional<Grant> revoked = revoke(grantId, RevocationReason.ADMIN);
    Optional<GrantRecord> now = index.find(grantId);
    if (now.isEmpty()) {
      return notFound("grant_id", grantId);
    }
    Map<String, Object> body = now.get().describe(index.now());
    body.put("revoked_now", revoked.isPresent());
    return new Reply.Done(body);
  }

  /**
   * Revokes every grant the index lists for the id, page after page, each by its own conditional
   * write. Stops short of the invocation's deadline with {@code complete: false} and the cursor to
   * go on from; calling again from the start is as safe (a revoked grant stays revoked).
   */
  private Reply revokeAll(Command command, String name, GrantIndex.By by, RevocationReason reason) {
    command.allowOnly(List.of(name, "cursor"));
    String id =
        selectorId(command, name).orElseThrow(() -> new InvalidCommand(name, "is required"));
    Optional<String> cursor = command.optionalText("cursor", MAX_CURSOR_LENGTH);
    if (by == GrantIndex.By.USER) {
      // first: a session of theirs opened until now, or a code it approved, makes no grant after
      grants.endUser(id);
    }
    int revokedNow = 0;
    int seen = 0;
    boolean complete = false;
    while (true) {
      GrantIndex.IdPage page;
      try {
        page = index.ids(by, id, GrantIndex.MAX_PAGE, cursor);
      } catch (IllegalArgumentException badCursor) {
        throw new InvalidCommand("cursor", "is not a cursor of this listing");
      }
      for (String grantId : page.ids()) {
        seen++;
        if (revoke(grantId, reason).isPresent()) {
          revokedNow++;
        }
      }
      cursor = page.cursor();
      if (cursor.isEmpty()) {
        complete = true;
        break;
      }
      if (Deadline.remaining()
          .filter(left -> left.compareTo(STOP_BEFORE_DEADLINE) < 0)
          .isPresent()) {
        break;
      }
    }
    Log.info(
        Log.requestId(),
        "grants_revoked",
        Map.of("by", by.name(), "revoked", revokedNow, "seen", seen, "complete", complete));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(name, id);
    body.put("revoked", revokedNow);
    body.put("already_revoked", seen - revokedNow);
    body.put("complete", complete);
    body.put("cursor", complete ? null : cursor.orElse(null));
    return new Reply.Done(body);
  }

  /**
   * A selector's id: a user id is whatever the login named ({@link Command#optionalUserId}), PCO's
   * ids are plain ids ({@link Command#ID}).
   */
  private static Optional<String> selectorId(Command command, String name) {
    return name.equals("user_id") ? command.optionalUserId(name) : command.optionalId(name);
  }

  /** Revokes one grant by primary key; announces it when this call revoked it. */
  private Optional<Grant> revoke(String grantId, RevocationReason reason) {
    Optional<Grant> revoked = grants.revokeGrantReturning(grantId, reason.stored());
    revoked.ifPresent(
        grant -> {
          Log.info(
              Log.requestId(),
              "grant_revoked",
              Map.of("grant", grant.id(), "reason", reason.stored()));
          Metrics.count(Metrics.Event.GrantRevoked);
          events.publish(EventType.GRANT_REVOKED, reason.eventDetail(grant));
        });
    return revoked;
  }

  private static Reply notFound(String name, String id) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put(name, id);
    return new Reply.Refused(ErrorCatalog.Invocation.NOT_FOUND, details);
  }

  /** The function's priming commands: a status and a listing of ids never issued (both miss). */
  public static List<Map<String, Object>> primingCommands() {
    return List.of(
        Map.of("operation", "grant_status", "grant_id", Priming.GRANT_ID),
        Map.of("operation", "list_grants", "user_id", Priming.GRANT_ID, "limit", 1L));
  }

  /**
   * SnapStart priming beyond the commands: a revocation of a grant that was never issued (its
   * condition refuses it, nothing is written, no event).
   */
  @Override
  public void prime() {
    grants.revokeGrantReturning(Priming.GRANT_ID, "priming");
  }
}
