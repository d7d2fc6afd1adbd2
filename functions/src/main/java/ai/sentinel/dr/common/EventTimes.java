package ai.sentinel.dr.common;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * The one parser of the timestamps events and executions carry, in every spelling seen: ISO instants (EventBridge),
 * ISO offsets, also with a space for the 'T' (Python's isoformat, e.g. moto's execution start times), "+0000"
 * offsets without a colon (alarm state timestamps, in EventBridge and SNS alike) and "2026-01-17 10:00:00.123" in
 * UTC (RDS notifications via SNS). Triggers normalise with it (the same signal delivered two ways gets the same
 * dedup key) and reports measure with it.
 */
public final class EventTimes {
  private static final DateTimeFormatter OFFSET_NO_COLON = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd'T'HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .appendPattern("xx").toFormatter();
  private static final DateTimeFormatter LOCAL_UTC = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd'T'HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter();

  private EventTimes() {}

  /** The instant, or null when the text is null, blank or none of the known spellings. */
  public static Instant parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.trim();
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException ignored) {
      // try the other spellings
    }
    // "2026-01-17 10:00:00..." -> "2026-01-17T10:00:00..."
    String iso = t.replaceFirst("^(\\d{4}-\\d{2}-\\d{2}) ", "$1T");
    try {
      return OffsetDateTime.parse(iso).toInstant();
    } catch (DateTimeParseException ignored) {
      // next
    }
    try {
      return OffsetDateTime.parse(iso, OFFSET_NO_COLON).toInstant();
    } catch (DateTimeParseException ignored) {
      // next
    }
    if (iso.equals(t)) {
      // a local time is UTC only in the space-separated spelling RDS uses; an ISO one without offset is ambiguous
      return null;
    }
    try {
      return LocalDateTime.parse(iso, LOCAL_UTC).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException ignored) {
      return null;
    }
  }

  /**
   * Why a signal of time {@code at} is too old or too far ahead to act on at {@code now}, or null when it is fresh:
   * "2026-01-14T10:00:00Z is 3 days old (more than 60 min)".
   *
   * @param maxAge    the oldest a signal may be
   * @param maxFuture how far ahead of {@code now} a signal may be dated (clock skew)
   */
  public static String ageProblem(Instant at, Instant now, Duration maxAge, Duration maxFuture) {
    Duration age = Duration.between(at, now);
    if (age.compareTo(maxAge) > 0) {
      return at + " is " + describe(age) + " old (more than " + describe(maxAge) + ")";
    }
    if (age.negated().compareTo(maxFuture) > 0) {
      return at + " is " + describe(age.negated()) + " in the future (more than " + describe(maxFuture) + " ahead)";
    }
    return null;
  }

  /** "45 min", "5 h", "3 days": a duration as a person reads it, rounded down. */
  public static String describe(Duration d) {
    if (d.toMinutes() < 120) {
      return d.toMinutes() + " min";
    }
    if (d.toHours() < 48) {
      return d.toHours() + " h";
    }
    return d.toDays() + " days";
  }

  /** ISO-8601 form when parseable, else the text unchanged (still stable for dedup). */
  public static String normalize(String text) {
    Instant instant = parse(text);
    return instant == null ? text : instant.toString();
  }
}
