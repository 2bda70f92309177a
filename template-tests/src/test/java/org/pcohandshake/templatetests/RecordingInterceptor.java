package org.pcohandshake.templatetests;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.pcohandshake.store.Items;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Records, per function, the IAM actions its AWS calls need. Registered for every SDK client of
 * this test JVM through the SDK's global interceptor file; the function is the handler class on the
 * calling thread's stack (handlers run in-process, in packages {@code org.pcohandshake.fn.*}). A
 * transaction needs the per-item actions, so its items are expanded. For DynamoDB it also records
 * the typed prefix of every partition key a call reaches ({@code SESSION} of {@code SESSION#...}):
 * what IAM's {@code dynamodb:LeadingKeys} condition key sees, item by item.
 */
public final class RecordingInterceptor implements ExecutionInterceptor {

  private static final Map<String, Set<String>> ACTIONS = new ConcurrentHashMap<>();
  private static final Map<String, Set<String>> KEY_PREFIXES = new ConcurrentHashMap<>();

  /** Handler class name to the actions its calls needed so far. */
  static Map<String, Set<String>> actionsByHandler() {
    return ACTIONS;
  }

  /** Handler class name to the partition-key prefixes its DynamoDB calls reached so far. */
  static Map<String, Set<String>> keyPrefixesByHandler() {
    return KEY_PREFIXES;
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String handler =
        org.pcohandshake.testkit.lambda.LocalFunction.running()
            .orElseGet(RecordingInterceptor::handlerOnStack);
    if (handler == null) {
      return;
    }
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    Set<String> actions = ACTIONS.computeIfAbsent(handler, h -> new TreeSet<>());
    String prefix = iamPrefix(service);
    synchronized (actions) {
      if (context.request() instanceof TransactWriteItemsRequest transaction) {
        for (TransactWriteItem item : transaction.transactItems()) {
          if (item.put() != null) {
            actions.add(prefix + ":PutItem");
          }
          if (item.update() != null) {
            actions.add(prefix + ":UpdateItem");
          }
          if (item.delete() != null) {
            actions.add(prefix + ":DeleteItem");
          }
          if (item.conditionCheck() != null) {
            actions.add(prefix + ":ConditionCheckItem");
          }
        }
      } else {
        actions.add(prefix + ":" + operation);
      }
    }
    Set<String> prefixes = KEY_PREFIXES.computeIfAbsent(handler, h -> new TreeSet<>());
    synchronized (prefixes) {
      for (Map<String, AttributeValue> key : itemKeys(context.request())) {
        prefixes.add(keyPrefix(key));
      }
    }
  }

  /** The keys (or whole items, which hold their key) of every item a DynamoDB request reaches. */
  private static List<Map<String, AttributeValue>> itemKeys(Object request) {
    return switch (request) {
      case GetItemRequest r -> List.of(r.key());
      case PutItemRequest r -> List.of(r.item());
      case UpdateItemRequest r -> List.of(r.key());
      case DeleteItemRequest r -> List.of(r.key());
      case BatchGetItemRequest r ->
          r.requestItems().values().stream().flatMap(k -> k.keys().stream()).toList();
      case TransactWriteItemsRequest r ->
          r.transactItems().stream().map(RecordingInterceptor::itemKey).toList();
      default -> List.of();
    };
  }

  private static Map<String, AttributeValue> itemKey(TransactWriteItem item) {
    if (item.put() != null) {
      return item.put().item();
    }
    if (item.update() != null) {
      return item.update().key();
    }
    if (item.delete() != null) {
      return item.delete().key();
    }
    return item.conditionCheck().key();
  }

  /**
   * The typed prefix of the item's partition key, up to its first {@code #}; the whole value when
   * it has none (which no LeadingKeys pattern {@code PREFIX#*} would match).
   */
  private static String keyPrefix(Map<String, AttributeValue> key) {
    AttributeValue pk = key.get(Items.PK);
    String value = pk == null || pk.s() == null ? "" : pk.s();
    int hash = value.indexOf('#');
    return hash < 0 ? value : value.substring(0, hash);
  }

  private static String iamPrefix(String service) {
    return switch (service) {
      case "DynamoDB", "DynamoDb" -> "dynamodb";
      case "KMS", "Kms" -> "kms";
      case "Secrets Manager", "SecretsManager" -> "secretsmanager";
      case "EventBridge" -> "events";
      default -> service.toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String handlerOnStack() {
    for (StackTraceElement frame : Thread.currentThread().getStackTrace()) {
      String name = frame.getClassName();
      if (name.startsWith("org.pcohandshake.fn.") && name.endsWith("Handler")) {
        return name;
      }
    }
    return null;
  }
}
