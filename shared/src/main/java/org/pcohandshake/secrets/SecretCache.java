package org.pcohandshake.secrets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * One secret from Secrets Manager, cached for a bounded time. Both the current and the previous
 * version are kept, so that during a rotation either is accepted.
 */
public final class SecretCache {

  /** How long values are reused before Secrets Manager is asked again. */
  public static final Duration TTL = Duration.ofMinutes(5);

  private final SecretsManagerClient client;
  private final String secretId;
  private final Clock clock;
  private volatile Cached current;
  private volatile Cached all;

  private record Cached(List<String> values, Instant fetchedAt) {}

  public SecretCache(SecretsManagerClient client, String secretId, Clock clock) {
    this.client = client;
    this.secretId = secretId;
    this.clock = clock;
  }

  /**
   * The current value. It costs one call per {@link #TTL}: the previous version is read only when
   * {@link #values()} is asked for (a client still holding it during a rotation).
   */
  public String current() {
    Cached snapshot = fresh(all) ? all : current;
    if (!fresh(snapshot)) {
      snapshot = new Cached(List.of(fetchCurrent()), clock.instant());
      current = snapshot;
    }
    return snapshot.values.get(0);
  }

  /** The current value, then the previous one when there is one. */
  public List<String> values() {
    Cached snapshot = all;
    if (!fresh(snapshot)) {
      snapshot = new Cached(fetch(), clock.instant());
      all = snapshot;
      current = new Cached(List.of(snapshot.values.get(0)), snapshot.fetchedAt);
    }
    return snapshot.values;
  }

  /** Forgets the cached values (after a failed comparison the next call may refresh). */
  public void invalidate() {
    current = null;
    all = null;
  }

  private boolean fresh(Cached snapshot) {
    return snapshot != null && !snapshot.fetchedAt.plus(TTL).isBefore(clock.instant());
  }

  private String fetchCurrent() {
    return client.getSecretValue(r -> r.secretId(secretId)).secretString();
  }

  private List<String> fetch() {
    List<String> values = new ArrayList<>(2);
    values.add(fetchCurrent());
    try {
      String previous =
          client
              .getSecretValue(r -> r.secretId(secretId).versionStage("AWSPREVIOUS"))
              .secretString();
      if (previous != null && !previous.equals(values.get(0))) {
        values.add(previous);
      }
    } catch (ResourceNotFoundException noPreviousVersion) {
      // a secret that was never rotated has no AWSPREVIOUS stage
    }
    return List.copyOf(values);
  }
}
