package org.pcohandshake.testkit.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The fixture annotations: one stack for the class, in fields and parameters alike. */
class ProvisionedStackExtensionIT {

  static final String ISSUER = "https://auth.example.test";

  @Provisioned(secrets = {"PcoClientSecret", "fixture-pco-secret"})
  static ProvisionedStack stack;

  @FunctionEnvironment("TokenFunction")
  static Map<String, String> tokenEnv;

  @Provisioned static DynamoDbClient dynamo;

  @Provisioned ProvisionedStack ownStack;

  @FunctionEnvironment(value = "TokenFunction", baseUrl = ISSUER)
  Map<String, String> ownTokenEnv;

  static String tableSeenInBeforeAll;

  @BeforeAll
  static void before() {
    tableSeenInBeforeAll = stack.physicalId("Table");
  }

  @Test
  void staticFields_areSetBeforeBeforeAll() {
    assertEquals(stack.physicalId("Table"), tableSeenInBeforeAll);
    assertNotNull(dynamo.describeTable(r -> r.tableName(tableSeenInBeforeAll)).table());
  }

  @Test
  void fieldsAndParameters_getTheClassesOneStack(
      @Provisioned ProvisionedStack parameter, @Provisioned Emulator emulator) {
    assertSame(stack, parameter);
    assertSame(Emulator.shared(), emulator);
  }

  @Test
  void anInstanceField_getsAStackOfItsOwn_andTheInstancesEnvironmentComesFromIt() {
    assertNotEquals(stack.stackName(), ownStack.stackName());
    assertEquals(ownStack.physicalId("Table"), ownTokenEnv.get("TABLE_NAME"));
  }

  @Test
  void functionEnvironment_isTheFunctionsEnvironmentInThatStack(
      @FunctionEnvironment(value = "TokenFunction", baseUrl = ISSUER)
          Map<String, String> parameter) {
    assertEquals(stack.environmentFor("TokenFunction", ISSUER), tokenEnv);
    assertEquals(tokenEnv, parameter);
    assertEquals(stack.physicalId("Table"), tokenEnv.get("TABLE_NAME"));
  }

  @Test
  void namedSecrets_areProvisionedWithTheirValues() {
    assertEquals("fixture-pco-secret", stack.secretValue("PcoClientSecret"));
  }
}
