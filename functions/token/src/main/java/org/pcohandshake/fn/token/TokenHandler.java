package org.pcohandshake.fn.token;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.pcohandshake.config.Config;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;
import org.pcohandshake.snapstart.PrimingRequest;
import org.pcohandshake.token.TokenEndpoint;

/** {@code POST /oauth/token}; primed by a request refused before client authentication. */
public final class TokenHandler extends HttpFunction {

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public TokenHandler() {
    this(System.getenv(), Clock.systemUTC());
    Core.getGlobalContext().register(this);
  }

  public TokenHandler(Map<String, String> environment, Clock clock) {
    super(
        "token",
        Endpoint.Style.JSON,
        Config.fromEnvironment(environment)
            .require(
                Config.ISSUER,
                Config.TABLE_NAME,
                Config.CLIENT_ID,
                Config.CLIENT_SECRET_ID,
                Config.SIGNING_KEY_ID),
        config -> TokenEndpoint.from(config, clock),
        config ->
            List.of(
                PrimingRequest.postForm(
                    "/oauth/token",
                    "grant_type=authorization_code&grant_type=authorization_code")));
  }
}
