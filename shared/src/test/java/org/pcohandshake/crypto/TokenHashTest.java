package org.pcohandshake.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenHashTest {

  @Test
  void value_isTheStoredForm_andReadsBackEqual() {
    TokenHash hash = Tokens.hash(Tokens.random());
    assertEquals(hash, TokenHash.ofStored(hash.value()));
    assertEquals(hash.value(), TokenHash.ofStored(hash.value()).value());
    assertEquals(hash.value(), hash.toString());
  }

  @Test
  void value_isUnchanged_base64urlSha256() {
    // the form items were written in before this type existed
    assertEquals("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", Tokens.hash("abc").value());
  }

  @Test
  void ofStored_refusesWhatNoHashLooksLike() {
    assertThrows(IllegalStateException.class, () -> TokenHash.ofStored(""));
    assertThrows(IllegalStateException.class, () -> TokenHash.ofStored("not a hash"));
  }

  @Test
  void matches_comparesValues() {
    assertTrue(Tokens.hash("a").matches(Tokens.hash("a")));
    assertFalse(Tokens.hash("a").matches(Tokens.hash("b")));
  }
}
