package org.pcohandshake.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.pcohandshake.aws.Deadline;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.json.Json;
import org.pcohandshake.log.Log;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The one error path every handler shares: parse the event, run the service, map failures to the
 * error catalog. Internal faults answer a generic error and log the detail with the request id.
 */
public final class Endpoint {

  /** How errors are answered: JSON for machine endpoints, pages for people. */
  public enum Style {
    JSON,
    PAGE
  }

  private Endpoint() {}

  public static APIGatewayV2HTTPResponse handle(
      APIGatewayV2HTTPEvent event,
      Style style,
      Context context,
      Function<HttpRequest, HttpResponse> service) {
    String requestId =
        event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
    return respond(
            requestId, event.getRouteKey(), style, context, () -> HttpRequest.from(event), service)
        .toEvent();
  }

  /**
   * The stream handlers' entry, what Lambda calls: the event's JSON in, the response's JSON out,
   * read and written by hand ({@link HttpRequest#fromEvent}, {@link HttpResponse#toEventJson}), so
   * no reflective mapper runs on the way. Same rules and answers as the event entry.
   *
   * @throws IOException when the input is not an event's JSON (Lambda reports it as a failure)
   */
  public static void handle(
      InputStream in,
      OutputStream out,
      Style style,
      Context context,
      Function<HttpRequest, HttpResponse> service)
      throws IOException {
    Map<String, Object> event;
    try {
      event = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException("the input is not an API Gateway event", e);
    }
    Map<String, Object> requestContext = HttpRequest.object(event, "requestContext");
    String requestId =
        requestContext == null ? null : HttpRequest.string(requestContext, "requestId");
    HttpResponse response =
        respond(
            requestId,
            HttpRequest.string(event, "routeKey"),
            style,
            context,
            () -> HttpRequest.fromEvent(event),
            service);
    out.write(response.toEventJson().getBytes(StandardCharsets.UTF_8));
  }

  /** {@code eventRequestId} is API Gateway's, or null outside it (a local id is made then). */
  private static HttpResponse respond(
      String eventRequestId,
      String routeKey,
      Style style,
      Context context,
      Supplier<HttpRequest> request,
      Function<HttpRequest, HttpResponse> service) {
    String requestId =
        eventRequestId == null ? "local-" + java.util.UUID.randomUUID() : eventRequestId;
    // every log line of this invocation, wherever it is written, carries the request id; its AWS
    // calls end in time for our answer, before the function timeout
    try (Log.Scope scope = Log.request(requestId);
        Deadline.Scope deadline = Deadline.forInvocation(context)) {
      return respondInScope(requestId, routeKey, style, request, service);
    }
  }

  private static HttpResponse respondInScope(
      String requestId,
      String routeKey,
      Style style,
      Supplier<HttpRequest> request,
      Function<HttpRequest, HttpResponse> service) {
    long started = System.nanoTime();
    HttpResponse response;
    try {
      response = service.apply(request.get());
    } catch (BadRequestException e) {
      ErrorCatalog.OAuth error =
          switch (e.reason()) {
            case TOO_LARGE -> ErrorCatalog.OAuth.REQUEST_TOO_LARGE;
            case REPEATED -> ErrorCatalog.OAuth.REPEATED_PARAMETER;
            case MALFORMED -> ErrorCatalog.OAuth.INVALID_REQUEST;
          };
      response = style == Style.JSON ? error.json() : ErrorCatalog.Page.BAD_REQUEST.page();
    } catch (RuntimeException e) {
      boolean transientFault = isTransient(e);
      Log.error(requestId, transientFault ? "dependency_unavailable" : "internal_error", e);
      if (style == Style.JSON) {
        response =
            (transientFault
                    ? ErrorCatalog.OAuth.TEMPORARILY_UNAVAILABLE
                    : ErrorCatalog.OAuth.SERVER_ERROR)
                .json();
      } else {
        response =
            (transientFault ? ErrorCatalog.Page.UNAVAILABLE : ErrorCatalog.Page.SERVER_ERROR)
                .page();
      }
    }
    Log.info(
        requestId,
        "request",
        Map.of(
            "route",
            routeKey == null ? "-" : routeKey,
            "status",
            response.status(),
            "ms",
            (System.nanoTime() - started) / 1_000_000));
    return response;
  }

  /** Throttling, timeouts and 5xx of a dependency: worth retrying later. */
  public static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SdkServiceException service
          && (service.isThrottlingException() || service.statusCode() >= 500)) {
        return true;
      }
      if (t
          instanceof software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException) {
        // callers handle condition failures; what reaches here is a conflict or a throttle
        return true;
      }
      if (t instanceof SdkClientException) {
        return true;
      }
      if (t instanceof java.io.IOException) {
        return true;
      }
    }
    return false;
  }
}
