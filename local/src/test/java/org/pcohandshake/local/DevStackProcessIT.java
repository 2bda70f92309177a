package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code DevStack} as {@code make run} runs it, in its own JVM: READY and the URL to open, Ctrl-C
 * (SIGINT) stops every process it started, and a taken port fails fast with a message that names
 * the port and the fix, without a stack trace.
 */
class DevStackProcessIT {

  static final long READY_SECONDS = 120;

  record Run(Process process, List<String> out, List<String> err) {}

  static Run launch(Map<String, String> env) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            DevStack.class.getName());
    builder.environment().remove("AWS_ENDPOINT_URL"); // it starts and stops its own moto_server
    builder.environment().putAll(env);
    Process process = builder.start();
    List<String> out = new ArrayList<>();
    List<String> err = new ArrayList<>();
    pump(process.getInputStream(), out);
    pump(process.getErrorStream(), err);
    return new Run(process, out, err);
  }

  static void pump(java.io.InputStream stream, List<String> lines) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                  synchronized (lines) {
                    lines.add(line);
                  }
                }
              } catch (IOException ignored) {
                // the process ended
              }
            });
    thread.setDaemon(true);
    thread.start();
  }

  static String text(List<String> lines) {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  static void signal(Process process, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
    assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
  }

  @Test
  void printsReady_servesTheStartPage_andSigintStopsEveryProcessItStarted() throws Exception {
    Run run = launch(Map.of("PORT", "0"));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
      // the READY block is read while it is being written: wait for its last line, whole
      Pattern startedLine = Pattern.compile("(?m)^Started in .*\\R");
      while (!startedLine.matcher(text(run.out())).find() && System.nanoTime() < deadline) {
        assertTrue(run.process().isAlive(), text(run.out()) + "\n" + text(run.err()));
        Thread.sleep(50);
      }
      String out = text(run.out());
      Matcher ready = Pattern.compile("(?m)^READY (http://localhost:\\d+)$").matcher(out);
      assertTrue(ready.find(), out + "\n" + text(run.err()));
      for (int step = 1; step <= DevStack.STEPS; step++) {
        assertTrue(out.contains("[" + step + "/" + DevStack.STEPS + "] "), out);
      }
      Matcher open = Pattern.compile("Open in a browser:\\s+(http://\\S+)").matcher(out);
      assertTrue(open.find(), out);
      assertTrue(out.contains("Integrator client id:     pco-addon"), out);
      assertTrue(Pattern.compile("Integrator client secret: \\w{48}").matcher(out).find(), out);

      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpResponse<String> start =
            http.send(
                HttpRequest.newBuilder(URI.create(open.group(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, start.statusCode());
        assertTrue(start.body().contains("Authorize add-on"));
        HttpResponse<String> token =
            http.send(
                HttpRequest.newBuilder(URI.create(ready.group(1) + "/oauth/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(token.statusCode() == 400 || token.statusCode() == 401, token.body());
      }

      List<ProcessHandle> children = run.process().descendants().toList();
      assertTrue(
          children.stream().anyMatch(p -> p.info().commandLine().orElse("").contains("moto")),
          "moto_server runs as a child");

      signal(run.process(), "INT"); // what Ctrl-C sends
      assertTrue(run.process().waitFor(30, TimeUnit.SECONDS), "stops on SIGINT");
      assertEquals(130, run.process().exitValue());
      assertTrue(text(run.out()).contains("Stopped the local stack."), text(run.out()));
      awaitDead(children);
    } finally {
      run.process().descendants().forEach(ProcessHandle::destroyForcibly);
      run.process().destroyForcibly();
    }
  }

  @Test
  void takenPort_failsWithThePortAndTheFix_noStackTrace_andLeavesNothingRunning() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();
      Run run = launch(Map.of("PORT", Integer.toString(port)));
      List<ProcessHandle> seen = new ArrayList<>();
      CompletableFuture<Process> exited = run.process().onExit();
      while (!exited.isDone()) {
        run.process().descendants().filter(p -> !seen.contains(p)).forEach(seen::add);
        Thread.sleep(20);
      }
      assertEquals(1, run.process().exitValue(), text(run.out()) + text(run.err()));
      String err = text(run.err());
      assertTrue(err.contains("Port " + port + " (the local API, PORT) is already in use"), err);
      assertTrue(err.contains("PORT=3100 make run"), err);
      assertFalse(err.contains("\tat "), "no stack trace: " + err);
      assertFalse(err.contains("Exception"), err);
      awaitDead(seen);
    }
  }

  @Test
  void loginUrlWithoutKey_failsBeforeStartingAnything() throws Exception {
    Run run = launch(Map.of("LOGIN_URL", "http://127.0.0.1:9/login"));
    assertTrue(run.process().waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, run.process().exitValue());
    Thread.sleep(100); // let the pump read the last line
    String err = text(run.err());
    assertTrue(err.contains("set LOGIN_BRIDGE_KEY too"), err);
    assertFalse(err.contains("\tat "), err);
    assertFalse(text(run.out()).contains("[1/"), "nothing started");
  }

  static void awaitDead(List<ProcessHandle> processes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    List<String> alive =
        processes.stream()
            .filter(ProcessHandle::isAlive)
            .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
            .toList();
    assertEquals(List.of(), alive, "processes left running");
  }
}
