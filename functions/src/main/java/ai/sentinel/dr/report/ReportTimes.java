package ai.sentinel.dr.report;

import ai.sentinel.dr.common.EventTimes;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Lenient time parsing and the few time formats a report uses (all UTC). */
public final class ReportTimes {
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private ReportTimes() {}

  /** The instant, or null for null, blank or unparseable text (a report never fails on a bad time). */
  public static Instant parse(String text) {
    return EventTimes.parse(text);
  }

  /** Whole seconds from a to b; null when either is unknown or b is before a (clock skew, not a duration). */
  public static Long between(Instant a, Instant b) {
    if (a == null || b == null || b.isBefore(a)) {
      return null;
    }
    return Duration.between(a, b).getSeconds();
  }

  /** HH:MM (UTC), or --:-- when unknown. */
  public static String hhmm(Instant t) {
    return t == null ? "--:--" : HH_MM.format(t);
  }

  /** yyyy-MM-dd (UTC), or null. */
  public static String date(Instant t) {
    return t == null ? null : DATE.format(t);
  }

  /** yyyy-MM-dd HH:mm UTC, or null. */
  public static String dateTime(Instant t) {
    return t == null ? null : DATE_TIME.format(t);
  }

  /** ISO-8601, or null. */
  public static String iso(Instant t) {
    return t == null ? null : t.toString();
  }

  /** 1s, 6m 49s, 7h 02m 11s, 2d 03h 00m 00s. */
  public static String human(Long seconds) {
    if (seconds == null) {
      return null;
    }
    long s = seconds;
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m " + pad(s % 60) + "s";
    }
    if (s < 86400) {
      return s / 3600 + "h " + pad(s % 3600 / 60) + "m " + pad(s % 60) + "s";
    }
    return s / 86400 + "d " + pad(s % 86400 / 3600) + "h " + pad(s % 3600 / 60) + "m " + pad(s % 60) + "s";
  }

  private static String pad(long n) {
    return n < 10 ? "0" + n : Long.toString(n);
  }
}
