package org.pcohandshake.templatetests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.pcohandshake.testkit.sam.ProjectRoot;

/** Finds the Python tools the template checks use: on the PATH, or in the project's .venv. */
final class Tools {

  record Result(int exitCode, String output) {}

  private Tools() {}

  static Path root() {
    return ProjectRoot.find();
  }

  static Path require(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new AssertionError(
                    name
                        + " is not installed: run scripts/ensure-python-tools.sh (it installs"
                        + " moto, cfn-lint and aws-sam-translator into .venv), or pip install it."));
  }

  static Optional<Path> find(String name) {
    List<Path> candidates = new ArrayList<>();
    candidates.add(root().resolve(".venv/bin").resolve(name));
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isBlank()) {
        candidates.add(Path.of(dir, name));
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /** The first python (the project's .venv, then the PATH) that can import the module. */
  static Path pythonWith(String module) throws IOException, InterruptedException {
    for (String name : List.of("python", "python3")) {
      Optional<Path> venv =
          Optional.of(root().resolve(".venv/bin").resolve(name)).filter(Files::isExecutable);
      for (Path python : venv.isPresent() ? List.of(venv.get()) : List.<Path>of()) {
        if (run(List.of(python.toString(), "-c", "import " + module)).exitCode() == 0) {
          return python;
        }
      }
    }
    Path python = require("python3");
    if (run(List.of(python.toString(), "-c", "import " + module)).exitCode() != 0) {
      throw new AssertionError(
          module + " is not importable: run scripts/ensure-template-tools.sh, or pip install it.");
    }
    return python;
  }

  static Result run(List<String> command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).directory(root().toFile()).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish in 120 s");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
