package org.pcohandshake.testkit.junit;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.aws.Provisioner;
import org.pcohandshake.testkit.sam.SamTemplate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Provisions template.yaml's stack ({@link SamTemplate#fromProjectRoot()}) in the shared emulator
 * ({@link Emulator#shared()}) once per test class, on first use, and injects it where {@link
 * Provisioned} or {@link FunctionEnvironment} asks: static fields before {@code @BeforeAll},
 * instance fields after each instance is made, and parameters. An instance field
 * {@code @Provisioned ProvisionedStack} gets a stack of its own per test instance (per test under
 * JUnit's default lifecycle), for tests that change what is in it. Registered by those annotations
 * themselves; nothing to declare on the class.
 */
public final class ProvisionedStackExtension
    implements BeforeAllCallback, TestInstancePostProcessor, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ProvisionedStackExtension.class);

  /** What one class provisioned, with the secret values it was asked for. */
  private record Provisioning(ProvisionedStack stack, Map<String, String> secrets) {}

  @Override
  public void beforeAll(ExtensionContext context) {
    inject(context, null);
  }

  @Override
  public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
    inject(context, testInstance);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.isAnnotated(Provisioned.class)
        || parameter.isAnnotated(FunctionEnvironment.class);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return valueFor(
        parameter.getParameter(),
        parameter.getParameter().getType(),
        parameter.toString(),
        context,
        null);
  }

  /**
   * Sets the annotated fields: the static ones when {@code instance} is null, else its own. An
   * instance's {@code @Provisioned ProvisionedStack} field gets a stack of its own, and its other
   * fields are taken from that stack.
   */
  private static void inject(ExtensionContext context, Object instance) {
    Class<?> testClass = context.getRequiredTestClass();
    ProvisionedStack own = null;
    for (Field field : annotatedFields(testClass)) {
      if (instance != null
          && !Modifier.isStatic(field.getModifiers())
          && field.getType() == ProvisionedStack.class
          && field.isAnnotationPresent(Provisioned.class)) {
        own = provision(secrets(field.getAnnotation(Provisioned.class), field.getName()));
      }
    }
    for (Field field : annotatedFields(testClass)) {
      if (Modifier.isStatic(field.getModifiers()) != (instance == null)) {
        continue;
      }
      Object value = valueFor(field, field.getType(), "field " + field.getName(), context, own);
      try {
        field.setAccessible(true);
        field.set(instance, value);
      } catch (IllegalAccessException | RuntimeException e) {
        throw new ExtensionConfigurationException(
            "Cannot set " + testClass.getSimpleName() + "." + field.getName() + ": " + e, e);
      }
    }
  }

  private static ProvisionedStack provision(Map<String, String> secrets) {
    return new Provisioner(SamTemplate.fromProjectRoot(), Emulator.shared()).provision(secrets);
  }

  private static List<Field> annotatedFields(Class<?> testClass) {
    List<Field> fields =
        new ArrayList<>(
            AnnotationSupport.findAnnotatedFields(
                testClass, Provisioned.class, f -> true, HierarchyTraversalMode.TOP_DOWN));
    for (Field field :
        AnnotationSupport.findAnnotatedFields(
            testClass, FunctionEnvironment.class, f -> true, HierarchyTraversalMode.TOP_DOWN)) {
      if (!fields.contains(field)) {
        fields.add(field);
      }
    }
    return fields;
  }

  private static Object valueFor(
      AnnotatedElement element,
      Class<?> type,
      String what,
      ExtensionContext context,
      ProvisionedStack own) {
    Optional<FunctionEnvironment> environment =
        AnnotationSupport.findAnnotation(element, FunctionEnvironment.class);
    if (environment.isPresent()) {
      if (!type.isAssignableFrom(Map.class)) {
        throw new ExtensionConfigurationException(
            "@FunctionEnvironment goes on a Map<String, String>, not on "
                + what
                + " ("
                + type
                + ")");
      }
      return (own != null ? own : stack(context, Map.of()))
          .environmentFor(environment.get().value(), environment.get().baseUrl());
    }
    Map<String, String> secrets =
        AnnotationSupport.findAnnotation(element, Provisioned.class)
            .map(p -> secrets(p, what))
            .orElse(Map.of());
    if (type == ProvisionedStack.class) {
      return own != null ? own : stack(context, secrets);
    }
    if (type == Emulator.class) {
      return Emulator.shared();
    }
    if (type == DynamoDbClient.class) {
      return Emulator.shared().dynamoDb();
    }
    throw new ExtensionConfigurationException(
        "@Provisioned goes on a ProvisionedStack, Emulator or DynamoDbClient, not on "
            + what
            + " ("
            + type.getName()
            + ")");
  }

  /**
   * The test class's stack, provisioned on first use with the secrets that any {@link Provisioned}
   * field of the class names, or {@code requested}.
   */
  private static ProvisionedStack stack(ExtensionContext context, Map<String, String> requested) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent()) {
      classContext = classContext.getParent().orElseThrow();
    }
    Class<?> testClass = classContext.getRequiredTestClass();
    Map<String, String> secrets = new LinkedHashMap<>(requested);
    for (Field field : annotatedFields(testClass)) {
      Provisioned provisioned = field.getAnnotation(Provisioned.class);
      if (provisioned != null
          && Modifier.isStatic(field.getModifiers())
          && provisioned.secrets().length > 0) {
        Map<String, String> named = secrets(provisioned, "field " + field.getName());
        if (!secrets.isEmpty() && !secrets.equals(named)) {
          throw new ExtensionConfigurationException(
              testClass.getSimpleName() + ": every @Provisioned must name the same secrets");
        }
        secrets.putAll(named);
      }
    }
    Provisioning provisioning =
        classContext
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(
                Provisioning.class,
                key -> new Provisioning(provision(secrets), Map.copyOf(secrets)),
                Provisioning.class);
    if (!secrets.isEmpty() && !provisioning.secrets().equals(secrets)) {
      throw new ExtensionConfigurationException(
          testClass.getSimpleName()
              + ": the stack was provisioned with the secrets "
              + provisioning.secrets().keySet()
              + ", not "
              + secrets.keySet());
    }
    return provisioning.stack();
  }

  private static Map<String, String> secrets(Provisioned provisioned, String what) {
    String[] pairs = provisioned.secrets();
    if (pairs.length % 2 != 0) {
      throw new ExtensionConfigurationException(
          "@Provisioned(secrets) on " + what + " takes pairs of a secret's logical id and value");
    }
    Map<String, String> secrets = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      secrets.put(pairs[i], pairs[i + 1]);
    }
    return secrets;
  }
}
