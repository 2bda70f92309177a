package org.pcohandshake.grant;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why a grant was revoked: the code stored on the grant ({@code revokedFor}) and the {@code reason}
 * of the {@code Grant revoked} event.
 */
public enum RevocationReason {
  /** A code was redeemed a second time: every token of the first exchange dies. */
  CODE_REPLAY("code_replay", "replay"),
  /** A rotated refresh token came back after the grace window. */
  REFRESH_REUSE("refresh_reuse", "reuse"),
  /** The client revoked it (RFC 7009). */
  CLIENT("revoked_by_client", "client"),
  /** An administrator revoked this one grant. */
  ADMIN("admin", "admin"),
  /** An administrator revoked every grant of a user (the user was deleted or suspended). */
  OFFBOARDING("offboarding", "offboarding"),
  /** An administrator revoked every grant of a PCO organization (it left). */
  ORGANIZATION("organization", "organization");

  private final String stored;
  private final String event;

  RevocationReason(String stored, String event) {
    this.stored = stored;
    this.event = event;
  }

  /** The code on the revoked grant item. */
  public String stored() {
    return stored;
  }

  /** The {@code Grant revoked} event's own members: whose grant it was, and why. */
  public Map<String, Object> eventDetail(Grant grant) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("grant_id", grant.id());
    detail.put("client_id", grant.clientId());
    detail.put("user_id", grant.subject());
    detail.put("pco_organization_id", grant.link().organizationId());
    detail.put("pco_person_id", grant.link().personId());
    detail.put("reason", event);
    return detail;
  }
}
