package org.pcohandshake.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Injects the stack template.yaml declares, provisioned once for the test class in the shared
 * emulator ({@link ProvisionedStackExtension}). On a static field (set before the class's
 * {@code @BeforeAll} methods run), an instance field, or a parameter of a lifecycle or test method,
 * of one of these types:
 *
 * <ul>
 *   <li>{@link org.pcohandshake.testkit.aws.ProvisionedStack}: the test class's stack;
 *   <li>{@link org.pcohandshake.testkit.aws.Emulator}: the shared emulator it lives in;
 *   <li>{@link software.amazon.awssdk.services.dynamodb.DynamoDbClient}: the emulator's DynamoDB.
 * </ul>
 *
 * <pre>{@code
 * class TokenEndpointIT {
 *   @Provisioned static ProvisionedStack stack;
 *   @FunctionEnvironment("TokenFunction") static Map<String, String> env;
 * }
 * }</pre>
 *
 * Each test class gets its own stack (its own table, keys and secrets), as a hand-written {@code
 * new Provisioner(...).provision()} in {@code @BeforeAll} would; a {@code @Nested} class shares its
 * enclosing class's stack. An instance field {@code @Provisioned ProvisionedStack stack} instead
 * gets a new stack for each test instance (each test), for tests that rotate a key or a secret; the
 * instance's {@link FunctionEnvironment} fields then come from that stack.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(ProvisionedStackExtension.class)
public @interface Provisioned {

  /**
   * Secret values that replace what the template generates, as pairs of a secret's logical id and
   * its value: {@code {"PcoClientSecret", "the-value"}}. Every static {@code @Provisioned} field of
   * a class that names secrets must name the same ones.
   */
  String[] secrets() default {};
}
