package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.sam.SamFunction;
import org.pcohandshake.testkit.sam.SamTemplate;

class DevStackClasspathTest {

  /** A function added to template.yaml must also be a dependency of local/pom.xml. */
  @Test
  void everyRoutedHandlerOfTheTemplate_isOnThisModulesClassPath() {
    List<String> missing =
        DevStack.missingHandlers(
                SamTemplate.fromProjectRoot(), DevStackClasspathTest.class.getClassLoader())
            .stream()
            .map(SamFunction::logicalId)
            .toList();
    assertEquals(List.of(), missing, "add these functions' modules to local/pom.xml");
  }
}
