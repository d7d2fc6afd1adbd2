package ai.sentinel.dr.errors;

import ai.sentinel.dr.common.Json;
import com.fasterxml.jackson.databind.JsonNode;

/** How an error caught by the state machine reads in notifications and reports. */
public final class ErrorCauses {
  private ErrorCauses() {}

  /**
   * One line for a human: the error's short name and the message a step threw. A Catch's Cause is Lambda's error
   * JSON ({"errorMessage", "errorType", ...}) when a step threw; only its errorMessage matters to the reader.
   */
  public static String describe(JsonNode error) {
    if (error == null || error.isNull() || error.isMissingNode()) {
      return null;
    }
    if (error.isTextual()) {
      return error.asText();
    }
    String type = simpleName(error.path("Error").asText(""));
    String cause = error.path("Cause").asText("");
    try {
      JsonNode parsed = Json.MAPPER.readTree(cause);
      if (parsed != null && parsed.hasNonNull("errorMessage")) {
        cause = parsed.get("errorMessage").asText();
      }
    } catch (Exception e) {
      // not JSON: keep the text as it is
    }
    cause = cause.replaceAll("[\\r\\n]+", " ").trim();
    if (type.isEmpty()) {
      return cause.isEmpty() ? "unknown error" : cause;
    }
    return cause.isEmpty() ? type : type + ": " + cause;
  }

  /** The short name: States.* errors as they are, Java exceptions without their package. */
  public static String simpleName(String type) {
    int cut = Math.max(type.lastIndexOf('.'), type.lastIndexOf('$'));
    // keep the States. prefix of the state machine's own errors (States.Timeout), drop Java packages
    return type.startsWith("States.") ? type : type.substring(cut + 1);
  }
}
