package ai.sentinel.dr.trigger;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * Event timestamps come in several spellings: ISO instants (EventBridge), "+0000" offsets without a colon (alarm
 * state timestamps, in EventBridge and SNS alike) and "2026-01-17 10:00:00.123" in UTC (RDS notifications via SNS).
 * Normalising them lets the same signal delivered two ways get the same dedup key.
 */
final class Times {
  private static final DateTimeFormatter OFFSET_NO_COLON = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd'T'HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .appendPattern("xx").toFormatter();
  private static final DateTimeFormatter SPACE_UTC = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter();

  private Times() {}

  /** The instant, or null when the text is none of the known spellings. */
  static Instant parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException ignored) {
      // try the other spellings
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException ignored) {
      // next
    }
    try {
      return OffsetDateTime.parse(text, OFFSET_NO_COLON).toInstant();
    } catch (DateTimeParseException ignored) {
      // next
    }
    try {
      return LocalDateTime.parse(text, SPACE_UTC).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException ignored) {
      return null;
    }
  }

  /** ISO-8601 form when parseable, else the text unchanged (still stable for dedup). */
  static String normalize(String text) {
    Instant instant = parse(text);
    return instant == null ? text : instant.toString();
  }
}
