package org.pcohandshake.fn.revoke;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.pcohandshake.config.Config;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;
import org.pcohandshake.revoke.RevocationEndpoint;
import org.pcohandshake.snapstart.PrimingRequest;

/** {@code POST /oauth/revoke}; primed by a request refused before client authentication. */
public final class RevokeHandler extends HttpFunction {

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public RevokeHandler() {
    this(System.getenv(), Clock.systemUTC());
    Core.getGlobalContext().register(this);
  }

  public RevokeHandler(Map<String, String> environment, Clock clock) {
    super(
        "revoke",
        Endpoint.Style.JSON,
        Config.fromEnvironment(environment)
            .require(
                Config.ISSUER,
                Config.TABLE_NAME,
                Config.CLIENT_ID,
                Config.CLIENT_SECRET_ID,
                Config.SIGNING_KEY_ID),
        config -> RevocationEndpoint.from(config, clock),
        config -> List.of(PrimingRequest.postForm("/oauth/revoke", "token=priming&token=priming")));
  }
}
