package org.pcohandshake.testkit.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.aws.AwsClients;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.junit.Provisioned;
import org.pcohandshake.testkit.pco.PcoSimulator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * The proxy against the emulator, with SDK clients that do not retry, so each fault is seen as the
 * SDK parses it: the wire formats are the services' own.
 */
class FaultProxyIT {

  @Provisioned static ProvisionedStack stack;

  static FaultProxy proxy;
  static DynamoDbClient dynamo;
  static KmsClient kms;
  static SecretsManagerClient secrets;
  static String table;

  @BeforeAll
  static void start() {
    Emulator emulator = Emulator.shared();
    table = stack.physicalId("Table");
    proxy = FaultProxy.start(emulator.endpoint());
    URI endpoint = URI.create(proxy.url());
    var credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(AwsClients.ACCESS_KEY_ID, AwsClients.SECRET_ACCESS_KEY));
    RetryStrategy noRetries = noRetries();
    dynamo =
        DynamoDbClient.builder()
            .endpointOverride(endpoint)
            .region(AwsClients.REGION)
            .credentialsProvider(credentials)
            .httpClientBuilder(
                UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(1)))
            .overrideConfiguration(o -> o.retryStrategy(noRetries))
            .build();
    kms =
        KmsClient.builder()
            .endpointOverride(endpoint)
            .region(AwsClients.REGION)
            .credentialsProvider(credentials)
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(o -> o.retryStrategy(noRetries))
            .build();
    secrets =
        SecretsManagerClient.builder()
            .endpointOverride(endpoint)
            .region(AwsClients.REGION)
            .credentialsProvider(credentials)
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(o -> o.retryStrategy(noRetries))
            .build();
  }

  static RetryStrategy noRetries() {
    return software.amazon.awssdk.retries.DefaultRetryStrategy.doNotRetry();
  }

  @AfterAll
  static void stop() {
    proxy.close();
    dynamo.close();
    kms.close();
    secrets.close();
  }

  @AfterEach
  void reset() {
    proxy.reset();
  }

  static Map<String, AttributeValue> key(String id) {
    return Map.of("pk", AttributeValue.fromS("PROXY#" + id), "sk", AttributeValue.fromS("PROXY"));
  }

  @Test
  void withoutRules_everyCallIsForwarded_andRecordedByOperation() {
    dynamo.putItem(r -> r.tableName(table).item(key("a")));
    assertTrue(dynamo.getItem(r -> r.tableName(table).key(key("a"))).hasItem());
    assertEquals(1, proxy.count(Operations.PUT_ITEM));
    assertEquals(1, proxy.count(Operations.GET_ITEM));
    assertEquals(0, proxy.faulted(Operations.GET_ITEM));
    assertTrue(proxy.calls().stream().allMatch(c -> c.status() == 200), proxy.calls().toString());
  }

  @Test
  void dynamoDbThrottle_isProvisionedThroughputExceeded_asTheSdkParsesIt() {
    proxy.add(Rule.on(Operations.GET_ITEM).answer(Fault.throttling()));
    SdkServiceException e =
        assertThrows(
            SdkServiceException.class, () -> dynamo.getItem(r -> r.tableName(table).key(key("x"))));
    assertEquals(
        software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException.class,
        e.getClass());
    assertTrue(e.isThrottlingException());
    assertEquals(400, e.statusCode());
    // the next call is forwarded again
    assertFalse(dynamo.getItem(r -> r.tableName(table).key(key("x"))).hasItem());
  }

  @Test
  void dynamoDbThrottlingException_isThrottling() {
    proxy.add(Rule.on(Operations.PUT_ITEM).answer(Fault.throttling("ThrottlingException")));
    SdkServiceException e =
        assertThrows(
            SdkServiceException.class,
            () -> dynamo.putItem(r -> r.tableName(table).item(key("t"))));
    assertTrue(e.isThrottlingException(), e.toString());
    assertFalse(dynamo.getItem(r -> r.tableName(table).key(key("t"))).hasItem(), "not forwarded");
  }

  @Test
  void kmsThrottle_isThrottlingException() {
    String keyId = stack.physicalId("AccessTokenSigningKey");
    proxy.add(Rule.on(Operations.KMS_SIGN).answer(Fault.throttling()));
    KmsException e =
        assertThrows(
            KmsException.class,
            () ->
                kms.sign(
                    r ->
                        r.keyId(keyId)
                            .messageType(MessageType.RAW)
                            .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
                            .message(SdkBytes.fromUtf8String("x"))));
    assertTrue(e.isThrottlingException());
    assertEquals("ThrottlingException", e.awsErrorDetails().errorCode());
  }

  @Test
  void secretsManagerThrottle_andServerError() {
    String secretId = stack.physicalId("IntegratorClientSecret");
    proxy.add(Rule.on(Operations.GET_SECRET_VALUE).times(1).answer(Fault.throttling()));
    proxy.add(Rule.on(Operations.GET_SECRET_VALUE).fromCall(2).answer(Fault.serverError()));
    SecretsManagerException throttled =
        assertThrows(
            SecretsManagerException.class, () -> secrets.getSecretValue(r -> r.secretId(secretId)));
    assertTrue(throttled.isThrottlingException());
    SecretsManagerException failed =
        assertThrows(
            SecretsManagerException.class, () -> secrets.getSecretValue(r -> r.secretId(secretId)));
    assertEquals(500, failed.statusCode());
    assertEquals("InternalServiceError", failed.awsErrorDetails().errorCode());
    assertEquals(
        stack.secretValue("IntegratorClientSecret"),
        secrets.getSecretValue(r -> r.secretId(secretId)).secretString());
  }

  @Test
  void fromAndTimes_faultExactlyTheChosenCalls() {
    proxy.add(Rule.on(Operations.GET_ITEM).fromCall(2).times(2).answer(Fault.serverError()));
    dynamo.getItem(r -> r.tableName(table).key(key("n")));
    assertThrows(
        SdkServiceException.class, () -> dynamo.getItem(r -> r.tableName(table).key(key("n"))));
    assertThrows(
        SdkServiceException.class, () -> dynamo.getItem(r -> r.tableName(table).key(key("n"))));
    dynamo.getItem(r -> r.tableName(table).key(key("n")));
    assertEquals(4, proxy.count(Operations.GET_ITEM));
    assertEquals(2, proxy.faulted(Operations.GET_ITEM));
  }

  @Test
  void bodyMarker_faultsOnlyMatchingCalls() {
    proxy.add(
        Rule.on(Operations.GET_ITEM)
            .whereBodyContains("PROXY#marked")
            .times(Rule.ALWAYS)
            .answer(Fault.serverError()));
    dynamo.getItem(r -> r.tableName(table).key(key("other")));
    assertThrows(
        SdkServiceException.class,
        () -> dynamo.getItem(r -> r.tableName(table).key(key("marked"))));
  }

  @Test
  void transactionCanceled_carriesOneReasonPerItem() {
    proxy.add(
        Rule.on(Operations.TRANSACT_WRITE_ITEMS)
            .answer(Fault.transactionCanceled(1, "ThrottlingError")));
    TransactionCanceledException e =
        assertThrows(
            TransactionCanceledException.class,
            () ->
                dynamo.transactWriteItems(
                    r ->
                        r.transactItems(
                            TransactWriteItem.builder()
                                .put(Put.builder().tableName(table).item(key("t1")).build())
                                .build(),
                            TransactWriteItem.builder()
                                .put(Put.builder().tableName(table).item(key("t2")).build())
                                .build())));
    assertEquals(2, e.cancellationReasons().size());
    assertEquals("None", e.cancellationReasons().get(0).code());
    assertEquals("ThrottlingError", e.cancellationReasons().get(1).code());
    assertFalse(dynamo.getItem(r -> r.tableName(table).key(key("t1"))).hasItem());
  }

  @Test
  void drop_isAClientSideFailure_andNothingIsForwarded() {
    proxy.add(Rule.on(Operations.PUT_ITEM).answer(Fault.drop()));
    assertThrows(
        SdkClientException.class, () -> dynamo.putItem(r -> r.tableName(table).item(key("d"))));
    assertFalse(dynamo.getItem(r -> r.tableName(table).key(key("d"))).hasItem());
  }

  @Test
  void slow_outlastsTheClientsTimeout_andIsNotForwarded() {
    proxy.add(Rule.on(Operations.PUT_ITEM).answer(Fault.slow(Duration.ofSeconds(3))));
    SdkClientException e =
        assertThrows(
            SdkClientException.class,
            () ->
                dynamo.putItem(
                    r ->
                        r.tableName(table)
                            .item(key("s"))
                            .overrideConfiguration(
                                o -> o.apiCallAttemptTimeout(Duration.ofMillis(500)))));
    assertTrue(e instanceof ApiCallAttemptTimeoutException, e.toString());
    assertFalse(dynamo.getItem(r -> r.tableName(table).key(key("s"))).hasItem());
  }

  @Test
  void late_isForwarded_soTheWriteLandsThoughTheClientGaveUp() throws Exception {
    proxy.add(Rule.on(Operations.PUT_ITEM).answer(Fault.late(Duration.ofMillis(1500))));
    assertThrows(
        SdkClientException.class,
        () ->
            dynamo.putItem(
                r ->
                    r.tableName(table)
                        .item(key("l"))
                        .overrideConfiguration(
                            o -> o.apiCallAttemptTimeout(Duration.ofMillis(500)))));
    Thread.sleep(1200);
    assertTrue(dynamo.getItem(r -> r.tableName(table).key(key("l"))).hasItem());
  }

  @Test
  void inFrontOfPlainHttp_operationsAreMethodAndPath_andThrottleIs429() throws Exception {
    try (PcoSimulator pco = PcoSimulator.start(PcoSimulator.Settings.defaults());
        FaultProxy front = FaultProxy.start(pco.baseUrl());
        HttpClient http = HttpClient.newHttpClient()) {
      front.add(Rule.on("GET /people/v2/me").answer(Fault.throttling()));
      HttpResponse<String> throttled =
          http.send(
              HttpRequest.newBuilder(URI.create(front.url() + "/people/v2/me?x=1")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(429, throttled.statusCode());
      assertEquals("1", throttled.headers().firstValue("retry-after").orElse(""));
      HttpResponse<String> forwarded =
          http.send(
              HttpRequest.newBuilder(URI.create(front.url() + "/people/v2/me")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(401, forwarded.statusCode(), "the simulator's own answer: no bearer token");
      assertEquals(2, front.count("GET /people/v2/me"));
    }
  }
}
