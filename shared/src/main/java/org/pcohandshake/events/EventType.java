package org.pcohandshake.events;

/**
 * The events the stack publishes: each is one EventBridge {@code detail-type}. Their details are
 * documented in the README's "Events" section; members are only added, never renamed, within {@link
 * EventPublisher#SCHEMA_VERSION}.
 */
public enum EventType {
  /** A person connected the add-on: step 2 stored their Planning Center tokens. */
  CONNECTION_CREATED("PCO connection created"),
  /** A connection that needed reauthorization works again (the person went through step 2). */
  CONNECTION_HEALED("PCO connection healed"),
  /** Planning Center refused the connection's refresh token or its fresh access token. */
  CONNECTION_REAUTHORIZATION_REQUIRED("PCO connection reauthorization required"),
  /**
   * The connection was disconnected (revoked at Planning Center where it could be, and deleted).
   */
  CONNECTION_DISCONNECTED("PCO connection disconnected"),
  /** A grant (a token family PCO holds) was revoked; the detail says by whom and why. */
  GRANT_REVOKED("Grant revoked");

  private final String detailType;

  EventType(String detailType) {
    this.detailType = detailType;
  }

  /** The EventBridge {@code detail-type}. */
  public String detailType() {
    return detailType;
  }
}
