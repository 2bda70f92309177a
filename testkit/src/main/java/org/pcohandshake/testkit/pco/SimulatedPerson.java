package org.pcohandshake.testkit.pco;

import java.util.Objects;

/**
 * The PCO person the simulator signs in as.
 *
 * @param id PCO person id, as PCO's API shows it (a string of digits)
 * @param firstName first name
 * @param lastName last name
 */
public record SimulatedPerson(String id, String firstName, String lastName) {
  public SimulatedPerson {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(firstName, "firstName");
    Objects.requireNonNull(lastName, "lastName");
  }

  /** {@code "First Last"}, as PCO's {@code name} attribute. */
  public String name() {
    return (firstName + " " + lastName).strip();
  }
}
