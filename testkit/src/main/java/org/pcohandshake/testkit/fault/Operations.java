package org.pcohandshake.testkit.fault;

/**
 * The operations the functions call, as the AWS SDK names them in the {@code X-Amz-Target} header
 * of the JSON protocols. Calls without that header (the PCO simulator) are named {@code METHOD
 * /path}, e.g. {@code POST /oauth/token}.
 */
public final class Operations {

  public static final String GET_ITEM = "DynamoDB_20120810.GetItem";
  public static final String PUT_ITEM = "DynamoDB_20120810.PutItem";
  public static final String UPDATE_ITEM = "DynamoDB_20120810.UpdateItem";
  public static final String DELETE_ITEM = "DynamoDB_20120810.DeleteItem";
  public static final String TRANSACT_WRITE_ITEMS = "DynamoDB_20120810.TransactWriteItems";
  public static final String BATCH_WRITE_ITEM = "DynamoDB_20120810.BatchWriteItem";
  public static final String SCAN = "DynamoDB_20120810.Scan";

  public static final String KMS_SIGN = "TrentService.Sign";
  public static final String KMS_ENCRYPT = "TrentService.Encrypt";
  public static final String KMS_DECRYPT = "TrentService.Decrypt";
  public static final String KMS_GET_PUBLIC_KEY = "TrentService.GetPublicKey";

  public static final String GET_SECRET_VALUE = "secretsmanager.GetSecretValue";

  /** The DynamoDB operations that change the table. */
  public static final java.util.Set<String> DYNAMODB_WRITES =
      java.util.Set.of(PUT_ITEM, UPDATE_ITEM, DELETE_ITEM, TRANSACT_WRITE_ITEMS, BATCH_WRITE_ITEM);

  private Operations() {}

  /** Which service an operation belongs to, by its target prefix. */
  public enum Service {
    DYNAMODB,
    KMS,
    SECRETS_MANAGER,
    /** Anything else: plain HTTP (the PCO simulator). */
    OTHER;

    public static Service of(String operation) {
      if (operation.startsWith("DynamoDB_")) {
        return DYNAMODB;
      }
      if (operation.startsWith("TrentService.")) {
        return KMS;
      }
      if (operation.startsWith("secretsmanager.")) {
        return SECRETS_MANAGER;
      }
      return OTHER;
    }
  }
}
