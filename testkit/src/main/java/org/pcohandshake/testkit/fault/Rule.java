package org.pcohandshake.testkit.fault;

import java.util.Objects;

/**
 * When to fault: calls of one operation (optionally only those whose body contains a marker, such
 * as a key prefix), starting at the {@code from}-th such call and {@code times} calls in a row.
 * Build one with {@link #on(String)}.
 *
 * @param operation the {@code X-Amz-Target} value (see {@link Operations}) or {@code METHOD /path}
 * @param bodyContains only calls whose body contains this text count; empty for every call
 * @param from the first faulted call, 1-based, counted among matching calls since the rule was
 *     added
 * @param times how many matching calls in a row are faulted
 * @param fault what to answer
 */
public record Rule(String operation, String bodyContains, int from, int times, Fault fault) {

  /** Enough calls to outlast any retry policy: the fault holds until it is cleared. */
  public static final int ALWAYS = Integer.MAX_VALUE;

  public Rule {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(bodyContains, "bodyContains");
    Objects.requireNonNull(fault, "fault");
    if (from < 1 || times < 1) {
      throw new IllegalArgumentException("from and times start at 1");
    }
  }

  /**
   * Every call of {@code operation}, from the first, once; refine with the {@code with} methods.
   */
  public static Builder on(String operation) {
    return new Builder(operation);
  }

  boolean matches(String callOperation, String body) {
    return operation.equals(callOperation)
        && (bodyContains.isEmpty() || body.contains(bodyContains));
  }

  /** Whether the {@code n}-th matching call (1-based) is faulted. */
  boolean faults(long n) {
    return n >= from && n - from < times;
  }

  /** Builds a rule. */
  public static final class Builder {
    private final String operation;
    private String bodyContains = "";
    private int from = 1;
    private int times = 1;

    private Builder(String operation) {
      this.operation = Objects.requireNonNull(operation, "operation");
    }

    /** Only calls whose request body contains {@code marker} (e.g. {@code "CODE#"}) count. */
    public Builder whereBodyContains(String marker) {
      this.bodyContains = marker;
      return this;
    }

    /** The first faulted call is the {@code n}-th matching one (1-based). */
    public Builder fromCall(int n) {
      this.from = n;
      return this;
    }

    /** How many matching calls in a row are faulted. */
    public Builder times(int k) {
      this.times = k;
      return this;
    }

    public Rule answer(Fault fault) {
      return new Rule(operation, bodyContains, from, times, fault);
    }
  }
}
