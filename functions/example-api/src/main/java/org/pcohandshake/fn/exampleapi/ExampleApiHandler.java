package org.pcohandshake.fn.exampleapi;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.pcohandshake.config.Config;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;
import org.pcohandshake.snapstart.Priming;
import org.pcohandshake.snapstart.PrimingRequest;

/** {@code GET /api/me}, what PCO's add-on calls; copy this module for your own endpoints. */
public final class ExampleApiHandler extends HttpFunction {

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public ExampleApiHandler() {
    this(System.getenv(), Clock.systemUTC());
    Core.getGlobalContext().register(this);
  }

  public ExampleApiHandler(Map<String, String> environment, Clock clock) {
    super(
        "example-api",
        Endpoint.Style.JSON,
        Config.fromEnvironment(environment),
        config -> MeEndpoint.from(config, clock),
        config ->
            List.of(
                PrimingRequest.of("OPTIONS", "/api/me")
                    .header("origin", MeEndpoint.primingOrigin(config))
                    .header("access-control-request-method", "GET")
                    .header("access-control-request-headers", "authorization"),
                PrimingRequest.of("GET", "/api/me")
                    .header("authorization", "Bearer " + Priming.NEVER_ISSUED)
                    .header("origin", MeEndpoint.primingOrigin(config))));
  }
}
