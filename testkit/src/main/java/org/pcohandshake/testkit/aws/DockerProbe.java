package org.pcohandshake.testkit.aws;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Whether a Docker engine answers, found the way Testcontainers looks for one ({@code DOCKER_HOST},
 * {@code docker.host} or {@code tc.host} in {@code ~/.testcontainers.properties}, the usual socket
 * paths), and asked with {@code GET /_ping}, each attempt bounded by a short timeout, so a missing
 * or stuck engine costs seconds, never a hang. Testcontainers itself is not used here: it is loaded
 * only once LocalStack has been chosen.
 */
public final class DockerProbe {

  /** How long one engine may take to connect and answer the ping. */
  public static final Duration TIMEOUT = Duration.ofSeconds(2);

  private static final int MAX_RESPONSE_BYTES = 4096;

  private DockerProbe() {}

  /**
   * What the probe found.
   *
   * @param answers true when an engine answered
   * @param detail the engine that answered (e.g. {@code unix:///var/run/docker.sock}), or what was
   *     tried and why each failed
   */
  public record Status(boolean answers, String detail) {

    /** An engine answered at {@code host}. */
    public static Status answering(String host) {
      return new Status(true, host);
    }

    /** No engine answered; {@code detail} says what was tried. */
    public static Status none(String detail) {
      return new Status(false, detail);
    }
  }

  /** Probes the engines these settings point at (see the class comment), with {@link #TIMEOUT}. */
  public static Status probe(EmulatorSettings settings) {
    return probe(candidates(settings), TIMEOUT);
  }

  /**
   * Pings each host in turn until one answers.
   *
   * @param hosts Docker hosts such as {@code unix:///var/run/docker.sock} or {@code
   *     tcp://127.0.0.1:2375}
   * @param timeout the bound for each host
   */
  public static Status probe(List<String> hosts, Duration timeout) {
    List<String> failures = new ArrayList<>();
    for (String host : hosts) {
      Optional<String> failure = ping(host, timeout);
      if (failure.isEmpty()) {
        return Status.answering(host);
      }
      failures.add(host + ": " + failure.get());
    }
    if (failures.isEmpty()) {
      return Status.none("no Docker host to try");
    }
    return Status.none("tried " + String.join("; ", failures));
  }

