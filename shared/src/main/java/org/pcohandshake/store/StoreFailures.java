package org.pcohandshake.store;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Reads why a transaction was cancelled. */
public final class StoreFailures {

  private StoreFailures() {}

  /** Whether the item at {@code index} of the transaction failed its condition. */
  public static boolean conditionFailed(TransactionCanceledException e, int index) {
    List<CancellationReason> reasons = e.cancellationReasons();
    return reasons != null
        && reasons.size() > index
        && "ConditionalCheckFailed".equals(reasons.get(index).code());
  }

  /** Whether any item of the transaction failed its condition (not a conflict or throttle). */
  public static boolean anyConditionFailed(TransactionCanceledException e) {
    List<CancellationReason> reasons = e.cancellationReasons();
    return reasons != null
        && reasons.stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
  }

  /**
   * Whether the item at {@code index} was being written by a concurrent transaction. For a
   * single-use item that means someone else is consuming it right now.
   */
  public static boolean conflicted(TransactionCanceledException e, int index) {
    List<CancellationReason> reasons = e.cancellationReasons();
    return reasons != null
        && reasons.size() > index
        && "TransactionConflict".equals(reasons.get(index).code());
  }
}
