package org.pcohandshake.link;

/**
 * The Planning Center identity learned at step 2, carried to the grant made at step 4b.
 *
 * @param organizationId PCO organization id
 * @param personId PCO person id
 * @param personName the person's display name (may be empty)
 */
public record PcoLink(String organizationId, String personId, String personName) {

  /** No link: step 2 was skipped or its cookie is gone. */
  public static final PcoLink NONE = new PcoLink("", "", "");

  public boolean present() {
    return !organizationId.isEmpty() && !personId.isEmpty();
  }
}
