package org.pcohandshake.testkit.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * The Lambda {@link Context} of one local invocation: a fresh request id, the function's logical id
 * as its name, the function's timeout counting down from now (as Lambda's remaining time does), and
 * a logger that writes to stderr prefixed with the function name and request id.
 */
public final class LocalContext implements Context {

  private final String requestId;
  private final String functionName;
  private final int memoryLimitInMb;
  private final long deadlineNanos;
  private final LambdaLogger logger;

  /** A context for one invocation of {@code functionName}, starting now. */
  public LocalContext(String functionName, int memoryLimitInMb, Duration timeout) {
    this.requestId = UUID.randomUUID().toString();
    this.functionName = Objects.requireNonNull(functionName, "functionName");
    this.memoryLimitInMb = memoryLimitInMb;
    this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    this.logger = new StderrLogger("[" + functionName + " " + requestId + "] ");
  }

  /** A context for one invocation of the template's function, with its memory and timeout. */
  public static LocalContext forFunction(org.pcohandshake.testkit.sam.SamFunction function) {
    return new LocalContext(
        function.logicalId(), function.memorySize(), Duration.ofSeconds(function.timeoutSeconds()));
  }

  @Override
  public String getAwsRequestId() {
    return requestId;
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + functionName;
  }

  @Override
  public String getLogStreamName() {
    return "local/[$LATEST]" + requestId.replace("-", "");
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:us-east-1:123456789012:function:" + functionName;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    long remaining = (deadlineNanos - System.nanoTime()) / 1_000_000;
    return (int) Math.max(0, remaining);
  }

  @Override
  public int getMemoryLimitInMB() {
    return memoryLimitInMb;
  }

  @Override
  public LambdaLogger getLogger() {
    return logger;
  }

  @Override
  public String toString() {
    return "LocalContext[" + functionName + ", " + requestId + "]";
  }

  /** Writes each message to stderr, like Lambda's logger writes to CloudWatch. */
  private static final class StderrLogger implements LambdaLogger {
    private final String prefix;

    StderrLogger(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public void log(String message) {
      PrintStream err = System.err;
      String text = String.valueOf(message);
      err.print(prefix + text + (text.endsWith("\n") ? "" : "\n"));
      err.flush();
    }

    @Override
    public void log(byte[] message) {
      log(new String(message, StandardCharsets.UTF_8));
    }
  }
}
