package org.pcohandshake.fn.authorizeprompt;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.pcohandshake.authorize.AuthorizePrompt;
import org.pcohandshake.config.Config;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;

/** {@code GET /oauth/authorize}. */
public final class AuthorizePromptHandler extends HttpFunction {

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public AuthorizePromptHandler() {
    this(System.getenv(), Clock.systemUTC());
    Core.getGlobalContext().register(this);
  }

  public AuthorizePromptHandler(Map<String, String> environment, Clock clock) {
    super(
        "authorize-prompt",
        Endpoint.Style.PAGE,
        Config.fromEnvironment(environment)
            .require(
                Config.ISSUER,
                Config.TABLE_NAME,
                Config.CLIENT_ID,
                Config.PCO_OAUTH_APPLICATION_ID),
        config -> AuthorizePrompt.from(config, clock),
        config -> List.of(AuthorizePrompt.primingRequest(config)));
  }
}
