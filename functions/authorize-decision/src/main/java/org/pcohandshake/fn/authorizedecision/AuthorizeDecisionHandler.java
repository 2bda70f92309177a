package org.pcohandshake.fn.authorizedecision;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.pcohandshake.authorize.AuthorizeDecision;
import org.pcohandshake.config.Config;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;

/** {@code POST /oauth/authorize}. */
public final class AuthorizeDecisionHandler extends HttpFunction {

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public AuthorizeDecisionHandler() {
    this(System.getenv(), Clock.systemUTC());
    Core.getGlobalContext().register(this);
  }

  public AuthorizeDecisionHandler(Map<String, String> environment, Clock clock) {
    super(
        "authorize-decision",
        Endpoint.Style.PAGE,
        Config.fromEnvironment(environment)
            .require(
                Config.ISSUER,
                Config.TABLE_NAME,
                Config.CLIENT_ID,
                Config.PCO_OAUTH_APPLICATION_ID),
        config -> AuthorizeDecision.from(config, clock),
        config -> List.of(AuthorizeDecision.primingRequest(config)));
  }
}
