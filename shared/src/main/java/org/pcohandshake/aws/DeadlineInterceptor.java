package org.pcohandshake.aws;

import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Fits each AWS call into the request's {@link Deadline}: the call's timeout becomes what is left
 * when that is less than {@link AwsClients#CALL_TIMEOUT}, and a call is not started when less than
 * {@link Deadline#MIN_CALL} is left ({@link ApiCallTimeoutException}, as if it had timed out).
 */
final class DeadlineInterceptor implements ExecutionInterceptor {

  private final Duration callTimeout;

  DeadlineInterceptor(Duration callTimeout) {
    this.callTimeout = callTimeout;
  }

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    Optional<Duration> left = Deadline.remaining();
    if (left.isEmpty() || left.get().compareTo(callTimeout) >= 0) {
      return context.request();
    }
    Duration remaining = left.get();
    if (remaining.compareTo(Deadline.MIN_CALL) < 0) {
      throw ApiCallTimeoutException.builder()
          .message("the request's time for AWS calls is spent; the call was not started")
          .build();
    }
    if (!(context.request() instanceof AwsRequest request)) {
      return context.request();
    }
    AwsRequestOverrideConfiguration.Builder override =
        request
            .overrideConfiguration()
            .map(AwsRequestOverrideConfiguration::toBuilder)
            .orElseGet(AwsRequestOverrideConfiguration::builder);
    return request.toBuilder()
        .overrideConfiguration(override.apiCallTimeout(remaining).build())
        .build();
  }
}
