package org.pcohandshake.testkit.pco;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Call counters shared by the simulator's endpoints. */
final class Counters {
  final AtomicInteger tokenCalls = new AtomicInteger();
  final AtomicInteger refreshCalls = new AtomicInteger();
  final AtomicInteger authorizationCodeCalls = new AtomicInteger();
  final AtomicInteger meCalls = new AtomicInteger();
  final AtomicInteger organizationCalls = new AtomicInteger();
  final AtomicInteger revokeCalls = new AtomicInteger();
  final AtomicInteger advanceCalls = new AtomicInteger();
  final AtomicInteger addonCallbackCalls = new AtomicInteger();

  void reset() {
    List.of(
            tokenCalls,
            refreshCalls,
            authorizationCodeCalls,
            meCalls,
            organizationCalls,
            revokeCalls,
            advanceCalls,
            addonCallbackCalls)
        .forEach(counter -> counter.set(0));
  }
}
