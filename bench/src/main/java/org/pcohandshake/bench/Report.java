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
      Machine machine,
      String loadAfter,
      Bench.Options options,
      List<Result> results,
      Bench.PopupResult popup) {
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
    if (popup != null) {
      popup(md, options, results, popup);
    }
    return md.toString();
  }

  /** The popup's hops in three variants, its floors from the baselines, the refresh alone. */
  private static void popup(
      StringBuilder md, Bench.Options options, List<Result> results, Bench.PopupResult popup) {
    md.append("\n### The popup on cold functions\n\n");
    md.append(
            String.format(
                Locale.ROOT,
                "Medians of %d on-demand cold popups (one per round of cold starts), %d simulated"
                    + " SnapStart popups and %d warm popups (%d on the same instances after each"
                    + " cold one); CPU of the function's process in the hop (10 ms ticks; for the"
                    + " warm popups the mean). A function is cold on its first hop only:"
                    + " authorize-prompt's instance serves all three of its hops.",
                popup.cold().size(),
                popup.snap().size(),
                popup.warm().size(),
                options.popupWarm()))
        .append("\n\n");
    md.append(
        "| hop | function | on-demand cold | CPU | simulated SnapStart | CPU | all warm p50 | CPU"
            + " (mean) |\n");
    md.append("|---|---|--:|--:|--:|--:|--:|--:|\n");
    List<Popup.Step> first = popup.cold().isEmpty() ? List.of() : popup.cold().get(0).steps();
    for (int i = 0; i < first.size(); i++) {
      int hop = i;
      Popup.Step step = first.get(i);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s (%s) | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.1f ms | %.1f ms |%n",
              step.hop().label,
              step.hop().fn.target,
              step.cold() ? "cold" : "warm instance",
              walks(popup.cold(), w -> w.steps().get(hop).ms()),
              walks(popup.cold(), w -> w.steps().get(hop).cpuMs()),
              walks(popup.snap(), w -> w.steps().get(hop).ms()),
              walks(popup.snap(), w -> w.steps().get(hop).cpuMs()),
              walks(popup.warm(), w -> w.steps().get(hop).ms()),
              mean(popup.warm(), w -> w.steps().get(hop).cpuMs())));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "| **total** (sum of the hops) | | **%.0f ms** | **%.0f ms** | **%.0f ms** | **%.0f ms**"
                + " | **%.1f ms** | **%.1f ms** |%n",
            walks(popup.cold(), Popup.Walk::totalMs),
            walks(popup.cold(), Popup.Walk::cpuMs),
            walks(popup.snap(), Popup.Walk::totalMs),
            walks(popup.snap(), Popup.Walk::cpuMs),
            walks(popup.warm(), Popup.Walk::totalMs),
            mean(popup.warm(), Popup.Walk::cpuMs)));
    md.append(
        String.format(
            Locale.ROOT,
            "| wall clock, first request to token response (with the harness between hops) | |"
                + " %.0f ms | | %.0f ms | | %.1f ms | |%n",
            walks(popup.cold(), Popup.Walk::wallMs),
            walks(popup.snap(), Popup.Walk::wallMs),
            walks(popup.warm(), Popup.Walk::wallMs)));
    md.append(
        String.format(
            Locale.ROOT,
            "| of which the login app (token signed in the harness, between hops 2 and 3) | |"
                + " %.1f ms | | %.1f ms | | %.2f ms | |%n",
            walks(popup.cold(), Popup.Walk::loginAppMs),
            walks(popup.snap(), Popup.Walk::loginAppMs),
            walks(popup.warm(), Popup.Walk::loginAppMs)));

    long coldHops = first.stream().filter(Popup.Step::cold).count();
    long warmHops = first.size() - coldHops;
    md.append(
        String.format(
            Locale.ROOT,
            "%nFloors from the baselines of this run, over the same %d hops (%d cold, %d on a warm"
                + " instance): cold = %d × the baseline's cold first response + %d × its warm p50;"
                + " SnapStart = %d × its first response after restore + %d × its warm p50; warm ="
                + " %d × its warm p50; CPU = %d × its CPU to first response.%n%n",
            first.size(),
            coldHops,
            warmHops,
            coldHops,
            warmHops,
            coldHops,
            warmHops,
            first.size(),
            coldHops));
    md.append(
        "| floor | on-demand cold | popup × floor | CPU | popup CPU × floor | simulated SnapStart"
            + " | popup × floor | all warm | popup × floor |\n");
    md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    double coldTotal = walks(popup.cold(), Popup.Walk::totalMs);
    double coldCpu = walks(popup.cold(), Popup.Walk::cpuMs);
    double snapTotal = walks(popup.snap(), Popup.Walk::totalMs);
    double warmTotal = walks(popup.warm(), Popup.Walk::totalMs);
    for (String name : List.of("hello-world", "bare-sdk")) {
      Optional<Result> baseline =
          results.stream()
              .filter(r -> r.target().name().equals(name) && !r.cold().isEmpty())
              .findFirst();
      if (baseline.isEmpty()) {
        md.append("| ").append(name).append(" | not measured in this run | | | | | | | |\n");
        continue;
      }
      Result r = baseline.get();
      List<Double> warm = new ArrayList<>();
      r.cold().forEach(run -> warm.addAll(run.warmMs()));
      double warmP50 = Stats.median(warm);
      double cold = coldHops * median(r.cold(), Run::firstResponseMs) + warmHops * warmP50;
      double cpu = coldHops * median(r.cold(), Run::cpuToFirstResponseMs);
      double snap =
          r.snap().isEmpty()
              ? Double.NaN
              : coldHops * median(r.snap(), Run::afterRestoreMs) + warmHops * warmP50;
      double allWarm = first.size() * warmP50;
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.0f ms | %.2f | %.0f ms | %.2f | %.0f ms | %.2f | %.1f ms | %.2f |%n",
              name,
              cold,
              coldTotal / cold,
              cpu,
              coldCpu / cpu,
              snap,
              snapTotal / snap,
              allWarm,
              warmTotal / allWarm));
    }
    results.stream()
        .filter(r -> r.target().name().equals("token-refresh") && !r.cold().isEmpty())
        .findFirst()
        .ifPresent(
            r -> {
              List<Double> warm = new ArrayList<>();
              r.cold().forEach(run -> warm.addAll(run.warmMs()));
              md.append(
                  String.format(
                      Locale.ROOT,
                      "%nThe refresh alone (token-refresh above): on-demand cold %.0f ms (CPU %.0f"
                          + " ms), simulated SnapStart %.0f ms after restore, warm p50 %.1f ms.%n",
                      median(r.cold(), Run::firstResponseMs),
                      median(r.cold(), Run::cpuToFirstResponseMs),
                      r.snap().isEmpty() ? Double.NaN : median(r.snap(), Run::afterRestoreMs),
                      Stats.median(warm)));
            });
  }

  private static double walks(List<Popup.Walk> walks, Function<Popup.Walk, Double> metric) {
    return Stats.median(walks.stream().map(metric).toList());
  }

  private static double mean(List<Popup.Walk> walks, Function<Popup.Walk, Double> metric) {
    return walks.stream().map(metric).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
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
