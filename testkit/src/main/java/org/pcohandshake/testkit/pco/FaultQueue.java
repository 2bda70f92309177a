package org.pcohandshake.testkit.pco;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Faults waiting to be applied to the next calls of one endpoint. */
final class FaultQueue {
  private final ConcurrentLinkedQueue<Fault> queue = new ConcurrentLinkedQueue<>();

  void add(int calls, Fault fault) {
    if (calls < 0) {
      throw new IllegalArgumentException("negative call count");
    }
    Objects.requireNonNull(fault, "fault");
    for (int i = 0; i < calls; i++) {
      queue.add(fault);
    }
  }

  void clear() {
    queue.clear();
  }

  int pending() {
    return queue.size();
  }

  /**
   * Applies the next queued fault, if any. Returns true when the fault answered (or dropped) the
   * exchange, so the handler must stop; false when the handler should answer normally (no fault, or
   * a delay that has passed).
   *
   * @param invalidGrant what {@link Fault.InvalidGrant} answers at this endpoint
   */
  boolean applyNext(HttpExchange exchange, Answer invalidGrant) throws IOException {
    Fault fault = queue.poll();
    if (fault == null) {
      return false;
    }
    switch (fault) {
      case Fault.Delay delay -> {
        try {
          Thread.sleep(delay.delay());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return false;
      }
      case Fault.DropConnection drop -> {
        // closing an exchange whose response has not started closes the connection
        exchange.close();
        return true;
      }
      case Fault.Status status -> {
        status.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
          exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        Exchanges.send(exchange, status.status(), status.body());
        return true;
      }
      case Fault.InvalidGrant invalid -> {
        invalidGrant.send(exchange);
        return true;
      }
    }
  }

  /** How an endpoint answers a simulated invalid grant. */
  @FunctionalInterface
  interface Answer {
    void send(HttpExchange exchange) throws IOException;
  }

  static Answer json(int status, Map<String, ?> body) {
    return exchange -> Exchanges.sendJson(exchange, status, body);
  }
}
