package ai.sentinel.dr.common;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Structured logs: one JSON line per event, carrying the execution name as correlation id. Values passed here must
 * never be secrets; callers log identifiers, never secret strings or connection URLs with passwords.
 */
public final class Log {
  private static volatile Consumer<String> sink = System.out::println;

  private Log() {}

  /** Local runs send handler logs to a file instead of the terminal. */
  public static void setSink(Consumer<String> newSink) {
    sink = newSink;
  }

  public static void info(String correlationId, String event, Map<String, ?> fields) {
    emit("INFO", correlationId, event, fields);
  }

  public static void warn(String correlationId, String event, Map<String, ?> fields) {
    emit("WARN", correlationId, event, fields);
  }

  public static void error(String correlationId, String event, Map<String, ?> fields) {
    emit("ERROR", correlationId, event, fields);
  }

  private static void emit(String level, String correlationId, String event, Map<String, ?> fields) {
    ObjectNode line = Json.object();
    line.put("timestamp", Instant.now().toString());
    line.put("level", level);
    line.put("correlationId", correlationId == null ? "-" : correlationId);
    line.put("event", event);
    fields.forEach((k, v) -> line.set(k, Json.MAPPER.valueToTree(v)));
    sink.accept(line.toString());
  }
}
