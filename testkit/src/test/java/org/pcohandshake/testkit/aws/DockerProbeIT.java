package org.pcohandshake.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DockerProbe} against stand-in engines on this machine: one that answers the ping, one that
 * answers an error, and ones that accept a connection and then say nothing, which must cost no more
 * than the timeout.
 */
class DockerProbeIT {

  private static final Duration TIMEOUT = Duration.ofMillis(800);

  @TempDir Path dir;

  private final List<AutoCloseable> servers = new ArrayList<>();

  @AfterEach
  void stopServers() throws Exception {
    for (AutoCloseable server : servers) {
      server.close();
    }
  }

  /** A Unix socket server that answers each connection with {@code response} (null: silence). */
  private String unixServer(String response) throws IOException {
    Path socket = dir.resolve("docker.sock");
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    servers.add(server);
    Thread thread =
        new Thread(
            () -> {
              try {
                while (true) {
                  SocketChannel client = server.accept();
                  servers.add(client);
                  if (response != null) {
                    client.read(ByteBuffer.allocate(1024));
                    client.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.US_ASCII)));
                    client.close();
                  }
                }
              } catch (IOException closed) {
                // the test is over
              }
            });
    thread.setDaemon(true);
    thread.start();
    return "unix://" + socket;
  }

  /** A loopback TCP server that accepts connections and never answers. */
  private String silentTcpServer() throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    servers.add(server);
    Thread thread =
        new Thread(
            () -> {
              try {
                while (true) {
                  Socket client = server.accept();
                  servers.add(client);
                  InputStream ignored = client.getInputStream();
                }
              } catch (IOException closed) {
                // the test is over
              }
            });
    thread.setDaemon(true);
    thread.start();
    return "tcp://127.0.0.1:" + server.getLocalPort();
  }

  private static long millisOf(Runnable action) {
    long start = System.nanoTime();
    action.run();
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }

  @Test
  void anEngineThatAnswersThePing_answers() throws IOException {
    String host =
        unixServer(
            "HTTP/1.1 200 OK\r\nApi-Version: 1.47\r\nContent-Length: 2\r\n"
                + "Content-Type: text/plain\r\n\r\nOK");
    DockerProbe.Status status = DockerProbe.probe(List.of(host), TIMEOUT);
    assertTrue(status.answers(), status.detail());
    assertEquals(host, status.detail());
  }

  @Test
  void anEngineThatAnswersAnError_doesNotAnswer() throws IOException {
    String host = unixServer("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
    assertEquals(
        Optional.of("answered 'HTTP/1.1 500 Internal Server Error', not 200"),
        DockerProbe.ping(host, TIMEOUT));
  }

  @Test
  void aSocketThatNeverAnswers_costsOnlyTheTimeout() throws IOException {
    String host = unixServer(null);
    AtomicReference<Optional<String>> failure = new AtomicReference<>();
    long millis = millisOf(() -> failure.set(DockerProbe.ping(host, TIMEOUT)));
    assertEquals(Optional.of("no answer within 800 ms"), failure.get());
    assertTrue(millis < TIMEOUT.toMillis() + 1000, millis + " ms");
  }

  @Test
  void aTcpPortThatNeverAnswers_costsOnlyTheTimeout() throws IOException {
    String host = silentTcpServer();
    AtomicReference<Optional<String>> failure = new AtomicReference<>();
    long millis = millisOf(() -> failure.set(DockerProbe.ping(host, TIMEOUT)));
    assertTrue(failure.get().isPresent());
    assertTrue(millis < TIMEOUT.toMillis() + 1000, millis + " ms");
  }

  @Test
  void aClosedTcpPort_failsAtOnce() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    String host = "tcp://127.0.0.1:" + port;
    AtomicReference<Optional<String>> failure = new AtomicReference<>();
    long millis = millisOf(() -> failure.set(DockerProbe.ping(host, TIMEOUT)));
    assertTrue(failure.get().isPresent());
    assertFalse(failure.get().get().contains("no answer within"), failure.get().get());
    assertTrue(millis < 1000, millis + " ms");
  }
}
