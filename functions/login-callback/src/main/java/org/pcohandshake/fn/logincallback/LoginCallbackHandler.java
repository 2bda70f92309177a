package org.pcohandshake.fn.logincallback;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.pcohandshake.config.Config;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;
import org.pcohandshake.oidc.LoginCallback;

/** {@code GET /oauth/login/callback}: the identity provider's return (oidc login mode). */
public final class LoginCallbackHandler extends HttpFunction {

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public LoginCallbackHandler() {
    this(System.getenv(), Clock.systemUTC());
    Core.getGlobalContext().register(this);
  }

  public LoginCallbackHandler(Map<String, String> environment, Clock clock) {
    super(
        "login-callback",
        Endpoint.Style.PAGE,
        Config.fromEnvironment(environment).require(Config.ISSUER, Config.TABLE_NAME),
        config -> LoginCallback.from(config, clock),
        config -> List.of(LoginCallback.primingRequest()));
  }
}
