package org.pcohandshake.local;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;

/** One line per start-up step, printed when the step is done, with how long it took. */
public final class Progress {

  private final PrintStream out;
  private final int steps;
  private final long started = System.nanoTime();
  private int step;

  /**
   * @param out where the lines go (null prints nothing)
   * @param steps how many steps there will be
   */
  public Progress(PrintStream out, int steps) {
    this.out = out;
    this.steps = steps;
  }

  /** Prints nothing: for tests that start the stack in-process. */
  public static Progress silent() {
    return new Progress(null, 0);
  }

  /**
   * Runs one step and prints {@code [n/steps] name: <what it returned> (<ms> ms)}.
   *
   * @param name what the step starts, e.g. "AWS emulator"
   * @param work the step; returns the value and the text to print
   */
  public <T> T step(String name, Supplier<Result<T>> work) {
    long begin = System.nanoTime();
    Result<T> result = work.get();
    step++;
    if (out != null) {
      out.printf(
          Locale.ROOT,
          "[%d/%d] %s: %s (%s)%n",
          step,
          steps,
          name,
          result.summary(),
          millis(System.nanoTime() - begin));
      out.flush();
    }
    return result.value();
  }

  /** Time since this progress started, as text. */
  public String elapsed() {
    return millis(System.nanoTime() - started);
  }

  private static String millis(long nanos) {
    long ms = nanos / 1_000_000;
    return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  /** What a step made, and one line about it. */
  public record Result<T>(T value, String summary) {}
}
