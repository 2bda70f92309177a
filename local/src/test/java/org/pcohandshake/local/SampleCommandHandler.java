package org.pcohandshake.local;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.pcohandshake.config.Config;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.invoke.InvokeFunction;
import org.pcohandshake.invoke.Reply;

/** An invoke-style function for the Lambda Invoke API's tests: {@code echo} and {@code fail}. */
public final class SampleCommandHandler extends InvokeFunction {

  public SampleCommandHandler(Map<String, String> environment, Clock clock) {
    super(
        "sample",
        Config.fromEnvironment(environment),
        config ->
            command ->
                switch (command.operation()) {
                  case "echo" -> new Reply.Done(Map.of("person_id", command.id("person_id")));
                  case "crash" -> throw new OutOfMemoryError("simulated");
                  default -> new Reply.Refused(ErrorCatalog.Invocation.UNKNOWN_OPERATION);
                },
        config -> List.of());
  }
}
