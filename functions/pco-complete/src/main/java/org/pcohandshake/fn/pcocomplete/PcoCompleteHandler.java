package org.pcohandshake.fn.pcocomplete;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.pcohandshake.config.Config;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;
import org.pcohandshake.pco.PcoComplete;
import org.pcohandshake.snapstart.PrimingRequest;

/** {@code GET /oauth/pco/complete}; primed by PCO's return without a code (the catalog's page). */
public final class PcoCompleteHandler extends HttpFunction {

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public PcoCompleteHandler() {
    this(System.getenv(), Clock.systemUTC());
    Core.getGlobalContext().register(this);
  }

  public PcoCompleteHandler(Map<String, String> environment, Clock clock) {
    super(
        "pco-complete",
        Endpoint.Style.PAGE,
        Config.fromEnvironment(environment)
            .require(Config.ISSUER, Config.TABLE_NAME, Config.PCO_OAUTH_APPLICATION_ID),
        config -> PcoComplete.from(config, clock),
        config ->
            List.of(
                PrimingRequest.get(PcoComplete.PATH, "state=priming")
                    .header("accept", "text/html")));
  }
}
