package ai.sentinel.dr.localcloud;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Runs a Lambda {@link RequestStreamHandler} class in this JVM, as the Java runtime would.
 *
 * <p>The handler is built with its public {@code (Map<String, String>)} constructor, given the function's
 * environment, when it has one (the tests' and drills' way to configure a handler without touching the process
 * environment), else with its no-arg constructor. Built instances are kept warm and reused; like Lambda, a second
 * instance is built only when an invocation arrives while every instance is busy.
 */
public final class ReflectiveHandlerFunction implements LocalFunction {

  /** What {@link Context#getRemainingTimeInMillis()} starts from: Lambda's 15-minute maximum. */
  static final int TIMEOUT_MILLIS = 900_000;

  private final String name;
  private final Class<? extends RequestStreamHandler> handlerClass;
  private final Map<String, String> environment;
  private final String invokedArn;
  private final Deque<RequestStreamHandler> warm = new ConcurrentLinkedDeque<>();

  /** A function running {@code handler} (a class name, optionally {@code ::handleRequest}) from this class loader. */
  public ReflectiveHandlerFunction(String name, String handler, Map<String, String> environment) {
    this(name, handler, environment, ReflectiveHandlerFunction.class.getClassLoader());
  }

  /**
   * A function running a handler class.
   *
   * @param name the function name
   * @param handler the class name as in CloudFormation's {@code Handler}: {@code pkg.Class} or
   *     {@code pkg.Class::handleRequest}
   * @param environment the function's environment variables, passed to a {@code (Map)} constructor
   * @param loader where to load the class from
   * @throws IllegalArgumentException when the class is missing or is not a {@link RequestStreamHandler}
   */
  public ReflectiveHandlerFunction(String name, String handler, Map<String, String> environment,
      ClassLoader loader) {
    this.name = Objects.requireNonNull(name, "name");
    this.environment = Map.copyOf(environment);
    this.handlerClass = loadHandlerClass(handler, loader);
    this.invokedArn = "arn:aws:lambda:" + this.environment.getOrDefault("AWS_REGION", LocalCloud.REGION) + ":"
        + LocalCloud.ACCOUNT_ID + ":function:" + name;
  }

  @Override
  public String name() {
    return name;
  }

  /** The handler class. */
  public Class<? extends RequestStreamHandler> handlerClass() {
    return handlerClass;
  }

  @Override
  public String handler() {
    return handlerClass.getName() + "::handleRequest";
  }

  /** The environment handed to the handler's constructor. */
  @Override
  public Map<String, String> environment() {
    return environment;
  }

  @Override
  public byte[] invoke(byte[] payload) throws Exception {
    RequestStreamHandler handler = warm.pollFirst();
    if (handler == null) {
      handler = newInstance();
    }
    try {
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      handler.handleRequest(new ByteArrayInputStream(payload), output, new LocalContext(name, invokedArn));
      return output.toByteArray();
    } finally {
      // a failed invocation leaves the instance warm, as Lambda keeps the environment after a handled throw
      warm.offerFirst(handler);
    }
  }

  @Override
  public String toString() {
    return "ReflectiveHandlerFunction[" + name + " -> " + handlerClass.getName() + "]";
  }

  private RequestStreamHandler newInstance() throws Exception {
    try {
      Constructor<? extends RequestStreamHandler> withEnvironment;
      try {
        withEnvironment = handlerClass.getConstructor(Map.class);
      } catch (NoSuchMethodException e) {
        return handlerClass.getConstructor().newInstance();
      }
      return withEnvironment.newInstance(environment);
    } catch (InvocationTargetException e) {
      // the constructor's own failure is the function's failure (as an init error would be on Lambda)
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(handlerClass.getName() + " has neither a public (Map) nor a public no-arg "
          + "constructor", e);
    }
  }

  private static Class<? extends RequestStreamHandler> loadHandlerClass(String handler, ClassLoader loader) {
    Objects.requireNonNull(handler, "handler");
    String className = handler;
    int separator = handler.indexOf("::");
    if (separator >= 0) {
      className = handler.substring(0, separator);
      String method = handler.substring(separator + 2);
      if (!method.equals("handleRequest")) {
        throw new IllegalArgumentException("Only RequestStreamHandler.handleRequest is supported, not " + handler);
      }
    }
    Class<?> type;
    try {
      type = Class.forName(className, false, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("Handler class not found: " + className, e);
    }
    if (!RequestStreamHandler.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(className + " does not implement " + RequestStreamHandler.class.getName());
    }
    return type.asSubclass(RequestStreamHandler.class);
  }

  /** The parts of Lambda's context a handler may read; identity and client context are absent, as for SFN calls. */
  private static final class LocalContext implements Context {
    private final String functionName;
    private final String invokedArn;
    private final String requestId = UUID.randomUUID().toString();
    private final long deadlineNanos = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
    private final LambdaLogger logger;

    LocalContext(String functionName, String invokedArn) {
      this.functionName = functionName;
      this.invokedArn = invokedArn;
      this.logger = new StderrLogger(functionName);
    }

    @Override
    public String getAwsRequestId() {
      return requestId;
    }

    @Override
    public String getLogGroupName() {
      return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
      return LocalDate.now().toString().replace('-', '/') + "/[$LATEST]local";
    }

    @Override
    public String getFunctionName() {
      return functionName;
    }

    @Override
    public String getFunctionVersion() {
      return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
      return invokedArn;
    }

    @Override
    public CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
      return (int) Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000L);
    }

    @Override
    public int getMemoryLimitInMB() {
      return 512;
    }

    @Override
    public LambdaLogger getLogger() {
      return logger;
    }
  }

  /** Lambda's logger writes to CloudWatch Logs; locally, stderr with the function name in front. */
  private record StderrLogger(String functionName) implements LambdaLogger {
    @Override
    public void log(String message) {
      System.err.println("[" + functionName + "] " + message);
    }

    @Override
    public void log(byte[] message) {
      log(new String(message, StandardCharsets.UTF_8));
    }
  }
}
