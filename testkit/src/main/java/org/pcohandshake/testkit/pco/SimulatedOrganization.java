package org.pcohandshake.testkit.pco;

import java.util.Objects;

/**
 * The PCO organization that the simulated person belongs to.
 *
 * @param id PCO organization id (a string of digits)
 * @param name organization name
 */
public record SimulatedOrganization(String id, String name) {
  public SimulatedOrganization {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
  }
}
