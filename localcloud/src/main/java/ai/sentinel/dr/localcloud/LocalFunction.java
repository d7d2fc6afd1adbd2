package ai.sentinel.dr.localcloud;

import java.util.Map;
import java.util.Objects;

/** A Lambda function that the gateway runs in this JVM instead of in a container. */
public interface LocalFunction {

  /** The function name, as in {@code arn:aws:lambda:REGION:ACCOUNT:function:NAME}. */
  String name();

  /**
   * Runs the function once.
   *
   * @param payload the invocation payload (usually JSON)
   * @return the response payload
   * @throws Exception any failure; the gateway reports it as an unhandled function error named by its class
   */
  byte[] invoke(byte[] payload) throws Exception;

  /** The handler as CloudFormation's {@code Handler} names it, or null (shown by GetFunctionConfiguration). */
  default String handler() {
    return null;
  }

  /** The function's environment variables (shown by GetFunctionConfiguration, reserved AWS_* ones left out). */
  default Map<String, String> environment() {
    return Map.of();
  }

  /** The body of a function given as a lambda expression. */
  @FunctionalInterface
  interface Body {
    byte[] apply(byte[] payload) throws Exception;
  }

  /** A function whose body is {@code body}: handy for fakes in tests. */
  static LocalFunction of(String name, Body body) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    return new LocalFunction() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public byte[] invoke(byte[] payload) throws Exception {
        return body.apply(payload);
      }

      @Override
      public String toString() {
        return "LocalFunction[" + name + "]";
      }
    };
  }
}
