package org.pcohandshake.pco;

import java.util.Objects;

/**
 * Who a Planning Center access token belongs to, from {@code GET /people/v2/me}. One token belongs
 * to one organization.
 *
 * @param organizationId the organization id ({@code meta.parent.id})
 * @param personId the person id ({@code data.id})
 * @param name the person's display name ({@code attributes.name}, else first and last name; may be
 *     empty)
 */
public record PcoIdentity(String organizationId, String personId, String name) {

  public PcoIdentity {
    Objects.requireNonNull(organizationId, "organizationId");
    Objects.requireNonNull(personId, "personId");
    Objects.requireNonNull(name, "name");
    if (organizationId.isEmpty() || personId.isEmpty()) {
      throw new IllegalArgumentException("organization and person ids must not be empty");
    }
  }
}
