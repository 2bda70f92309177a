package org.pcohandshake.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Injects one function's environment in the test class's provisioned stack (see {@link
 * Provisioned}): {@link org.pcohandshake.testkit.aws.ProvisionedStack#environmentFor(String,
 * String)}, an unmodifiable {@code Map<String, String>}. On a static field, an instance field or a
 * parameter:
 *
 * <pre>{@code
 * @FunctionEnvironment("TokenFunction") static Map<String, String> env;
 * }</pre>
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(ProvisionedStackExtension.class)
public @interface FunctionEnvironment {

  /** The issuer the tests use unless they name another: {@value}. */
  String ISSUER = "https://auth.example.test";

  /** The function's logical id in template.yaml, e.g. {@code TokenFunction}. */
  String value();

  /** Where the API would listen: the issuer, {@link #ISSUER} unless named. */
  String baseUrl() default ISSUER;
}
