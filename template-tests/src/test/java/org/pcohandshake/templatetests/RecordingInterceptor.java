package org.pcohandshake.templatetests;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Records, per function, the IAM actions its AWS calls need. Registered for every SDK client of
 * this test JVM through the SDK's global interceptor file; the function is the handler class on the
 * calling thread's stack (handlers run in-process, in packages {@code org.pcohandshake.fn.*}). A
 * transaction needs the per-item actions, so its items are expanded.
 */
public final class RecordingInterceptor implements ExecutionInterceptor {

  private static final Map<String, Set<String>> ACTIONS = new ConcurrentHashMap<>();

  /** Handler class name to the actions its calls needed so far. */
  static Map<String, Set<String>> actionsByHandler() {
    return ACTIONS;
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String handler = handlerOnStack();
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
  }

  private static String iamPrefix(String service) {
    return switch (service) {
      case "DynamoDB", "DynamoDb" -> "dynamodb";
      case "KMS", "Kms" -> "kms";
      case "Secrets Manager", "SecretsManager" -> "secretsmanager";
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
