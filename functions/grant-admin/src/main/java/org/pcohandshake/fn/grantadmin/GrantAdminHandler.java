package org.pcohandshake.fn.grantadmin;

import java.time.Clock;
import java.util.Map;
import org.crac.Core;
import org.pcohandshake.admin.GrantAdmin;
import org.pcohandshake.config.Config;
import org.pcohandshake.invoke.InvokeFunction;

/**
 * The admin function: grants listed, revoked and looked up by the integrator's own systems through
 * {@code Lambda Invoke}; primed by a status and a listing of ids that were never issued.
 */
public final class GrantAdminHandler extends InvokeFunction {

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public GrantAdminHandler() {
    this(System.getenv(), Clock.systemUTC());
    Core.getGlobalContext().register(this);
  }

  public GrantAdminHandler(Map<String, String> environment, Clock clock) {
    super(
        "grant-admin",
        Config.fromEnvironment(environment).require(Config.ISSUER, Config.TABLE_NAME),
        config -> GrantAdmin.from(config, clock),
        config -> GrantAdmin.primingCommands());
  }
}
