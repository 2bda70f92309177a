package org.pcohandshake.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The DynamoDB transaction semantics the stores rely on, checked against the emulator the tests
 * use: a cancelled transaction leaves every item it names as it was, and a repeat of a successful
 * transaction with the same client request token (what the SDK sends when it retries an attempt
 * whose answer it gave up on) succeeds without writing again. moto's launcher adds both where moto
 * itself differs (docs/emulators.md); DynamoDB and LocalStack behave so on their own.
 */
class TransactionSemanticsIT {

  private static DynamoDbClient dynamo;
  private static final String TABLE = "transactions-" + UUID.randomUUID();

  @BeforeAll
  static void table() {
    dynamo = Emulator.shared().dynamoDb();
    dynamo.createTable(
        r ->
            r.tableName(TABLE)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(
                    KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                    KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
                .attributeDefinitions(
                    AttributeDefinition.builder()
                        .attributeName("pk")
                        .attributeType(ScalarAttributeType.S)
                        .build(),
                    AttributeDefinition.builder()
                        .attributeName("sk")
                        .attributeType(ScalarAttributeType.S)
                        .build()));
  }

  @AfterAll
  static void close() {
    dynamo.deleteTable(r -> r.tableName(TABLE));
    dynamo.close();
  }

  @Test
  void cancelledTransaction_leavesUpdatedPutAndDeletedItemsAsTheyWere() {
    String run = UUID.randomUUID().toString();
    dynamo.putItem(r -> r.tableName(TABLE).item(item(run + "counted", "n", "1")));
    dynamo.putItem(r -> r.tableName(TABLE).item(item(run + "kept", "n", "7")));

    assertThrows(
        TransactionCanceledException.class,
        () ->
            dynamo.transactWriteItems(
                r ->
                    r.transactItems(
                        increment(run + "counted"),
                        TransactWriteItem.builder()
                            .delete(d -> d.tableName(TABLE).key(key(run + "kept")))
                            .build(),
                        put(run + "new", "attribute_not_exists(pk)"),
                        put(run + "missing", "attribute_exists(pk)"))));

    assertEquals(
        Map.of(run + "counted", "1", run + "kept", "7"), itemsOf(run), "nothing of it applied");
  }

  @Test
  void repeatWithTheSameToken_succeedsWithoutWritingAgain() {
    String run = UUID.randomUUID().toString();
    dynamo.putItem(r -> r.tableName(TABLE).item(item(run + "counted", "n", "1")));
    String token = UUID.randomUUID().toString();
    List<TransactWriteItem> items =
        List.of(increment(run + "counted"), put(run + "once", "attribute_not_exists(pk)"));

    dynamo.transactWriteItems(r -> r.clientRequestToken(token).transactItems(items));
    dynamo.transactWriteItems(r -> r.clientRequestToken(token).transactItems(items));

    assertEquals(Map.of(run + "counted", "2", run + "once", "-"), itemsOf(run), "applied once");
    assertThrows(
        TransactionCanceledException.class,
        () ->
            dynamo.transactWriteItems(
                r -> r.clientRequestToken(UUID.randomUUID().toString()).transactItems(items)),
        "another token is another request: its condition fails");
    assertThrows(
        IdempotentParameterMismatchException.class,
        () ->
            dynamo.transactWriteItems(
                r ->
                    r.clientRequestToken(token)
                        .transactItems(put(run + "other", "attribute_not_exists(pk)"))));
    assertEquals(Map.of(run + "counted", "2", run + "once", "-"), itemsOf(run));
  }

  /**
   * The moto launcher's changes reach into moto's internals: with a moto they do not fit, it runs
   * without them (slower transactions, tokens ignored) and says so in its log. Only for a moto the
   * tests started themselves.
   */
  @Test
  void motoLauncher_appliedItsChanges() throws IOException {
    Emulator emulator = Emulator.shared();
    Optional<Path> log = emulator.logFile();
    assumeTrue(
        emulator.startedProcess()
            && log.isPresent()
            && log.get().getFileName().toString().startsWith("moto-"),
        "not a moto started by the tests");
    List<String> notApplied =
        Files.readAllLines(log.get()).stream().filter(l -> l.contains("not applied")).toList();
    assertTrue(
        notApplied.isEmpty(),
        "the moto launcher could not apply its changes to this moto (docs/emulators.md; install"
            + " moto[server]==5.2.1): "
            + notApplied);
  }

  private static TransactWriteItem increment(String pk) {
    return TransactWriteItem.builder()
        .update(
            u ->
                u.tableName(TABLE)
                    .key(key(pk))
                    .updateExpression("SET n = n + :one")
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))))
        .build();
  }

  /** A put of an item with a binary attribute (as the PCO token vault stores ciphertexts). */
  private static TransactWriteItem put(String pk, String condition) {
    Map<String, AttributeValue> item = new HashMap<>(key(pk));
    item.put("blob", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, (byte) 0xff})));
    return TransactWriteItem.builder()
        .put(p -> p.tableName(TABLE).item(item).conditionExpression(condition))
        .build();
  }

  private static Map<String, AttributeValue> key(String pk) {
    return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("item"));
  }

  private static Map<String, AttributeValue> item(String pk, String name, String number) {
    return Map.of(
        "pk",
        AttributeValue.fromS(pk),
        "sk",
        AttributeValue.fromS("item"),
        name,
        AttributeValue.fromN(number));
  }

  /** pk → the number n, or "-" for an item without one; only this run's items. */
  private static Map<String, String> itemsOf(String run) {
    Map<String, String> found =
        dynamo.scan(r -> r.tableName(TABLE).consistentRead(true)).items().stream()
            .filter(i -> i.get("pk").s().startsWith(run))
            .collect(
                Collectors.toMap(
                    i -> i.get("pk").s(), i -> i.containsKey("n") ? i.get("n").n() : "-"));
    assertTrue(found.size() <= 4);
    return found;
  }
}
