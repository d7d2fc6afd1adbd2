package ai.sentinel.dr.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configured Jackson mapper for the whole project (building mappers is slow; share it), and the one reader of
 * untrusted JSON. Every read refuses a key given twice and content after the document: parsers disagree on which
 * duplicate wins and where a document ends, so such input has no single meaning and must not be acted on.
 */
public final class Json {
  /** Tolerant of unknown fields (later steps may add fields older code does not know), strict about ambiguity. */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();

  /** Reads one value and stops, so {@link #parse} can tell trailing content from a malformed document. */
  private static final ObjectReader ONE_VALUE = MAPPER.reader()
      .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:field|Object property) '(.*)'",
      Pattern.DOTALL);
  /** Reasons quote at most this much of a hostile key, or of a parser message that quotes a token. */
  private static final int KEY_QUOTE = 60;
  private static final int MESSAGE_QUOTE = 200;

  private Json() {}

  /** Why untrusted input is not one unambiguous JSON document; the message is short and safe to echo. */
  public static final class Invalid extends IllegalArgumentException {
    /** What is wrong: callers decide per kind (a plain-text SNS message is not JSON at all, say). */
    public enum Kind { MALFORMED, DUPLICATE_KEY, TRAILING_CONTENT }

    private final Kind kind;

    Invalid(Kind kind, String message) {
      super(message);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }

  /**
   * Reads untrusted input: exactly one JSON value (surrounding whitespace allowed), every key at most once per object.
   *
   * @throws Invalid with a reason naming the duplicate key or where the trailing content starts
   */
  public static JsonNode parse(byte[] json) {
    try (JsonParser p = MAPPER.createParser(json)) {
      JsonNode root = readOne(p);
      JsonLocation end = p.currentLocation();
      boolean more;
      try {
        more = p.nextToken() != null;
      } catch (JsonProcessingException e) {
        more = true; // unparseable bytes after a complete value are trailing content all the same
      }
      if (more) {
        if (!root.isContainerNode()) {
          // "2 alarms fired" is text that starts with a number, not a JSON document with something after it
          throw new Invalid(Invalid.Kind.MALFORMED, "malformed JSON: text, not a JSON document");
        }
        throw new Invalid(Invalid.Kind.TRAILING_CONTENT, "trailing content after the JSON document (" + at(end)
            + "): send exactly one JSON document");
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory input: not reached
    }
  }

  public static JsonNode parse(String json) {
    return parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode readOne(JsonParser p) {
    try {
      JsonNode root = ONE_VALUE.readTree(p);
      if (root == null || root.isMissingNode()) {
        throw new Invalid(Invalid.Kind.MALFORMED, "malformed JSON: no JSON value");
      }
      return root;
    } catch (JsonProcessingException e) {
      Matcher dup = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
      if (dup.matches()) {
        throw new Invalid(Invalid.Kind.DUPLICATE_KEY, "duplicate key '" + quote(dup.group(1), KEY_QUOTE) + "' ("
            + at(e.getLocation()) + "): a key given twice has no single meaning");
      }
      throw new Invalid(Invalid.Kind.MALFORMED, "malformed JSON: " + quote(String.valueOf(e.getOriginalMessage()),
          MESSAGE_QUOTE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String at(JsonLocation location) {
    return location == null ? "position unknown" : "line " + location.getLineNr() + ", column "
        + location.getColumnNr();
  }

  private static String quote(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T> T read(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T> T convert(Object value, Class<T> type) {
    return MAPPER.convertValue(value, type);
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }
}
