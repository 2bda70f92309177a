package org.pcohandshake.testkit.fault;

import java.time.Duration;
import java.util.Objects;

/** What the proxy does with a call it faults instead of forwarding it. */
public sealed interface Fault {

  /**
   * The service's throttling error, in its wire format: HTTP 400 with the {@code __type} JSON the
   * SDK parses (DynamoDB {@code ProvisionedThroughputExceededException} or {@code
   * ThrottlingException}, KMS and Secrets Manager {@code ThrottlingException}); a 429 for plain
   * HTTP. The call is not forwarded.
   *
   * @param code the error code; empty for the service's usual one
   */
  record Throttle(String code) implements Fault {
    public Throttle {
      Objects.requireNonNull(code, "code");
    }
  }

  /**
   * A 5xx with the service's internal error type (DynamoDB {@code InternalServerError}, KMS {@code
   * KMSInternalException}, Secrets Manager {@code InternalServiceError}). Not forwarded.
   */
  record ServerError(int status) implements Fault {
    public ServerError {
      if (status < 500 || status > 599) {
        throw new IllegalArgumentException("not a 5xx: " + status);
      }
    }
  }

  /**
   * DynamoDB's {@code TransactionCanceledException} with one cancellation reason per item of the
   * transaction: {@code reason} for the item at {@code index}, {@code None} for the others. Not
   * forwarded.
   */
  record TransactionCanceled(int index, String reason) implements Fault {
    public TransactionCanceled {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The service hangs: the request is held, never forwarded, for {@code hold}, then the connection
   * is closed without an answer. Longer than a client's timeout, the client gives up first.
   */
  record Slow(Duration hold) implements Fault {
    public Slow {
      if (hold.isNegative()) {
        throw new IllegalArgumentException("negative hold");
      }
    }
  }

  /**
   * The answer is late: the request is forwarded (so the service acts on it) and its answer held
   * back for {@code delay} before it is sent.
   */
  record Late(Duration delay) implements Fault {
    public Late {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("negative delay");
      }
    }
  }

  /** The connection is closed (reset) after the request is read, without an answer. */
  record Drop() implements Fault {}

  static Fault throttling() {
    return new Throttle("");
  }

  static Fault throttling(String code) {
    return new Throttle(code);
  }

  static Fault serverError() {
    return new ServerError(500);
  }

  static Fault serviceUnavailable() {
    return new ServerError(503);
  }

  static Fault transactionCanceled(int index, String reason) {
    return new TransactionCanceled(index, reason);
  }

  static Fault slow(Duration hold) {
    return new Slow(hold);
  }

  static Fault late(Duration delay) {
    return new Late(delay);
  }

  static Fault drop() {
    return new Drop();
  }

  /** A short name for reports: {@code throttle}, {@code 5xx}, {@code slow}, {@code drop}, … */
  default String label() {
    return switch (this) {
      case Throttle t -> t.code().isEmpty() ? "throttle" : "throttle(" + t.code() + ")";
      case ServerError s -> "http" + s.status();
      case TransactionCanceled c -> "cancelled(" + c.reason() + ")";
      case Slow s -> "slow";
      case Late l -> "late";
      case Drop d -> "drop";
    };
  }
}
