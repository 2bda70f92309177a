package org.pcohandshake.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.crac.Resource;
import org.pcohandshake.config.Config;
import org.pcohandshake.snapstart.Priming;
import org.pcohandshake.snapstart.PrimingRequest;

/**
 * What every function's handler is: a declaration of the configuration it requires, the service
 * that serves it and the requests that prime it. This class gives it its two entries into {@link
 * Endpoint} and makes it a CRaC resource whose {@code beforeCheckpoint} primes the request path for
 * a SnapStart snapshot: the declared requests through the whole entry, then the service's own
 * {@link HttpService#prime()} (the handler's no-argument constructor, the one Lambda calls,
 * registers it).
 *
 * <p>After a restore nothing is renewed: priming reads no secret and stores nothing (the bench
 * module's {@code PrimingIT} pins both for every function) and, by its rule, draws no random value
 * and makes no token, so there is nothing in a snapshot that a restored instance would have to
 * replace.
 */
public abstract class HttpFunction
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>,
        RequestStreamHandler,
        Resource {

  private final String name;
  private final Endpoint.Style style;
  private final HttpService service;

  /** Built only when a snapshot is taken: an on-demand start never pays for them. */
  private final Supplier<List<PrimingRequest>> priming;

  /**
   * @param name the function's name in logs ({@code token}, {@code authorize-prompt}, ...)
   * @param style how errors are answered: JSON for machine endpoints, pages for people
   * @param config the configuration, read once, with what this function requires checked
   * @param service builds the service from the configuration, once per instance
   * @param priming the requests that prime the function, from the configuration
   */
  protected HttpFunction(
      String name,
      Endpoint.Style style,
      Config config,
      Function<Config, HttpService> service,
      Function<Config, List<PrimingRequest>> priming) {
    this.name = name;
    this.style = style;
    this.service = service.apply(config);
    this.priming = () -> priming.apply(config);
  }

  /**
   * What Lambda calls: the event's JSON read and the response's JSON written without the runtime's
   * reflective mapper (see {@link Endpoint#handle(InputStream, OutputStream, Endpoint.Style,
   * Context, java.util.function.Function)}).
   */
  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Endpoint.handle(input, output, style, context, service::handle);
  }

  /** The same request as an event object: for tests and the local stack. */
  @Override
  public final APIGatewayV2HTTPResponse handleRequest(
      APIGatewayV2HTTPEvent event, Context context) {
    return Endpoint.handle(event, style, context, service::handle);
  }

  /** Primes the function: its declared requests through the whole entry, then the service. */
  @Override
  public final void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    Priming.run(
        name,
        () -> {
          for (PrimingRequest request : priming.get()) {
            Priming.invoke(this, request);
          }
          service.prime();
        });
  }

  /** Nothing to renew (see the class comment). */
  @Override
  public final void afterRestore(org.crac.Context<? extends Resource> context) {}
}
