package org.pcohandshake.testkit.sam;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The project root: the nearest ancestor of the working directory that holds template.yaml. */
public final class ProjectRoot {

  /** The file name that marks the project root. */
  public static final String TEMPLATE_FILE = "template.yaml";

  /**
   * The file beside template.yaml with values for local runs of the parameters a deployment must
   * set ({@code Name=value} lines, {@code #} comments), see {@link
   * SamTemplate#withLocalValues(java.util.Map)}.
   */
  public static final String LOCAL_PARAMETERS_FILE = "parameters.local.properties";

  private ProjectRoot() {}

  /** The project root above the working directory, or empty when there is none. */
  public static Optional<Path> tryFind() {
    return tryFind(Path.of("").toAbsolutePath());
  }

  /** The nearest directory from {@code start} upwards that holds template.yaml, if any. */
  public static Optional<Path> tryFind(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(TEMPLATE_FILE))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  /**
   * The project root above the working directory.
   *
   * @throws IllegalStateException when no ancestor holds template.yaml
   */
  public static Path find() {
    Path workingDir = Path.of("").toAbsolutePath();
    return tryFind(workingDir)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "No "
                        + TEMPLATE_FILE
                        + " in "
                        + workingDir
                        + " or any parent directory: run this from inside the project checkout"
                        + " (the directory that holds "
                        + TEMPLATE_FILE
                        + ", or one of its subdirectories)."));
  }

  /** The template.yaml of the project root above the working directory. */
  public static Path template() {
    return find().resolve(TEMPLATE_FILE);
  }
}
