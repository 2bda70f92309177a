package org.pcohandshake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The machine a benchmark ran on, for the report. */
record Machine(
    String date, int cpus, String cpuModel, long memoryMb, String jdk, String loadBefore) {

  static Machine describe() {
    return new Machine(
        ZonedDateTime.now(ZoneOffset.UTC)
            .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
        Runtime.getRuntime().availableProcessors(),
        readCpuModel(),
        readMemoryMb(),
        System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version"),
        loadAverage());
  }

  String summary() {
    return cpus + " CPUs (" + cpuModel + "), " + memoryMb + " MB, " + jdk + ", load " + loadBefore;
  }

  /** The 1, 5 and 15 minute load averages, as uptime prints them. */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + ", " + parts[1] + ", " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String readCpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  private static long readMemoryMb() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
              .filter(l -> l.startsWith("MemTotal:"))
              .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
              .findFirst()
              .orElse(0L)
          / 1024;
    } catch (IOException e) {
      return 0;
    }
  }
}
