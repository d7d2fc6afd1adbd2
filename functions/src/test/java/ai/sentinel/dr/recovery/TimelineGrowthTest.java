package ai.sentinel.dr.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recovery document must stay far below Step Functions' 256 KB state limit however long a wait lasts. */
class TimelineGrowthTest {
  /** The largest maxPolls a manual payload may ask for. */
  private static final int MAX_POLLS = 1000;

  private static TimelineEntry at(int second, String step, String event, String detail) {
    return new TimelineEntry(java.time.Instant.ofEpochSecond(1_768_644_000L + second).toString(), step, event,
        detail);
  }

  @Test
  void aWaitOfTheLargestAllowedPollCountStaysSmall() {
    Recovery r = Fixtures.recovery(false).log(at(0, "RestoreFromSnapshot", "requested", "rds:Restore..."));
    for (int poll = 1; poll <= MAX_POLLS; poll++) {
      r = r.log(at(poll * 30, "WaitForInstance", Recovery.WAITING,
          "sentinel-db-recovery is 'creating' (poll " + poll + " of " + MAX_POLLS + ")"));
    }
    r = r.log(at(MAX_POLLS * 30 + 30, "WaitForInstance", "done", "available"));
    int bytes = Json.bytes(r).length;
    assertTrue(bytes < 16 * 1024, "document after " + MAX_POLLS + " polls: " + bytes + " bytes");
    List<TimelineEntry> waits = r.timeline().stream().filter(e -> e.event().equals(Recovery.WAITING)).toList();
    assertEquals(1, waits.size(), "one entry for the whole wait");
    assertEquals(at(30, "", "", "").at(), waits.get(0).at(), "when the wait began");
    assertTrue(waits.get(0).detail().contains("poll 1000 of 1000"), "the latest poll: " + waits.get(0).detail());
  }

  @Test
  void waitsOfDifferentStepsOrSeparatedByADecisionStaySeparate() {
    Recovery r = Fixtures.recovery(false)
        .log(at(0, "WaitForStability", Recovery.WAITING, "poll 1"))
        .log(at(1, "WaitForStability", Recovery.WAITING, "poll 2"))
        .log(at(2, "DeployPreviousVersion", "rolled-back", "9 -> 7"))
        .log(at(3, "WaitForStability", Recovery.WAITING, "poll 1"))
        .log(at(4, "WaitForServices", Recovery.WAITING, "poll 1"));
    assertEquals(List.of("WaitForStability/poll 2", "DeployPreviousVersion/9 -> 7", "WaitForStability/poll 1",
        "WaitForServices/poll 1"), r.timeline().stream().map(e -> e.step() + "/" + e.detail()).toList());
  }
}
