package org.pcohandshake.testkit.sam;

import java.util.Objects;

/**
 * One {@code HttpApi} event of a function: the route API Gateway sends to it.
 *
 * @param method the upper-case HTTP method, or {@code ANY}
 * @param path the path template ({@code /items/{id}}, {@code /files/{proxy+}}), or {@code $default}
 *     for the catch-all route
 * @param functionLogicalId the function the route invokes
 * @param eventName the key of the event under the function's Events
 */
public record SamRoute(String method, String path, String functionLogicalId, String eventName) {

  /** The path of the catch-all route, which has no method either. */
  public static final String DEFAULT_ROUTE = "$default";

  public SamRoute {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(functionLogicalId, "functionLogicalId");
    Objects.requireNonNull(eventName, "eventName");
  }

  /** API Gateway's route key: {@code "GET /oauth/authorize"}, or {@code "$default"}. */
  public String routeKey() {
    return isDefault() ? DEFAULT_ROUTE : method + " " + path;
  }

  /** True for the catch-all {@code $default} route. */
  public boolean isDefault() {
    return path.equals(DEFAULT_ROUTE);
  }
}
