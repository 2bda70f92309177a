package org.pcohandshake.link;

import java.util.Objects;
import java.util.Optional;
import org.pcohandshake.crypto.TokenHash;

/**
 * A link found at step 4, waiting for the decision at step 4b that consumes it with the code.
 *
 * @param keyHash the hash of the link cookie's value: the key that consumes the link; empty for
 *     {@link #NONE}
 * @param link the Planning Center identity learned at step 2
 * @param organizationName the PCO organization's name, for the consent page (may be empty)
 */
public record PendingLink(Optional<TokenHash> keyHash, PcoLink link, String organizationName) {

  /** No link: step 2 was skipped. */
  public static final PendingLink NONE = new PendingLink(Optional.empty(), PcoLink.NONE, "");

  public PendingLink {
    Objects.requireNonNull(keyHash, "keyHash");
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(organizationName, "organizationName");
  }

  public boolean present() {
    return keyHash.isPresent() && link.present();
  }
}
