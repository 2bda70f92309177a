package org.pcohandshake.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@link Emulator#findMotoServer} looks: the PATH first, then the project's .venv. */
class MotoServerLookupTest {

  @TempDir Path dir;

  private Path executable(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path file = Files.writeString(directory.resolve("moto_server"), "#!/bin/sh\n");
    file.toFile().setExecutable(true);
    return file;
  }

  @Test
  void onThePath_isFound() throws IOException {
    Path bin = executable(dir.resolve("bin"));
    String path = dir.resolve("empty") + File.pathSeparator + bin.getParent();
    assertEquals(Optional.of(bin), Emulator.findMotoServer(Map.of("PATH", path), Optional.empty()));
  }

  @Test
  void thePath_comesBeforeTheVirtualEnvironment() throws IOException {
    Path onPath = executable(dir.resolve("bin"));
    executable(dir.resolve("project/.venv/bin"));
    assertEquals(
        Optional.of(onPath),
        Emulator.findMotoServer(
            Map.of("PATH", onPath.getParent().toString()), Optional.of(dir.resolve("project"))));
  }

  @Test
  void inTheProjectVirtualEnvironment_isFound() throws IOException {
    Path venv = executable(dir.resolve("project/.venv/bin"));
    assertEquals(
        Optional.of(venv),
        Emulator.findMotoServer(
            Map.of("PATH", dir.resolve("nothing-here").toString()),
            Optional.of(dir.resolve("project"))));
  }

  @Test
  void aFileThatIsNotExecutable_isSkipped() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path file = Files.writeString(bin.resolve("moto_server"), "not a program");
    file.toFile().setExecutable(false);
    assertEquals(
        Optional.empty(),
        Emulator.findMotoServer(Map.of("PATH", bin.toString()), Optional.empty()));
  }

  @Test
  void noPathAndNoProject_findsNothing() {
    assertEquals(Optional.empty(), Emulator.findMotoServer(Map.of(), Optional.empty()));
  }
}
