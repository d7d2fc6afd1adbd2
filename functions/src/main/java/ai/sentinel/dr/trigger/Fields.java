package ai.sentinel.dr.trigger;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed reads of payload fields for the classifier and the scenarios' signal rules: a missing or mistyped field
 * becomes a {@link BadInput} (a rejection naming the field), never a NullPointerException or a silently coerced value.
 */
public final class Fields {
  private Fields() {}

  public static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new BadInput("missing field '" + field + "'");
    }
    if (!v.isTextual()) {
      throw new BadInput("field '" + field + "' must be a string, got " + v.getNodeType().toString().toLowerCase());
    }
    return v.asText();
  }

  public static String optionalText(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new BadInput("field '" + field + "' must be a string, got " + v.getNodeType().toString().toLowerCase());
    }
    return v.asText();
  }

  /** A string value if there is one, else null: for values that only ever identify (dimensions, ids in a message). */
  public static String textOrNull(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  public static JsonNode object(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isObject()) {
      throw new BadInput("field '" + field + "' must be an object");
    }
    return v;
  }

  public static boolean bool(JsonNode node, String field, boolean dflt) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw new BadInput("field '" + field + "' must be true or false, got " + quote(v));
    }
    return v.booleanValue();
  }

  public static int integer(JsonNode node, String field, int dflt, int min, int max) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
      throw new BadInput("field '" + field + "' must be a whole number from " + min + " to " + max + ", got "
          + quote(v));
    }
    return v.intValue();
  }

  public static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  /** How much of an offending value a reason or a log line quotes. */
  public static final int QUOTE_CHARS = 64;
  /** The longest reason a classification gives; beyond it the reason itself is cut ({@link #capReason}). */
  public static final int MAX_REASON_CHARS = 1024;

  /**
   * An input value as reasons and log lines may quote it: whole when short, else its first {@value #QUOTE_CHARS}
   * characters and its size ("abc… (204800 bytes)"), so a 200 KB value is never echoed whole.
   */
  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    if (value.length() <= QUOTE_CHARS) {
      return value;
    }
    int bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    return value.substring(0, QUOTE_CHARS) + "\u2026 (" + bytes + " bytes)";
  }

  /** The longest dedup key answered and logged as it is. */
  public static final int MAX_KEY_CHARS = 256;

  /**
   * A dedup key built from input (an alarm name, an event id), bounded for answers and log lines: beyond
   * {@value #MAX_KEY_CHARS} characters, its start and a hash of the whole, so it still identifies the signal.
   */
  public static String boundedKey(String key) {
    if (key == null || key.length() <= MAX_KEY_CHARS) {
      return key;
    }
    return key.substring(0, QUOTE_CHARS) + "\u2026#" + ExecutionNames.hash(key) + " (" + key.length() + " characters)";
  }

  /** A JSON value quoted as {@link #quote} does (its JSON text for non-strings). */
  public static String quote(JsonNode value) {
    return value == null ? "null" : quote(value.isTextual() ? value.asText() : value.toString());
  }

  /**
   * The last line of defence for reasons built from input (a parser's message, a list of names): at most
   * {@value #MAX_REASON_CHARS} characters, then the size of the whole.
   */
  public static String capReason(String reason) {
    if (reason == null || reason.length() <= MAX_REASON_CHARS) {
      return reason;
    }
    return reason.substring(0, MAX_REASON_CHARS) + "\u2026 (reason cut: " + reason.length() + " characters)";
  }

  /** The first argument that is not null or blank, else null. */
  public static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  /** Bad input: becomes a reject with this message; nothing is touched. */
  public static final class BadInput extends RuntimeException {
    public BadInput(String message) {
      super(message);
    }
  }
}
