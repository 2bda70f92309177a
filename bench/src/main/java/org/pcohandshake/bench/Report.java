package org.pcohandshake.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.pcohandshake.bench.Bench.Result;
import org.pcohandshake.bench.Bench.Run;

/** The benchmark's results as markdown tables, with ratios to both baselines. */
final class Report {

  private Report() {}

  static String markdown(
      Machine machine, String loadAfter, Bench.Options options, List<Result> results) {
    StringBuilder md = new StringBuilder();
    md.append("Command: `make bench` · ")
        .append(machine.date())
        .append(" · ")
        .append(machine.cpus())
        .append(" CPUs (")
        .append(machine.cpuModel())
        .append("), ")
        .append(machine.memoryMb())
        .append(" MB · ")
        .append(machine.jdk())
        .append(" · load average before ")
        .append(machine.loadBefore())
        .append(", after ")
        .append(loadAfter)
        .append("\n\n");
    md.append(
            String.format(
                Locale.ROOT,
                "Medians of %d cold starts (fresh JVMs, round-robin across targets); warm latency over %d requests"
                    + " (%d after each cold start); AWS time and own work from one probe run of %d"
                    + " warm requests; classes from one run with class-load logging; simulated"
                    + " SnapStart over %d runs.",
                options.runs(),
                options.runs() * options.warm(),
                options.warm(),
                options.probeWarm(),
                options.snapRuns()))
        .append("\n\n");

    Optional<Double> hello = baseline(results, "hello-world", Run::firstResponseMs);
    Optional<Double> bare = baseline(results, "bare-sdk", Run::firstResponseMs);
    Optional<Double> helloCpu = baseline(results, "hello-world", Run::cpuToFirstResponseMs);
    Optional<Double> bareCpu = baseline(results, "bare-sdk", Run::cpuToFirstResponseMs);

    md.append("### Cold start\n\n");
    md.append(
        "| target | artifact | init done (first `/next`) | first response | first request alone"
            + " | × hello-world | × bare-sdk | CPU to first response | CPU × hello-world"
            + " | CPU × bare-sdk | peak RSS | classes loaded (from the app) |\n");
    md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Result r : results) {
      if (r.cold().isEmpty()) {
        md.append("| ")
            .append(r.target().name())
            .append(" | ")
            .append(mb(r.artifactBytes()))
            .append(" | ")
            .append(r.target().note())
            .append(" |  |  |  |  |  |  |  |  |  |\n");
        continue;
      }
      double init = median(r.cold(), Run::initMs);
      double first = median(r.cold(), Run::firstResponseMs);
      double alone = median(r.cold(), run -> run.firstResponseMs() - run.initMs());
      double rss = median(r.cold(), run -> run.peakRssKb() / 1024.0);
      double cpu = median(r.cold(), Run::cpuToFirstResponseMs);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.0f ms | %.0f ms | %.0f ms | %s | %s | %.0f ms | %s | %s | %.0f MB | %d (%d) |%n",
              r.target().name(),
              mb(r.artifactBytes()),
              init,
              first,
              alone,
              ratio(first, hello),
              ratio(first, bare),
              cpu,
              ratio(cpu, helloCpu),
              ratio(cpu, bareCpu),
              rss,
              r.classes().classes(),
              r.classes().appClasses()));
    }

    md.append("\n### Warm requests\n\n");
    md.append(
        "| target | p50 | p99 | AWS calls (cold request, warm request) | time in AWS calls p50"
            + " | own work p50 (total − AWS) | own work p99 |\n");
    md.append("|---|--:|--:|--:|--:|--:|--:|\n");
    for (Result r : results) {
      if (r.cold().isEmpty()) {
        continue;
      }
      List<Double> warm = new ArrayList<>();
      r.cold().forEach(run -> warm.addAll(run.warmMs()));
      Run probe = r.probe();
      List<Double> aws = tail(probe.awsMs());
      List<Double> own = tail(probe.ownMs());
      long coldCalls = probe.awsCalls().isEmpty() ? 0 : probe.awsCalls().get(0);
      long warmCalls =
          probe.awsCalls().size() > 1
              ? Math.round(
                  Stats.median(tail(probe.awsCalls()).stream().map(Long::doubleValue).toList()))
              : 0;
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.2f ms | %.2f ms | %d, %d | %.2f ms | %.2f ms | %.2f ms |%n",
              r.target().name(),
              Stats.median(warm),
              Stats.percentile(warm, 99),
              coldCalls,
              warmCalls,
              Stats.median(aws),
              Stats.median(own),
              Stats.percentile(own, 99)));
    }

    md.append("\n### Simulated SnapStart (local)\n\n");
    md.append(
        "| target | init incl. `beforeCheckpoint` hooks | first response after restore"
            + " | cold first request alone (for comparison) |\n");
    md.append("|---|--:|--:|--:|\n");
    for (Result r : results) {
      if (r.snap().isEmpty()) {
        continue;
      }
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.0f ms | %.0f ms | %.0f ms |%n",
              r.target().name(),
              median(r.snap(), Run::restoreMs),
              median(r.snap(), Run::afterRestoreMs),
              median(r.cold(), run -> run.firstResponseMs() - run.initMs())));
    }
    return md.toString();
  }

  private static <T> List<T> tail(List<T> values) {
    return values.size() <= 1 ? List.of() : values.subList(1, values.size());
  }

  private static Optional<Double> baseline(
      List<Result> results, String name, Function<Run, Double> metric) {
    return results.stream()
        .filter(r -> r.target().name().equals(name) && !r.cold().isEmpty())
        .findFirst()
        .map(r -> median(r.cold(), metric));
  }

  private static double median(List<Run> runs, Function<Run, Double> metric) {
    return Stats.median(runs.stream().map(metric).toList());
  }

  private static String ratio(double value, Optional<Double> baseline) {
    return baseline.map(b -> String.format(Locale.ROOT, "%.2f", value / b)).orElse("–");
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
  }
}
