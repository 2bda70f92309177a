/**
 * JUnit fixtures: {@link org.pcohandshake.testkit.junit.Provisioned} and {@link
 * org.pcohandshake.testkit.junit.FunctionEnvironment} give a test class the stack template.yaml
 * declares, provisioned once for the class in the shared emulator, and a function's environment in
 * it, instead of a {@code @BeforeAll} that builds them by hand.
 */
package org.pcohandshake.testkit.junit;
