package org.pcohandshake.secrets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * One secret from Secrets Manager, cached for a bounded time. The previous version ({@code
 * AWSPREVIOUS}) is offered beside the current one only for a bounded overlap after the current
 * version was created, so that a rotation neither locks out a client still holding the previous
 * secret nor keeps a leaked one working for longer than that.
 *
 * <p>The current version's creation time is the {@code CreatedDate} that {@code GetSecretValue}
 * returns with it (no other call, no other permission). The overlap is checked against the clock on
 * every use, so a cached previous version stops being offered the moment the overlap ends; a
 * version without a creation time gets no overlap.
 */
public final class SecretCache {

  /** How long values are reused before Secrets Manager is asked again. */
  public static final Duration TTL = Duration.ofMinutes(5);

  private static final String PREVIOUS_STAGE = "AWSPREVIOUS";

  private final SecretsManagerClient client;
  private final String secretId;
  private final Duration previousOverlap;
  private final Clock clock;
  private volatile Current current;
  private volatile WithPrevious all;

  /** The current version, when it was created (empty when not said), when it was read. */
  record Current(String value, Optional<Instant> createdAt, Instant fetchedAt) {
    /** Never the secret: a record's default text would carry it into any log or message. */
    @Override
    public String toString() {
      return "Current[createdAt=" + createdAt + ", fetchedAt=" + fetchedAt + "]";
    }
  }

  /** The current version with the previous one, read together. */
  record WithPrevious(Current current, Optional<String> previous) {
    /** Never the secrets (see {@link Current#toString()}). */
    @Override
    public String toString() {
      return "WithPrevious[" + current + ", previous=" + previous.isPresent() + "]";
    }
  }

  /**
   * A secret of which only the current version is used: {@link #values()} never holds the previous
   * one.
   */
  public SecretCache(SecretsManagerClient client, String secretId, Clock clock) {
    this(client, secretId, Duration.ZERO, clock);
  }

  /**
   * @param previousOverlap how long after the current version was created the previous one is still
   *     offered by {@link #values()}; zero offers it never
   */
  public SecretCache(
      SecretsManagerClient client, String secretId, Duration previousOverlap, Clock clock) {
    if (previousOverlap.isNegative()) {
      throw new IllegalArgumentException("the previous version's overlap cannot be negative");
    }
    this.client = client;
    this.secretId = secretId;
    this.previousOverlap = previousOverlap;
    this.clock = clock;
  }

  /**
   * The current value. It costs one call per {@link #TTL}: the previous version is read only when
   * {@link #values()} is asked for (a client still holding it during a rotation).
   */
  public String current() {
    WithPrevious withPrevious = all;
    Current snapshot =
        withPrevious != null && fresh(withPrevious.current) ? withPrevious.current : current;
    if (!fresh(snapshot)) {
      snapshot = fetchCurrent();
      current = snapshot;
    }
    return snapshot.value;
  }

  /**
   * The current value, then the previous one while the overlap after the current one's creation
   * lasts. It costs two calls per {@link #TTL}, one when the overlap is already over when read.
   */
  public List<String> values() {
    WithPrevious snapshot = all;
    if (snapshot == null || !fresh(snapshot.current)) {
      Current latest = fetchCurrent();
      Optional<String> previous =
          inOverlap(latest) ? fetchPrevious(latest.value) : Optional.empty();
      snapshot = new WithPrevious(latest, previous);
      all = snapshot;
      current = latest;
    }
    if (snapshot.previous.isPresent() && inOverlap(snapshot.current)) {
      return List.of(snapshot.current.value, snapshot.previous.get());
    }
    return List.of(snapshot.current.value);
  }

  /** Forgets the cached values (after a failed comparison the next call may refresh). */
  public void invalidate() {
    current = null;
    all = null;
  }

  private boolean fresh(Current snapshot) {
    return snapshot != null && !snapshot.fetchedAt.plus(TTL).isBefore(clock.instant());
  }

  /** Whether the previous version may still be offered beside this current one, now. */
  private boolean inOverlap(Current snapshot) {
    return previousOverlap.isPositive()
        && snapshot.createdAt.isPresent()
        && clock.instant().isBefore(snapshot.createdAt.get().plus(previousOverlap));
  }

  private Current fetchCurrent() {
    GetSecretValueResponse response = client.getSecretValue(r -> r.secretId(secretId));
    return new Current(
        response.secretString(), Optional.ofNullable(response.createdDate()), clock.instant());
  }

  private Optional<String> fetchPrevious(String currentValue) {
    try {
      String previous =
          client
              .getSecretValue(r -> r.secretId(secretId).versionStage(PREVIOUS_STAGE))
              .secretString();
      return previous == null || previous.equals(currentValue)
          ? Optional.empty()
          : Optional.of(previous);
    } catch (ResourceNotFoundException noPreviousVersion) {
      // a secret never rotated, or whose AWSPREVIOUS stage was removed, has no previous version
      return Optional.empty();
    }
  }
}
