package org.pcohandshake.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Medians and percentiles (nearest rank) of measurements. */
final class Stats {

  private Stats() {}

  static double median(List<Double> values) {
    return percentile(values, 50);
  }

  /** The nearest-rank percentile; NaN for no values. */
  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    if (p == 50 && sorted.size() % 2 == 0) {
      int mid = sorted.size() / 2;
      return (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }
}
