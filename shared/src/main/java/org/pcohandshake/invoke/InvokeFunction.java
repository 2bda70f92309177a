package org.pcohandshake.invoke;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.crac.Resource;
import org.pcohandshake.aws.Deadline;
import org.pcohandshake.config.Config;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.json.Json;
import org.pcohandshake.log.Log;
import org.pcohandshake.snapstart.Priming;

/**
 * What every invoke-style function's handler is: a declaration of the configuration it requires,
 * the service that serves its commands and the commands that prime it (as {@link
 * org.pcohandshake.http.HttpFunction} is for HTTP functions).
 *
 * <p>The contract, the same for every such function: the payload is a JSON object of at most
 * {@value #MAX_PAYLOAD_BYTES} bytes with an {@code operation}; the answer is always a JSON object
 * and the invocation always succeeds at Lambda's level (no {@code FunctionError}), so callers read
 * one shape: the operation's members, or {@code error} (a code from {@link
 * ErrorCatalog.Invocation}) with a fixed {@code error_description} and typed details. Internal
 * faults answer {@code internal_error} or, for a dependency's throttling or outage, {@code
 * unavailable} (worth retrying), with the detail only in the log under the request id.
 */
public abstract class InvokeFunction implements RequestStreamHandler, Resource {

  /** The largest command read; Lambda's own limit for a synchronous payload is 6 MB. */
  public static final int MAX_PAYLOAD_BYTES = 16 * 1024;

  private final String name;
  private final InvokeService service;
  private final Supplier<List<Map<String, Object>>> priming;

  /**
   * @param name the function's name in logs
   * @param config the configuration, read once, with what this function requires checked
   * @param service builds the service from the configuration, once per instance
   * @param priming the commands (JSON objects) that prime the function, from the configuration
   */
  protected InvokeFunction(
      String name,
      Config config,
      Function<Config, InvokeService> service,
      Function<Config, List<Map<String, Object>>> priming) {
    this.name = name;
    this.service = service.apply(config);
    this.priming = () -> priming.apply(config);
  }

  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    byte[] payload = input.readNBytes(MAX_PAYLOAD_BYTES + 1);
    String requestId =
        context == null || context.getAwsRequestId() == null
            ? "local-" + java.util.UUID.randomUUID()
            : context.getAwsRequestId();
    Map<String, Object> answer;
    try (Log.Scope scope = Log.request(requestId);
        Deadline.Scope deadline = Deadline.forInvocation(context)) {
      answer = answer(requestId, payload);
    }
    output.write(Json.write(answer).getBytes(StandardCharsets.UTF_8));
  }

  /** The answer to one payload: the service's, or the refusal the shared rules give. */
  private Map<String, Object> answer(String requestId, byte[] payload) {
    long started = System.nanoTime();
    String operation = "-";
    Reply reply;
    try {
      Command command = command(payload);
      operation = command.operation();
      reply = service.handle(command);
    } catch (InvalidCommand e) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("argument", e.argument());
      details.put("problem", e.problem());
      reply = new Reply.Refused(ErrorCatalog.Invocation.INVALID_REQUEST, details);
    } catch (RuntimeException e) {
      boolean transientFault = Endpoint.isTransient(e);
      Log.error(requestId, transientFault ? "dependency_unavailable" : "internal_error", e);
      reply =
          new Reply.Refused(
              transientFault
                  ? ErrorCatalog.Invocation.UNAVAILABLE
                  : ErrorCatalog.Invocation.INTERNAL_ERROR);
    }
    Log.info(
        requestId,
        "invocation",
        Map.of(
            "function",
            name,
            "operation",
            operation,
            "outcome",
            reply instanceof Reply.Refused refused ? refused.error().code() : "ok",
            "ms",
            (System.nanoTime() - started) / 1_000_000));
    return reply.body();
  }

  private static Command command(byte[] payload) {
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new InvalidCommand("(payload)", "is larger than " + MAX_PAYLOAD_BYTES + " bytes");
    }
    Map<String, Object> json;
    try {
      json = Json.parseObject(new String(payload, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new InvalidCommand("(payload)", "is not a JSON object");
    }
    return Command.from(json);
  }

  /** Primes the function: its declared commands through the whole entry, then the service. */
  @Override
  public final void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    Priming.run(
        name,
        () -> {
          for (Map<String, Object> command : priming.get()) {
            try {
              handleRequest(
                  new ByteArrayInputStream(Json.write(command).getBytes(StandardCharsets.UTF_8)),
                  new ByteArrayOutputStream(),
                  null);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
          service.prime();
        });
  }

  /** Nothing to renew (priming follows {@link Priming}'s rules). */
  @Override
  public final void afterRestore(org.crac.Context<? extends Resource> context) {}
}
