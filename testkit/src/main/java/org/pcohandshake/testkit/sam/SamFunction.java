package org.pcohandshake.testkit.sam;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code AWS::Serverless::Function}, with Globals.Function already merged in.
 *
 * @param logicalId the key under Resources
 * @param handler the Handler string, {@code fully.qualified.Class::method}
 * @param codeUri the CodeUri (a directory relative to the template), empty when absent
 * @param environment the environment variables, unresolved: Globals.Function.Environment.Variables
 *     overlaid with the function's own (the function wins), in template order
 * @param memorySize MemorySize in MB (128 when absent or not a plain number, as Lambda defaults)
 * @param timeoutSeconds Timeout in seconds (3 when absent or not a plain number)
 * @param routes the function's HttpApi events
 */
public record SamFunction(
    String logicalId,
    String handler,
    String codeUri,
    Map<String, Object> environment,
    int memorySize,
    int timeoutSeconds,
    List<SamRoute> routes) {

  public SamFunction {
    Objects.requireNonNull(logicalId, "logicalId");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(codeUri, "codeUri");
    Objects.requireNonNull(environment, "environment");
    routes = List.copyOf(routes);
  }

  /** The class part of the Handler ({@code Handler} without {@code ::method}). */
  public String handlerClass() {
    int separator = handler.indexOf("::");
    return separator < 0 ? handler : handler.substring(0, separator);
  }

  /** The method part of the Handler; {@code handleRequest} when the Handler names none. */
  public String handlerMethod() {
    int separator = handler.indexOf("::");
    return separator < 0 ? "handleRequest" : handler.substring(separator + 2);
  }
}
