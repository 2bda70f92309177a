package org.pcohandshake.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Testcontainers may touch Docker as soon as its classes initialise, so the testkit refers to it
 * from one class only, {@link LocalStackLauncher}, which runs only once LocalStack is chosen. This
 * reads the compiled classes to keep it that way.
 */
class TestcontainersIsolationTest {

  @Test
  void onlyLocalStackLauncher_refersToTestcontainers() throws IOException, URISyntaxException {
    Path classes =
        Path.of(Emulator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(Files.isDirectory(classes), classes + " is not a directory of classes");
    List<String> referring;
    try (Stream<Path> files = Files.walk(classes)) {
      referring =
          files
              .filter(p -> p.toString().endsWith(".class"))
              .filter(TestcontainersIsolationTest::refersToTestcontainers)
              .map(p -> classes.relativize(p).toString().replace('\\', '/'))
              .sorted()
              .toList();
    }
    assertEquals(List.of("org/pcohandshake/testkit/aws/LocalStackLauncher.class"), referring);
  }

  private static boolean refersToTestcontainers(Path classFile) {
    try {
      return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1)
          .contains("org/testcontainers/");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
