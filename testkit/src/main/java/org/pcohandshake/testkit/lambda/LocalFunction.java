package org.pcohandshake.testkit.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.pcohandshake.testkit.sam.SamFunction;
import org.pcohandshake.testkit.sam.SamTemplate;

/**
 * One function of the template, run in this JVM. Its handler class is loaded by name and
 * instantiated once, on the first invocation, through the project's handler convention: a public
 * constructor taking the environment ({@code Map<String, String>}) and a clock and a public method
 * {@code handleRequest(APIGatewayV2HTTPEvent, Context)} (the method named in the template's
 * Handler) returning {@code APIGatewayV2HTTPResponse}.
 *
 * <p>The class is looked up on the class path first; when it is not there, in the function's built
 * artifact {@code <template dir>/<CodeUri>/target/*-lambda.jar}, in a class loader of its own. A
 * failed initialization is retried on the next invocation, as Lambda does.
 */
public final class LocalFunction {

  private static final ThreadLocal<String> RUNNING = new ThreadLocal<>();

  /**
   * The handler class whose request this thread is serving, if any: for test recorders that
   * attribute AWS calls to functions (the handler's own frames are not on the stack, its entry
   * being its base class's).
   */
  public static java.util.Optional<String> running() {
    return java.util.Optional.ofNullable(RUNNING.get());
  }

  /** Runs work as {@code handlerClass}'s (see {@link #running()}), e.g. its priming hook. */
  public static void runAs(String handlerClass, Runnable work) {
    RUNNING.set(handlerClass);
    try {
      work.run();
    } finally {
      RUNNING.remove();
    }
  }

  private final SamTemplate template;
  private final SamFunction function;
  private final Supplier<Map<String, String>> environment;
  private final ClassLoader classLoader;

  private Object handler;
  private Method method;

  /**
   * A function whose handler is loaded from the context class loader (or, failing that, its jar).
   */
  public LocalFunction(
      SamTemplate template, String logicalId, Supplier<Map<String, String>> environment) {
    this(template, logicalId, environment, defaultClassLoader());
  }

  /**
   * A function whose handler is loaded from {@code classLoader} (or, failing that, its jar).
   *
   * @param environment called once, at initialization, for the handler's constructor argument
   */
  public LocalFunction(
      SamTemplate template,
      String logicalId,
      Supplier<Map<String, String>> environment,
      ClassLoader classLoader) {
    this.template = Objects.requireNonNull(template, "template");
    this.function = template.function(logicalId);
    this.environment = Objects.requireNonNull(environment, "environment");
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
  }

  /** The function as the template declares it. */
  public SamFunction function() {
    return function;
  }

  /** A fresh Lambda context for one invocation of this function. */
  public LocalContext newContext() {
    return LocalContext.forFunction(function);
  }

  /** True once the handler has been instantiated. */
  public synchronized boolean isInitialized() {
    return handler != null;
  }

  /**
   * Invokes the handler (instantiating it first if needed) with the event.
   *
   * @return the handler's response, never null
   * @throws IllegalStateException when the handler cannot be loaded or instantiated, or returns
   *     null; the message says why and what to change
   * @throws Exception whatever the handler throws, unwrapped
   */
  public APIGatewayV2HTTPResponse invoke(APIGatewayV2HTTPEvent event, Context context)
      throws Exception {
    Object instance;
    Method handleRequest;
    synchronized (this) {
      if (handler == null) {
        initialize();
      }
      if (method == null) {
        method = httpMethod(handler.getClass());
      }
      instance = handler;
      handleRequest = method;
    }
    Object result;
    RUNNING.set(function.handlerClass());
    try {
      result = handleRequest.invoke(instance, event, context);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    } finally {
      RUNNING.remove();
    }
    if (result == null) {
      throw new IllegalStateException(
          "Handler " + function.handler() + " of " + function.logicalId() + " returned null.");
    }
    return (APIGatewayV2HTTPResponse) result;
  }

