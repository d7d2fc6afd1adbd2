package ai.sentinel.dr.localcloud;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.ObjIntConsumer;

/**
 * The {@link Gateway}'s Lambda Invoke: runs a function of the {@link FunctionRegistry} in this JVM and answers as
 * Lambda does (RequestResponse, Event, DryRun; an unhandled error as 200 with {@code X-Amz-Function-Error}).
 */
final class LambdaInvokes {
  private static final System.Logger LOG = System.getLogger(Gateway.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FunctionRegistry registry;
  private final Executor executor;
  private final ObjIntConsumer<String> record;

  /** {@code record} gets each call's action ({@code Invoke:NAME}) and status. */
  LambdaInvokes(FunctionRegistry registry, Executor executor, ObjIntConsumer<String> record) {
    this.registry = registry;
    this.executor = executor;
    this.record = record;
  }

  void invoke(HttpExchange exchange, String functionName, byte[] payload) throws IOException {
    Map<String, String> query = AwsRequests.parseForm(exchange.getRequestURI().getRawQuery());
    LambdaFunctionRef ref;
    try {
      ref = LambdaFunctionRef.parse(functionName);
    } catch (IllegalArgumentException e) {
      int status = sendLambdaError(exchange, 400, "InvalidParameterValueException", e.getMessage());
      record.accept("Invoke:" + functionName, status);
      return;
    }
    if (query.containsKey("Qualifier")) {
      ref = ref.withQualifier(query.get("Qualifier"));
    }
    String action = "Invoke:" + ref.name();
    Optional<LocalFunction> found = registry.find(ref.name());
    if (found.isEmpty()) {
      int status = sendLambdaError(exchange, 404, "ResourceNotFoundException", "Function not found: " + functionName);
      record.accept(action, status);
      return;
    }
    LocalFunction function = found.get();
    String invocationType = Objects.requireNonNullElse(
        exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"), "RequestResponse");
    Headers headers = exchange.getResponseHeaders();
    headers.set("x-amzn-RequestId", UUID.randomUUID().toString());
    headers.set("X-Amz-Executed-Version", "$LATEST");
    switch (invocationType) {
      case "DryRun" -> {
        record.accept(action, 204);
        exchange.sendResponseHeaders(204, -1);
      }
      case "Event" -> {
        // asynchronous like Lambda's event queue: accepted now, run later, failures only logged
        executor.execute(() -> {
          try {
            function.invoke(payload);
          } catch (Throwable t) {
            LOG.log(Level.WARNING, "Async invoke of " + function.name() + " failed: " + t, t);
          }
        });
        record.accept(action, 202);
        exchange.sendResponseHeaders(202, -1);
      }
      default -> {
        byte[] output;
        try {
          output = function.invoke(payload);
        } catch (Throwable t) {
          // as Lambda reports an unhandled error: 200, X-Amz-Function-Error, and errorType naming the class
          LOG.log(Level.INFO, "Function " + function.name() + " failed: " + t);
          LOG.log(Level.DEBUG, "Function " + function.name() + " stack trace", t);
          ObjectNode error = JSON.createObjectNode();
          error.put("errorMessage", t.getMessage());
          error.put("errorType", t.getClass().getName());
          error.putArray("stackTrace");
          headers.set("X-Amz-Function-Error", "Unhandled");
          record.accept(action, 200);
          Gateway.sendBytes(exchange, 200, "application/json", JSON.writeValueAsBytes(error));
          return;
        }
        record.accept(action, 200);
        Gateway.sendBytes(exchange, 200, "application/json", output == null ? new byte[0] : output);
      }
    }
  }

  private static int sendLambdaError(HttpExchange exchange, int status, String type, String message)
      throws IOException {
    Gateway.sendJson(exchange, status, Map.of("x-amzn-ErrorType", type),
        Map.of("Type", "User", "message", message));
    return status;
  }
}
