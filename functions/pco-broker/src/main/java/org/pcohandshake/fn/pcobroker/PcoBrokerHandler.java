package org.pcohandshake.fn.pcobroker;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.pcohandshake.config.Config;
import org.pcohandshake.connections.PcoBroker;
import org.pcohandshake.invoke.InvokeFunction;
import org.pcohandshake.snapstart.Priming;

/**
 * The token broker (Lambda Invoke only); primed by reads for a connection that is never stored: a
 * token (its item read by key) and a listing (one index query).
 */
public final class PcoBrokerHandler extends InvokeFunction {

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public PcoBrokerHandler() {
    this(System.getenv(), Clock.systemUTC());
    Core.getGlobalContext().register(this);
  }

  public PcoBrokerHandler(Map<String, String> environment, Clock clock) {
    super(
        "pco-broker",
        Config.fromEnvironment(environment)
            .require(Config.ISSUER, Config.TABLE_NAME, Config.PCO_TOKEN_MODE),
        config -> PcoBroker.from(config, clock),
        config ->
            List.of(
                Map.of(
                    "operation", "access_token",
                    "organization_id", Priming.NEVER_ISSUED,
                    "person_id", Priming.NEVER_ISSUED),
                Map.of("operation", "connections", "organization_id", Priming.NEVER_ISSUED)));
  }
}
