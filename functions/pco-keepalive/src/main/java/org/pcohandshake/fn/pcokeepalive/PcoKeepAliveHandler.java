package org.pcohandshake.fn.pcokeepalive;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.pcohandshake.config.Config;
import org.pcohandshake.connections.PcoKeepAlive;
import org.pcohandshake.invoke.InvokeFunction;

/**
 * Keep-alive of stored PCO connections, run by its schedule with {@code {"operation":
 * "keep_alive"}}; primed by a dry run (one index query, no refresh).
 */
public final class PcoKeepAliveHandler extends InvokeFunction {

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public PcoKeepAliveHandler() {
    this(System.getenv(), Clock.systemUTC());
    Core.getGlobalContext().register(this);
  }

  public PcoKeepAliveHandler(Map<String, String> environment, Clock clock) {
    super(
        "pco-keepalive",
        Config.fromEnvironment(environment)
            .require(Config.ISSUER, Config.TABLE_NAME, Config.PCO_TOKEN_MODE),
        config -> PcoKeepAlive.from(config, clock),
        config -> List.of(Map.of("operation", "keep_alive", "dry_run", true)));
  }
}
