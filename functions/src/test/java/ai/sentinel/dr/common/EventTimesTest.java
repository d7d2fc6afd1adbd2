package ai.sentinel.dr.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every spelling a signal or an execution uses for the same moment parses to the same instant. */
class EventTimesTest {
  private static final Instant T = Instant.parse("2026-01-17T10:02:11.482Z");

  @Test
  void everyKnownSpellingOfOneMomentIsTheSameInstant() {
    assertEquals(T, EventTimes.parse("2026-01-17T10:02:11.482Z"), "EventBridge");
    assertEquals(T, EventTimes.parse("2026-01-17T10:02:11.482+0000"), "alarm state timestamp");
    assertEquals(T, EventTimes.parse("2026-01-17T12:02:11.482+02:00"), "ISO offset");
    assertEquals(T, EventTimes.parse("2026-01-17 10:02:11.482+00:00"), "Python isoformat with a space (moto)");
    assertEquals(T, EventTimes.parse("2026-01-17 10:02:11.482"), "RDS notification via SNS, UTC");
    assertEquals(T, EventTimes.parse("  2026-01-17T10:02:11.482Z "), "surrounding blanks");
  }

  @Test
  void unknownOrAmbiguousTextIsNoTime() {
    assertNull(EventTimes.parse(null));
    assertNull(EventTimes.parse(" "));
    assertNull(EventTimes.parse("yesterday"));
    assertNull(EventTimes.parse("2026-01-17T10:02:11"), "an ISO local time names no zone");
    assertEquals("yesterday", EventTimes.normalize("yesterday"), "kept as is: still a stable dedup key");
    assertEquals("2026-01-17T10:02:11.482Z", EventTimes.normalize("2026-01-17 10:02:11.482"));
  }
}
