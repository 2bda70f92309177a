package org.pcohandshake.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.TestConfigs;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.fault.Fault;
import org.pcohandshake.testkit.fault.FaultProxy;
import org.pcohandshake.testkit.fault.Operations;
import org.pcohandshake.testkit.fault.Rule;
import org.pcohandshake.testkit.junit.Provisioned;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The retry policy of {@link AwsClients}, measured through the fault proxy: how many attempts each
 * kind of fault gets, that one transient fault is absorbed, and that a call that cannot succeed
 * ends within its bounds.
 */
class AwsClientsRetryIT {

  /** Scheduling slack on a busy 2-core machine. */
  static final Duration SLACK = Duration.ofMillis(1500);

  @Provisioned static ProvisionedStack stack;

  static FaultProxy proxy;
  static AwsClients aws;
  static String table;

  @BeforeAll
  static void start() {
    Emulator emulator = Emulator.shared();
    table = stack.physicalId("Table");
    proxy = FaultProxy.start(emulator.endpoint());
    Map<String, String> env = new HashMap<>(TestConfigs.environment());
    env.put(Config.AWS_ENDPOINT_URL, proxy.url());
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    aws = new AwsClients(Config.fromEnvironment(env));
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @AfterEach
  void reset() {
    proxy.reset();
  }

  static Map<String, AttributeValue> key(String id) {
    return Map.of("pk", AttributeValue.fromS("RETRY#" + id), "sk", AttributeValue.fromS("RETRY"));
  }

  static Stream<Arguments> quickFaults() {
    return Stream.of(
        Arguments.of(Fault.throttling(), SdkServiceException.class),
        Arguments.of(Fault.throttling("ThrottlingException"), SdkServiceException.class),
        Arguments.of(Fault.serverError(), SdkServiceException.class),
        Arguments.of(Fault.serviceUnavailable(), SdkServiceException.class),
        Arguments.of(Fault.drop(), SdkClientException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("quickFaults")
  void persistentFault_getsExactlyMaxAttempts_thenFailsFast(
      Fault fault, Class<? extends SdkException> expected) {
    proxy.add(Rule.on(Operations.GET_ITEM).times(Rule.ALWAYS).answer(fault));
    try (DynamoDbClient dynamo = aws.dynamoDb()) {
      long started = System.nanoTime();
      SdkException e =
          assertThrows(
              SdkException.class, () -> dynamo.getItem(r -> r.tableName(table).key(key("p"))));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertInstanceOf(expected, e);
      assertEquals(AwsClients.MAX_ATTEMPTS, proxy.count(Operations.GET_ITEM));
      // two backoffs at most: base, then twice the base, each full jitter
      Duration base =
          fault instanceof Fault.Throttle
              ? AwsClients.THROTTLING_BACKOFF_BASE
              : AwsClients.BACKOFF_BASE;
      Duration bound = base.multipliedBy(3).plus(SLACK);
      assertTrue(took.compareTo(bound) < 0, "took " + took + ", bound " + bound);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("quickFaults")
  void singleFault_isAbsorbedByOneRetry(Fault fault, Class<? extends SdkException> ignored) {
    proxy.add(Rule.on(Operations.PUT_ITEM).answer(fault));
    try (DynamoDbClient dynamo = aws.dynamoDb()) {
      dynamo.putItem(r -> r.tableName(table).item(key("single-" + fault.label())));
      assertEquals(2, proxy.count(Operations.PUT_ITEM));
      assertTrue(
          dynamo.getItem(r -> r.tableName(table).key(key("single-" + fault.label()))).hasItem());
    }
  }

  @Test
  void hangingService_endsAtTheCallTimeout() {
    proxy.add(
        Rule.on(Operations.GET_ITEM).times(Rule.ALWAYS).answer(Fault.slow(Duration.ofSeconds(8))));
    try (DynamoDbClient dynamo = aws.dynamoDb()) {
      long started = System.nanoTime();
      assertThrows(
          ApiCallTimeoutException.class,
          () -> dynamo.getItem(r -> r.tableName(table).key(key("slow"))));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertTrue(took.compareTo(AwsClients.CALL_TIMEOUT) >= 0, took.toString());
      assertTrue(took.compareTo(AwsClients.CALL_TIMEOUT.plus(SLACK)) < 0, took.toString());
      assertEquals(AwsClients.MAX_ATTEMPTS, proxy.count(Operations.GET_ITEM));
    }
  }

  // ---- the request's deadline ---------------------------------------------------------------

  @Test
  void insideADeadline_aHangingCallEndsAtTheDeadline_notAtTheCallTimeout() {
    proxy.add(
        Rule.on(Operations.GET_ITEM).times(Rule.ALWAYS).answer(Fault.slow(Duration.ofSeconds(8))));
    Duration budget = Duration.ofMillis(1500);
    try (DynamoDbClient dynamo = aws.dynamoDb();
        Deadline.Scope deadline = Deadline.start(budget)) {
      long started = System.nanoTime();
      assertThrows(
          ApiCallTimeoutException.class,
          () -> dynamo.getItem(r -> r.tableName(table).key(key("deadline"))));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertTrue(took.compareTo(budget.minus(Duration.ofMillis(100))) >= 0, took.toString());
      assertTrue(took.compareTo(budget.plus(SLACK)) < 0, took.toString());
    }
  }

  @Test
  void insideADeadline_hangingCallsOneAfterAnother_endWithinIt() {
    proxy.add(
        Rule.on(Operations.GET_ITEM).times(Rule.ALWAYS).answer(Fault.slow(Duration.ofSeconds(8))));
    Duration budget = Duration.ofMillis(3000);
    try (DynamoDbClient dynamo = aws.dynamoDb();
        Deadline.Scope deadline = Deadline.start(budget)) {
      long started = System.nanoTime();
      for (int i = 0; i < 4; i++) {
        assertThrows(
            ApiCallTimeoutException.class,
            () -> dynamo.getItem(r -> r.tableName(table).key(key("deadline-n"))));
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      // without the deadline: four calls of 6 s each
      assertTrue(took.compareTo(budget.plus(SLACK)) < 0, took.toString());
    }
  }

  @Test
  void deadlineSpent_theCallIsNotStarted() {
    try (DynamoDbClient dynamo = aws.dynamoDb();
        Deadline.Scope deadline = Deadline.start(Deadline.MIN_CALL.minusMillis(1))) {
      ApiCallTimeoutException e =
          assertThrows(
              ApiCallTimeoutException.class,
              () -> dynamo.getItem(r -> r.tableName(table).key(key("spent"))));
      assertTrue(e.getMessage().contains("not started"), e.getMessage());
      assertEquals(0, proxy.count(Operations.GET_ITEM));
    }
  }

  @Test
  void deadlineScopesNest_andEnd() {
    assertTrue(Deadline.remaining().isEmpty());
    try (Deadline.Scope outer = Deadline.start(Duration.ofSeconds(8))) {
      try (Deadline.Scope inner = Deadline.start(Duration.ofSeconds(1))) {
        assertTrue(Deadline.remaining().orElseThrow().compareTo(Duration.ofSeconds(1)) <= 0);
      }
      assertTrue(Deadline.remaining().orElseThrow().compareTo(Duration.ofSeconds(7)) > 0);
    }
    assertTrue(Deadline.remaining().isEmpty());
  }

  @Test
  void oneSlowAttempt_isAbsorbed_afterTheAttemptTimeout() {
    proxy.add(Rule.on(Operations.GET_ITEM).answer(Fault.slow(Duration.ofSeconds(4))));
    try (DynamoDbClient dynamo = aws.dynamoDb()) {
      long started = System.nanoTime();
      dynamo.getItem(r -> r.tableName(table).key(key("slow-once")));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertEquals(2, proxy.count(Operations.GET_ITEM));
      assertTrue(took.compareTo(AwsClients.ATTEMPT_TIMEOUT) >= 0, took.toString());
      assertTrue(took.compareTo(AwsClients.ATTEMPT_TIMEOUT.plus(SLACK)) < 0, took.toString());
    }
  }

  @Test
  void cancelledTransaction_isNotRetried_theCallerDecides() {
    proxy.add(
        Rule.on(Operations.TRANSACT_WRITE_ITEMS)
            .times(Rule.ALWAYS)
            .answer(Fault.transactionCanceled(0, "ThrottlingError")));
    try (DynamoDbClient dynamo = aws.dynamoDb()) {
      assertThrows(
          TransactionCanceledException.class,
          () ->
              dynamo.transactWriteItems(
                  r ->
                      r.transactItems(
                          TransactWriteItem.builder()
                              .put(Put.builder().tableName(table).item(key("tx")).build())
                              .build())));
      assertEquals(1, proxy.count(Operations.TRANSACT_WRITE_ITEMS));
    }
  }

  @Test
  void kmsAndSecretsManager_followTheSamePolicy() {
    proxy.add(Rule.on(Operations.KMS_SIGN).times(Rule.ALWAYS).answer(Fault.throttling()));
    proxy.add(Rule.on(Operations.GET_SECRET_VALUE).answer(Fault.serverError()));
    try (KmsClient kms = aws.kms();
        SecretsManagerClient secrets = aws.secretsManager()) {
      SdkServiceException throttled =
          assertThrows(
              SdkServiceException.class,
              () ->
                  kms.sign(
                      r ->
                          r.keyId(stack.physicalId("AccessTokenSigningKey"))
                              .messageType(MessageType.RAW)
                              .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
                              .message(SdkBytes.fromUtf8String("x"))));
      assertTrue(throttled.isThrottlingException());
      assertEquals(AwsClients.MAX_ATTEMPTS, proxy.count(Operations.KMS_SIGN));
      assertEquals(
          stack.secretValue("IntegratorClientSecret"),
          secrets
              .getSecretValue(r -> r.secretId(stack.physicalId("IntegratorClientSecret")))
              .secretString());
      assertEquals(2, proxy.count(Operations.GET_SECRET_VALUE));
    }
  }
}