  /**
   * Invokes a stream handler (an invoke-style function, as {@code Lambda Invoke} reaches it) with a
   * payload (instantiating it first if needed).
   *
   * @return the bytes the handler wrote
   * @throws IllegalStateException when the handler is not a stream handler
   * @throws Exception whatever the handler throws
   */
  public byte[] invokePayload(byte[] payload, Context context) throws Exception {
    Object instance;
    synchronized (this) {
      if (handler == null) {
        initialize();
      }
      instance = handler;
    }
    if (!(instance instanceof com.amazonaws.services.lambda.runtime.RequestStreamHandler stream)) {
      throw new IllegalStateException(
          "Handler "
              + function.handler()
              + " of "
              + function.logicalId()
              + " is not a RequestStreamHandler: it cannot take a raw payload.");
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    RUNNING.set(function.handlerClass());
    try {
      stream.handleRequest(new java.io.ByteArrayInputStream(payload), out, context);
    } finally {
      RUNNING.remove();
    }
    return out.toByteArray();
  }

  private void initialize() throws Exception {
    Class<?> type = loadClass();
    Constructor<?> constructor;
    try {
      constructor = type.getConstructor(Map.class, Clock.class);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(
          "Handler class "
              + type.getName()
              + " of function "
              + function.logicalId()
              + " has no public constructor taking java.util.Map<String, String> (the"
              + " environment) and a java.time.Clock. Every handler of this project needs one,"
              + " next to the no-argument constructor Lambda uses.",
          e);
    }
    Map<String, String> env = Map.copyOf(environment.get());
    Object instance;
    try {
      instance = constructor.newInstance(env, Clock.systemUTC());
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new IllegalStateException(
          "Handler "
              + type.getName()
              + " of function "
              + function.logicalId()
              + " failed to initialize: "
              + cause,
          cause);
    }
    handler = instance;
  }

  private Method httpMethod(Class<?> type) {
    Method handleRequest;
    try {
      handleRequest =
          type.getMethod(function.handlerMethod(), APIGatewayV2HTTPEvent.class, Context.class);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(
          "Handler class "
              + type.getName()
              + " of function "
              + function.logicalId()
              + " has no public method "
              + function.handlerMethod()
              + "(APIGatewayV2HTTPEvent, Context); check the Handler in "
              + template.source()
              + ".",
          e);
    }
    if (!APIGatewayV2HTTPResponse.class.isAssignableFrom(handleRequest.getReturnType())) {
      throw new IllegalStateException(
          "Handler method "
              + function.handler()
              + " of function "
              + function.logicalId()
              + " returns "
              + handleRequest.getReturnType().getName()
              + ", not APIGatewayV2HTTPResponse.");
    }
    return handleRequest;
  }

  private Class<?> loadClass() {
    String className = function.handlerClass();
    try {
      return Class.forName(className, true, classLoader);
    } catch (ClassNotFoundException onClassPath) {
      Optional<Path> jar = artifact();
      if (jar.isEmpty()) {
        throw new IllegalStateException(
            "Handler class "
                + className
                + " of function "
                + function.logicalId()
                + " is not on the class path, and there is no built "
                + artifactPattern()
                + ". Build it (mvn package in the function's module) or run with the function"
                + " module on the class path.",
            onClassPath);
      }
      try {
        URLClassLoader loader =
            new URLClassLoader(
                function.logicalId(), new URL[] {jar.get().toUri().toURL()}, classLoader);
        System.err.println("[testkit] loading " + function.logicalId() + " from " + jar.get());
        return Class.forName(className, true, loader);
      } catch (ClassNotFoundException | MalformedURLException e) {
        throw new IllegalStateException(
            "Handler class "
                + className
                + " of function "
                + function.logicalId()
                + " is neither on the class path nor in "
                + jar.get()
                + "; check the Handler and CodeUri in "
                + template.source()
                + ".",
            e);
      }
    }
  }

  private String artifactPattern() {
    return template
        .directory()
        .map(d -> d.resolve(function.codeUri()).resolve("target").resolve("*-lambda.jar"))
        .map(Path::toString)
        .orElse("<CodeUri>/target/*-lambda.jar");
  }

  private Optional<Path> artifact() {
    if (template.directory().isEmpty() || function.codeUri().isBlank()) {
      return Optional.empty();
    }
    Path target = template.directory().get().resolve(function.codeUri()).resolve("target");
    if (!Files.isDirectory(target)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(target)) {
      List<Path> jars =
          files.filter(p -> p.getFileName().toString().endsWith("-lambda.jar")).toList();
      return jars.stream().max(Comparator.comparing(LocalFunction::modified));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + target, e);
    }
  }

  private static FileTime modified(Path path) {
    try {
      return Files.getLastModifiedTime(path);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static ClassLoader defaultClassLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : LocalFunction.class.getClassLoader();
  }
}
