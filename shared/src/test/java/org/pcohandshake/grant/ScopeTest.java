package org.pcohandshake.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScopeTest {

  private static Scope scope(String text) {
    return Scope.parse(text).orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "people", "people services", "a!#[]^~ z", "services people"})
  void serialized_parsesBackToTheSameScopeAndText(String text) {
    Scope scope = scope(text);
    assertEquals(scope, scope(scope.serialize()));
    assertEquals(text, scope.serialize());
    assertEquals(text, scope.toString());
  }

  @Test
  void parse_toleratesSurroundingWhitespaceAndRunsOfSpaces_andDropsRepeats() {
    assertEquals("people services", scope("  people   services people ").serialize());
    assertEquals(List.of("people", "services"), scope("people services people").tokens());
  }

  @Test
  void blankText_isTheEmptyScope() {
    assertEquals(Scope.EMPTY, scope(""));
    assertEquals(Scope.EMPTY, scope("   "));
    assertTrue(Scope.EMPTY.isEmpty());
    assertEquals("", Scope.EMPTY.serialize());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "people \"x\"", // %x22 is not a scope-token character
        "people\\services", // nor %x5C
        "people\tservices", // a tab is not the delimiter
        "caf\u00e9", // nor is anything beyond %x7E
        "people\u007fx"
      })
  void aTokenOutsideRfc6749Section3_3_doesNotParse(String text) {
    assertEquals(Optional.empty(), Scope.parse(text));
  }

  @Test
  void aTokenLongerThan64Characters_doesNotParse() {
    assertTrue(Scope.parse("a".repeat(64)).isPresent());
    assertEquals(Optional.empty(), Scope.parse("a".repeat(65)));
  }

  @Test
  void equality_isOfSets_orderIgnored() {
    assertEquals(scope("people services"), scope("services people"));
    assertEquals(scope("people services").hashCode(), scope("services people").hashCode());
    assertNotEquals(scope("people"), scope("people services"));
  }

  @Test
  void covers_isSubsetInAnyOrder() {
    Scope granted = scope("people services groups");
    assertTrue(granted.covers(scope("groups people")));
    assertTrue(granted.covers(Scope.EMPTY));
    assertFalse(granted.covers(scope("people admin")));
    assertFalse(Scope.EMPTY.covers(scope("people")));
  }

  @Test
  void allowedBy_anEmptyList_allowsAnything_otherwiseOnlyListedTokens() {
    assertTrue(scope("anything").allowedBy(List.of()));
    assertTrue(scope("people").allowedBy(List.of("people", "services")));
    assertFalse(scope("people admin").allowedBy(List.of("people", "services")));
  }

  @Test
  void ofStored_readsWhatSerializeWrote_andRefusesAnythingElse() {
    assertEquals(scope("people services"), Scope.ofStored("people services"));
    assertThrows(IllegalStateException.class, () -> Scope.ofStored("people \"x\""));
  }
}
