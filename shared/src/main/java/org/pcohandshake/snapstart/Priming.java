package org.pcohandshake.snapstart;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.grant.Scope;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.log.Log;

/**
 * What the handlers' CRaC {@code beforeCheckpoint} hooks share. Lambda SnapStart snapshots the JVM
 * after init; code and classes a request needs, if they ran once before the snapshot, are compiled
 * and loaded in every restored copy. The hooks run the real request path with values that were
 * never issued, so every read misses, every conditional write is refused, and nothing is stored;
 * and they create nothing unique or random (no token, no id, no secret read), since every restored
 * copy would share it.
 */
public final class Priming {

  /**
   * A well-formed token (43 base64url characters) that is never issued: lookups of it miss and
   * conditional writes on it fail.
   */
  public static final String NEVER_ISSUED = "priming-value-never-issued-000000000000000A";

  /** A second one, where a flow needs two. */
  public static final String NEVER_ISSUED_TOO = "priming-value-never-issued-000000000000000B";

  /** The id of {@link #grant}'s grant: grant ids are random, so no grant has this one. */
  public static final String GRANT_ID = "priming";

  private Priming() {}

  /** A grant that is never issued (fixed id, already expired), for priming stores and tokens. */
  public static Grant grant(String clientId) {
    return new Grant(
        GRANT_ID,
        clientId,
        "priming",
        Scope.EMPTY,
        new PcoLink("priming", "priming", ""),
        Instant.EPOCH);
  }

  /**
   * Runs the priming steps of one function; a failure is logged and swallowed, since a snapshot
   * without priming is slower but still correct, and a failing hook would fail the deployment.
   */
  public static void run(String function, Runnable steps) {
    long started = System.nanoTime();
    try {
      steps.run();
      Log.info(
          "-",
          "snapstart_primed",
          Map.of("function", function, "ms", (System.nanoTime() - started) / 1_000_000));
    } catch (RuntimeException e) {
      Log.error("-", "snapstart_priming_failed", e);
    }
  }

  /** Runs a stream handler on a request and throws the answer away. */
  public static void invoke(RequestStreamHandler handler, PrimingRequest request) {
    try {
      handler.handleRequest(
          new ByteArrayInputStream(request.toEventJson().getBytes(StandardCharsets.UTF_8)),
          new ByteArrayOutputStream(),
          null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
