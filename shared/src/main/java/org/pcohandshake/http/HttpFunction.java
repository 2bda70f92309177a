package org.pcohandshake.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.crac.Resource;

/**
 * What every function's handler is: its two entries into {@link Endpoint}, and a CRaC resource
 * whose {@code beforeCheckpoint} primes the request path for a SnapStart snapshot (registered by
 * the handler's no-argument constructor, the one Lambda calls). A handler builds its dependencies
 * in its constructors and says what serves a request ({@link #serve}).
 *
 * <p>After a restore nothing is renewed: priming hooks read no secret and store nothing (the bench
 * module's {@code PrimingIT} pins both for every hook) and, by their rule, draw no random value and
 * make no token, so there is nothing in a snapshot that a restored instance would have to replace.
 */
public abstract class HttpFunction
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>,
        RequestStreamHandler,
        Resource {

  private final Endpoint.Style style;

  /**
   * @param style how errors are answered: JSON for machine endpoints, pages for people
   */
  protected HttpFunction(Endpoint.Style style) {
    this.style = style;
  }

  /** The function's own work: a request in, a response out (errors go the shared way). */
  protected abstract HttpResponse serve(HttpRequest request);

  /**
   * What Lambda calls: the event's JSON read and the response's JSON written without the runtime's
   * reflective mapper (see {@link Endpoint#handle(InputStream, OutputStream, Endpoint.Style,
   * Context, java.util.function.Function)}).
   */
  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Endpoint.handle(input, output, style, context, this::serve);
  }

  /** The same request as an event object: for tests and the local stack. */
  @Override
  public final APIGatewayV2HTTPResponse handleRequest(
      APIGatewayV2HTTPEvent event, Context context) {
    return Endpoint.handle(event, style, context, this::serve);
  }

  /** Nothing to renew (see the class comment); a function that keeps more may override it. */
  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {}
}
