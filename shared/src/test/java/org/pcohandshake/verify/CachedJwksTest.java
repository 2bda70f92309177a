package org.pcohandshake.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CachedJwksTest {

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    Instant now = Instant.parse("2025-05-01T12:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  final TestClock clock = new TestClock();
  final AtomicInteger fetches = new AtomicInteger();
  final AtomicReference<JWKSet> published = new AtomicReference<>();
  final AtomicReference<IOException> outage = new AtomicReference<>();
  CachedJwks jwks;
  ECKey keyA;
  ECKey keyB;

  @BeforeEach
  void setUp() throws Exception {
    keyA = new ECKeyGenerator(Curve.P_256).keyID("A").generate().toPublicJWK();
    keyB = new ECKeyGenerator(Curve.P_256).keyID("B").generate().toPublicJWK();
    published.set(new JWKSet(keyA));
    jwks =
        new CachedJwks(
            () -> {
              fetches.incrementAndGet();
              if (outage.get() != null) {
                throw outage.get();
              }
              return published.get();
            },
            Duration.ofMinutes(5),
            Duration.ofSeconds(30),
            clock);
  }

  List<String> find(String kid) throws KeySourceException {
    List<JWK> found = jwks.get(new JWKSelector(new JWKMatcher.Builder().keyID(kid).build()), null);
    List<String> ids = new ArrayList<>();
    found.forEach(k -> ids.add(k.getKeyID()));
    return ids;
  }

  @Test
  void keys_areFetchedOnce_andServedFromTheInstance() throws Exception {
    assertEquals(List.of("A"), find("A"));
    assertEquals(List.of("A"), find("A"));
    assertEquals(1, fetches.get());
  }

  @Test
  void unknownKid_refetches_andFindsANewlyPublishedKey() throws Exception {
    find("A");
    clock.advance(Duration.ofSeconds(31));
    published.set(new JWKSet(List.of(keyB, keyA)));
    assertEquals(List.of("B"), find("B"));
    assertEquals(2, fetches.get());
  }

  @Test
  void unknownKids_refetchAtMostOncePerInterval() throws Exception {
    find("A");
    clock.advance(Duration.ofSeconds(31));
    for (int i = 0; i < 20; i++) {
      assertEquals(List.of(), find("made-up-" + i));
    }
    assertEquals(2, fetches.get());
    clock.advance(Duration.ofSeconds(31));
    find("made-up-again");
    assertEquals(3, fetches.get());
  }

  @Test
  void afterTheTtl_keysAreFetchedAgain_soARemovedKeyStopsVerifying() throws Exception {
    published.set(new JWKSet(List.of(keyB, keyA)));
    assertEquals(List.of("A"), find("A"));
    published.set(new JWKSet(keyB));
    clock.advance(Duration.ofMinutes(5));
    assertEquals(List.of(), find("A"));
    assertEquals(List.of("B"), find("B"));
  }

  @Test
  void failedRefresh_keepsTheKeysAlreadyHeld() throws Exception {
    find("A");
    outage.set(new IOException("connection refused"));
    clock.advance(Duration.ofMinutes(6));
    assertEquals(List.of("A"), find("A"));
    assertEquals(2, fetches.get());
  }

  @Test
  void noKeysAtAll_throws_andIsRetriedAfterASecond_notAfterTheWholeInterval() throws Exception {
    outage.set(new IOException("connection refused"));
    assertThrows(KeySourceException.class, () -> find("A"));
    assertThrows(KeySourceException.class, () -> find("A"));
    assertEquals(1, fetches.get(), "not retried within the second");
    clock.advance(Duration.ofMillis(1001));
    assertThrows(KeySourceException.class, () -> find("A"));
    assertEquals(2, fetches.get());
    outage.set(null);
    clock.advance(Duration.ofMillis(1001));
    assertEquals(List.of("A"), find("A"));
    assertEquals(3, fetches.get());
  }

  @Test
  void noKeys_aSlowFailedFetch_isNotRetriedAtOnceByTheCallersQueuedBehindIt() throws Exception {
    CachedJwks slow =
        new CachedJwks(
            () -> {
              fetches.incrementAndGet();
              clock.advance(Duration.ofSeconds(4)); // the fetch hangs until its read timeout
              throw new IOException("read timed out");
            },
            Duration.ofMinutes(5),
            Duration.ofSeconds(30),
            clock);
    JWKSelector any = new JWKSelector(new JWKMatcher.Builder().keyID("A").build());
    assertThrows(KeySourceException.class, () -> slow.get(any, null));
    assertThrows(KeySourceException.class, () -> slow.get(any, null));
    assertEquals(1, fetches.get(), "the next caller does not start another 4 s fetch at once");
  }

  @Test
  void heldKeys_aFailedRefreshIsNotRetriedWithinTheInterval() throws Exception {
    find("A");
    outage.set(new IOException("connection refused"));
    clock.advance(Duration.ofSeconds(31));
    assertEquals(List.of(), find("made-up"));
    assertEquals(2, fetches.get());
    clock.advance(Duration.ofSeconds(2));
    assertEquals(List.of(), find("made-up-too"));
    assertEquals(List.of("A"), find("A"));
    assertEquals(2, fetches.get(), "keys are held: the 30 s interval applies, not the 1 s one");
  }
}
