package org.pcohandshake.secrets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cache's records never carry a secret into text (a log line, an exception message). */
class SecretCacheTextTest {

  @Test
  void cachedVersions_printWithoutTheirSecrets() {
    SecretCache.Current current =
        new SecretCache.Current("current-secret-value", Optional.of(Instant.EPOCH), Instant.EPOCH);
    String text =
        new SecretCache.WithPrevious(current, Optional.of("previous-secret-value")).toString();
    assertFalse(text.contains("current-secret-value"), text);
    assertFalse(text.contains("previous-secret-value"), text);
    assertTrue(text.contains("previous=true"), text);
  }
}
