package org.pcohandshake.connections;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pcohandshake.aws.Deadline;
import org.pcohandshake.config.Config;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.invoke.Command;
import org.pcohandshake.invoke.InvokeService;
import org.pcohandshake.invoke.Reply;
import org.pcohandshake.log.Log;
import org.pcohandshake.metrics.Metrics;
import org.pcohandshake.pco.PcoConnection;
import org.pcohandshake.pco.PcoException;
import org.pcohandshake.pco.PcoTokenVault;

/**
 * Keep-alive ({@code keep_alive} {idle_days?, dry_run?}), run by a schedule: refreshes every
 * healthy connection not refreshed for {@code PCO_KEEPALIVE_DAYS} (30 by default), the longest idle
 * first, so that quiet organizations do not reach Planning Center's ~90-day idle death, and dead
 * ones are found (flagged, with their event) before anyone needs them.
 *
 * <p>Bounded: at most {@value #MAX_PAGES} pages of {@value #PAGE_SIZE}, no new refresh once the
 * time budget (the invocation's remaining time less {@link #RESERVE}, at most {@link #BUDGET}) is
 * spent, and a stop after {@value #MAX_CONSECUTIVE_FAILURES} PCO failures in a row; what is left is
 * the oldest still, so the next run starts there. Safe to run twice at once: each refresh goes
 * through the vault's lease, and a connection refreshed meanwhile is seen fresh and left alone.
 */
public final class PcoKeepAlive implements InvokeService {

  static final int PAGE_SIZE = 50;
  static final int MAX_PAGES = 10;
  static final int MAX_CONSECUTIVE_FAILURES = 3;

  /** Kept free at the end of an invocation: one refresh's worst case (lease, PCO, KMS). */
  static final Duration RESERVE = Duration.ofSeconds(30);

  /** The longest run when the invocation has no deadline (outside Lambda). */
  static final Duration BUDGET = Duration.ofMinutes(4);

  private final Optional<PcoTokenVault> stored;
  private final Duration idle;
  private final Clock clock;

  public static PcoKeepAlive from(Config config, Clock clock) {
    return new PcoKeepAlive(Connections.vault(config, clock), config.pcoKeepAliveIdle(), clock);
  }

  /**
   * @param stored the vault; empty when the deployment stores no connections (nothing to do)
   * @param idle how long without a refresh makes a connection idle ({@code PCO_KEEPALIVE_DAYS})
   */
  public PcoKeepAlive(Optional<PcoTokenVault> stored, Duration idle, Clock clock) {
    this.stored = Objects.requireNonNull(stored, "stored");
    this.idle = Objects.requireNonNull(idle, "idle");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Reply handle(Command command) {
    if (!command.operation().equals("keep_alive")) {
      return new Reply.Refused(ErrorCatalog.Invocation.UNKNOWN_OPERATION);
    }
    command.allowOnly(List.of("idle_days", "dry_run"));
    int idleDays = command.number("idle_days", (int) idle.toDays(), 0, 365);
    boolean dryRun = command.flag("dry_run", false);
    return new Reply.Done(run(clock.instant().minus(Duration.ofDays(idleDays)), dryRun));
  }

  private Map<String, Object> run(Instant refreshedBefore, boolean dryRun) {
    long started = System.nanoTime();
    Duration budget =
        Deadline.remaining()
            .map(left -> left.minus(RESERVE))
            .filter(b -> b.compareTo(BUDGET) < 0)
            .orElse(BUDGET);
    Map<PcoTokenVault.KeepAlive, Integer> outcomes = new EnumMap<>(PcoTokenVault.KeepAlive.class);
    int examined = 0;
    int failed = 0;
    int failuresInARow = 0;
    String stoppedBy = "";
    Optional<String> cursor = Optional.empty();
    pages:
    for (int page = 0; stored.isPresent() && page < MAX_PAGES; page++) {
      PcoTokenVault vault = stored.get();
      PcoTokenVault.Page idleConnections = vault.idle(refreshedBefore, PAGE_SIZE, cursor);
      for (PcoConnection connection : idleConnections.connections()) {
        examined++;
        if (dryRun) {
          continue;
        }
        if (System.nanoTime() - started > budget.toNanos()) {
          stoppedBy = "time_budget";
          break pages;
        }
        try {
          PcoTokenVault.KeepAlive outcome =
              vault.keepAlive(connection.organizationId(), connection.personId(), refreshedBefore);
          outcomes.merge(outcome, 1, Integer::sum);
          if (outcome == PcoTokenVault.KeepAlive.REFRESHED) {
            Metrics.count(Metrics.Event.PcoKeepAliveRefreshed);
          }
          failuresInARow = 0;
        } catch (PcoException e) {
          failed++;
          if (++failuresInARow >= MAX_CONSECUTIVE_FAILURES) {
            stoppedBy = "pco_unavailable";
            break pages;
          }
        }
      }
      cursor = idleConnections.nextCursor();
      if (cursor.isPresent() && dryRun) {
        stoppedBy = "dry_run_reads_one_page";
      }
      if (cursor.isEmpty() || dryRun) {
        break;
      }
      if (page == MAX_PAGES - 1) {
        stoppedBy = "page_limit";
      }
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("idle_before", refreshedBefore.toString());
    report.put("dry_run", dryRun);
    report.put("examined", examined);
    report.put("refreshed", outcomes.getOrDefault(PcoTokenVault.KeepAlive.REFRESHED, 0));
    report.put("already_fresh", outcomes.getOrDefault(PcoTokenVault.KeepAlive.ALREADY_FRESH, 0));
    report.put(
        "reauthorization_required",
        outcomes.getOrDefault(PcoTokenVault.KeepAlive.REAUTHORIZATION_REQUIRED, 0));
    report.put("not_connected", outcomes.getOrDefault(PcoTokenVault.KeepAlive.NOT_CONNECTED, 0));
    report.put("failed", failed);
    report.put("complete", stoppedBy.isEmpty());
    if (!stoppedBy.isEmpty()) {
      report.put("stopped_by", stoppedBy);
    }
    Log.info(Log.requestId(), "pco_keepalive", report);
    return report;
  }
}