  /**
   * The Docker hosts to try: {@code DOCKER_HOST} alone when it is set (as the docker CLI and
   * Testcontainers do), else the Testcontainers configuration and the usual socket paths.
   */
  static List<String> candidates(EmulatorSettings settings) {
    Optional<String> dockerHost = settings.variable("DOCKER_HOST");
    if (dockerHost.isPresent()) {
      return List.of(dockerHost.get());
    }
    Set<String> hosts = new LinkedHashSet<>();
    Optional<Path> home = settings.variable("HOME").map(Path::of);
    home.flatMap(DockerProbe::testcontainersProperties)
        .ifPresent(
            p -> {
              for (String key : List.of("docker.host", "tc.host")) {
                String value = p.getProperty(key);
                if (value != null && !value.isBlank()) {
                  hosts.add(value.trim());
                }
              }
            });
    if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
      hosts.add("npipe:////./pipe/docker_engine");
    }
    hosts.add("unix:///var/run/docker.sock");
    settings
        .variable("XDG_RUNTIME_DIR")
        .ifPresent(dir -> hosts.add(unix(Path.of(dir, "docker.sock"))));
    home.ifPresent(
        h -> {
          hosts.add(unix(h.resolve(".docker/run/docker.sock")));
          hosts.add(unix(h.resolve(".docker/desktop/docker.sock")));
        });
    return List.copyOf(hosts);
  }

  /** Empty when the host answered the ping, else why not. */
  static Optional<String> ping(String host, Duration timeout) {
    URI uri;
    try {
      uri = URI.create(host);
    } catch (IllegalArgumentException e) {
      return Optional.of("not a Docker host URL");
    }
    String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "unix" -> pingUnix(Path.of(uri.getPath()), timeout);
      case "tcp", "http", "https" -> pingTcp(uri, timeout);
      case "npipe" ->
          Files.exists(Path.of(uri.getPath().replace('/', '\\')))
              ? Optional.empty()
              : Optional.of("no such named pipe");
      default -> Optional.of("unsupported scheme '" + scheme + "'");
    };
  }

  private static Optional<String> pingUnix(Path socket, Duration timeout) {
    if (!Files.exists(socket)) {
      return Optional.of("no such socket");
    }
    AtomicReference<SocketChannel> open = new AtomicReference<>();
    return bounded(
        timeout,
        () -> open.get(),
        () -> {
          try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            open.set(channel);
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(pingRequest().getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            while (response.size() < MAX_RESPONSE_BYTES && channel.read(buffer) > 0) {
              response.write(buffer.array(), 0, buffer.position());
              buffer.clear();
              if (complete(response)) {
                break;
              }
            }
            return judge(response);
          }
        });
  }

  private static Optional<String> pingTcp(URI uri, Duration timeout) {
    String hostName = uri.getHost();
    if (hostName == null) {
      return Optional.of("no host in the URL");
    }
    boolean tls = "https".equalsIgnoreCase(uri.getScheme()) || uri.getPort() == 2376;
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 2376 : 2375;
    AtomicReference<Socket> open = new AtomicReference<>();
    return bounded(
        timeout,
        () -> open.get(),
        () -> {
          try (Socket socket = new Socket()) {
            open.set(socket);
            int millis = (int) timeout.toMillis();
            socket.connect(new InetSocketAddress(hostName, port), millis);
            if (tls) {
              // Speaking TLS needs the client certificates; that it accepts connections will do.
              return Optional.empty();
            }
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            out.write(pingRequest().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[1024];
            int n;
            while (response.size() < MAX_RESPONSE_BYTES && (n = in.read(buffer)) > 0) {
              response.write(buffer, 0, n);
              if (complete(response)) {
                break;
              }
            }
            return judge(response);
          }
        });
  }

  /** Runs one ping on a daemon thread and gives up (closing its connection) after timeout. */
  private static Optional<String> bounded(
      Duration timeout, Supplier<AutoCloseable> connection, IoCallable<Optional<String>> ping) {
    CompletableFuture<Optional<String>> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(ping.call());
              } catch (IOException | RuntimeException e) {
                result.complete(Optional.of(describe(e)));
              }
            },
            "docker-probe");
    thread.setDaemon(true);
    thread.start();
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      closeQuietly(connection.get());
      thread.interrupt();
      return Optional.of("no answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      return Optional.of(describe(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(connection.get());
      return Optional.of("interrupted");
    }
  }

  @FunctionalInterface
  private interface IoCallable<T> {
    T call() throws IOException;
  }

  private static String pingRequest() {
    return "GET /_ping HTTP/1.1\r\nHost: docker\r\nUser-Agent: pco-testkit\r\nConnection: close\r\n\r\n";
  }

  /** The status line and the end of the headers have arrived. */
  private static boolean complete(ByteArrayOutputStream response) {
    return response.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n");
  }

  private static Optional<String> judge(ByteArrayOutputStream response) {
    String text = response.toString(StandardCharsets.ISO_8859_1);
    if (text.isEmpty()) {
      return Optional.of("closed without answering");
    }
    String statusLine = text.lines().findFirst().orElse("");
    if (statusLine.matches("HTTP/1\\.[01] 200( .*)?")) {
      return Optional.empty();
    }
    return Optional.of(
        "answered '" + statusLine.substring(0, Math.min(80, statusLine.length())) + "', not 200");
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank()
        ? e.getClass().getSimpleName()
        : message.replace('\n', ' ');
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable != null) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // best effort: the probe has already given up on this connection
      }
    }
  }

  private static Optional<Properties> testcontainersProperties(Path home) {
    Path file = home.resolve(".testcontainers.properties");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      properties.load(reader);
      return Optional.of(properties);
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String unix(Path socket) {
    return "unix://" + socket.toAbsolutePath();
  }
}
