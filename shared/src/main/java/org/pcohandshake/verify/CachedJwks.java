package org.pcohandshake.verify;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.pcohandshake.log.Log;

/**
 * A JWKS held in the Lambda instance: fetched on first use, kept for {@link #TTL}, fetched again
 * when a token names a {@code kid} it does not hold (how verifiers learn a new signing key), at
 * most once per {@link #MIN_REFRESH_INTERVAL} so that tokens with made-up key ids cannot make us
 * hammer the JWKS endpoint. When a refresh fails, the keys already held stay in use (an outage of
 * the JWKS endpoint must not stop verification); with no keys at all, {@link #get} throws, and the
 * fetch is tried again after {@link #RETRY_WITHOUT_KEYS} (an instance whose first fetch failed,
 * e.g. against a JWKS endpoint that was itself starting, must not refuse every request for the
 * whole interval).
 */
public final class CachedJwks implements JWKSource<SecurityContext> {

  /** How long a fetched key set is used before it is fetched again. */
  public static final Duration TTL = Duration.ofMinutes(5);

  /** The least time between two fetches (unknown-kid refreshes and retries after a failure). */
  public static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);

  /** The least time between two fetches while no keys are held at all. */
  public static final Duration RETRY_WITHOUT_KEYS = Duration.ofSeconds(1);

  static final int CONNECT_TIMEOUT_MS = 2_000;
  static final int READ_TIMEOUT_MS = 2_000;
  static final int SIZE_LIMIT_BYTES = 64 * 1024;

  /** Where keys come from. */
  @FunctionalInterface
  public interface Fetcher {
    JWKSet fetch() throws IOException, ParseException;
  }

  private record Snapshot(JWKSet keys, Instant fetchedAt) {}

  private final Fetcher fetcher;
  private final Duration ttl;
  private final Duration minRefreshInterval;
  private final Duration retryWithoutKeys;
  private final Clock clock;
  private volatile Snapshot snapshot;
  private Instant lastAttempt; // guarded by this

  public CachedJwks(Fetcher fetcher, Duration ttl, Duration minRefreshInterval, Clock clock) {
    this(fetcher, ttl, minRefreshInterval, RETRY_WITHOUT_KEYS, clock);
  }

  public CachedJwks(
      Fetcher fetcher,
      Duration ttl,
      Duration minRefreshInterval,
      Duration retryWithoutKeys,
      Clock clock) {
    this.fetcher = fetcher;
    this.ttl = ttl;
    this.minRefreshInterval = minRefreshInterval;
    this.retryWithoutKeys = retryWithoutKeys;
    this.clock = clock;
  }

  /** The JWKS at a URL (our {@code jwks_uri}), with the default lifetimes. */
  public static CachedJwks remote(URI jwksUrl, Clock clock) {
    URL url;
    try {
      url = jwksUrl.toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the JWKS URL is not a URL", e);
    }
    return new CachedJwks(
        () -> JWKSet.load(url, CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, SIZE_LIMIT_BYTES),
        TTL,
        MIN_REFRESH_INTERVAL,
        clock);
  }

  @Override
  public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
    Snapshot current = snapshot;
    if (current == null || !clock.instant().isBefore(current.fetchedAt().plus(ttl))) {
      current = refresh(current);
    }
    List<JWK> found = selector.select(current.keys());
    if (found.isEmpty()) {
      Snapshot refreshed = refresh(current);
      if (refreshed != current) {
        found = selector.select(refreshed.keys());
      }
    }
    return found;
  }

  /**
   * Fetches the key set unless another thread already replaced {@code seen}, or the last attempt
   * was too recent; then answers what is held.
   */
  private synchronized Snapshot refresh(Snapshot seen) throws KeySourceException {
    Snapshot current = snapshot;
    if (current != seen && current != null) {
      return current;
    }
    Instant now = clock.instant();
    Duration interval = current == null ? retryWithoutKeys : minRefreshInterval;
    if (lastAttempt != null && now.isBefore(lastAttempt.plus(interval))) {
      if (current != null) {
        return current;
      }
      throw new KeySourceException("the JWKS could not be fetched recently; not retrying yet");
    }
    lastAttempt = now;
    try {
      Snapshot fetched = new Snapshot(fetcher.fetch(), now);
      snapshot = fetched;
      return fetched;
    } catch (IOException | ParseException | RuntimeException e) {
      // counted from when the failed fetch ended: callers that queued on this lock behind a slow
      // failure answer from what is held (or fail) instead of each trying again in turn
      lastAttempt = clock.instant();
      Log.warn(
          "-",
          "jwks_fetch_failed",
          Map.of("error", e.getClass().getName(), "keptKeys", current != null));
      if (current != null) {
        return current;
      }
      throw new KeySourceException("the JWKS could not be fetched", e);
    }
  }
}
