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
  private volatile Cached cached;

  private record Cached(List<String> values, Instant fetchedAt) {}

  public SecretCache(SecretsManagerClient client, String secretId, Clock clock) {
    this.client = client;
    this.secretId = secretId;
    this.clock = clock;
  }

  /** The current value. */
  public String current() {
    return values().get(0);
  }

  /** The current value, then the previous one when there is one. */
  public List<String> values() {
    Cached snapshot = cached;
    if (snapshot == null || snapshot.fetchedAt.plus(TTL).isBefore(clock.instant())) {
      snapshot = new Cached(fetch(), clock.instant());
      cached = snapshot;
    }
    return snapshot.values;
  }

  /** Forgets the cached values (after a failed comparison the next call may refresh). */
  public void invalidate() {
    cached = null;
  }

  private List<String> fetch() {
    List<String> values = new ArrayList<>(2);
    values.add(client.getSecretValue(r -> r.secretId(secretId)).secretString());
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
