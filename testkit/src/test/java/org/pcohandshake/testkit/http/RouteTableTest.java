package org.pcohandshake.testkit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.sam.SamRoute;

class RouteTableTest {

  private final RouteTable table =
      new RouteTable(
          List.of(
              new SamRoute("GET", "/oauth/authorize", "Prompt", "E"),
              new SamRoute("POST", "/oauth/authorize", "Decision", "E"),
              new SamRoute("GET", "/items/{id}", "Item", "E"),
              new SamRoute("GET", "/items/special", "Special", "E"),
              new SamRoute("ANY", "/files/{path+}", "Files", "E"),
              new SamRoute("DELETE", "/files/{path+}", "DeleteFiles", "E")));

  private String function(String method, String path) {
    return table.match(method, path).map(m -> m.route().functionLogicalId()).orElse("none");
  }

  @Test
  void samePathDifferentMethods_routeToTheirOwnFunctions() {
    assertEquals("Prompt", function("GET", "/oauth/authorize"));
    assertEquals("Decision", function("POST", "/oauth/authorize"));
  }

  @Test
  void undeclaredMethodOnKnownPath_doesNotMatch() {
    assertEquals("none", function("PUT", "/oauth/authorize"));
  }

  @Test
  void unknownPathAndTrailingSlash_doNotMatch() {
    assertEquals("none", function("GET", "/nope"));
    assertEquals("none", function("GET", "/oauth/authorize/"));
  }

  @Test
  void literalSegment_beatsPathParameter() {
    assertEquals("Special", function("GET", "/items/special"));
    assertEquals("Item", function("GET", "/items/42"));
  }

  @Test
  void pathParameter_isCapturedAndDecoded() {
    RouteTable.Match match = table.match("GET", "/items/a%20b").orElseThrow();
    assertEquals(Map.of("id", "a b"), match.pathParameters());
  }

  @Test
  void greedyParameter_capturesTheRest_andExactMethodBeatsAny() {
    RouteTable.Match match = table.match("GET", "/files/a/b/c.txt").orElseThrow();
    assertEquals("Files", match.route().functionLogicalId());
    assertEquals(Map.of("path", "a/b/c.txt"), match.pathParameters());
    assertEquals("DeleteFiles", function("DELETE", "/files/a"));
    assertEquals("none", function("GET", "/files"));
  }

  @Test
  void defaultRoute_catchesWhatNothingElseMatches() {
    RouteTable withDefault =
        new RouteTable(
            List.of(
                new SamRoute("GET", "/a", "A", "E"),
                new SamRoute("ANY", SamRoute.DEFAULT_ROUTE, "Fallback", "E")));
    assertEquals("A", withDefault.match("GET", "/a").orElseThrow().route().functionLogicalId());
    assertEquals(
        "Fallback", withDefault.match("POST", "/a").orElseThrow().route().functionLogicalId());
    assertTrue(withDefault.match("GET", "/zzz").isPresent());
  }
}
