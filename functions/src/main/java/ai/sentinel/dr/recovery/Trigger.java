package ai.sentinel.dr.recovery;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What started a recovery.
 *
 * @param kind    alarm, rds-event, manual, ...
 * @param source  the envelope it came in: eventbridge, sns, manual
 * @param id      the signal's own id (alarm name, RDS event id, request id)
 * @param time    when the signal was raised (ISO-8601), the start of "time to detection"
 * @param summary one human line: what was observed
 * @param detail  what the scenario's first step needs from the signal and cannot read back from AWS (a GuardDuty
 *                finding, the indicators of a manual invoke), as its signal rules shaped it; null for most signals
 */
public record Trigger(String kind, String source, String id, String time, String summary, JsonNode detail) {

  @JsonCreator
  public Trigger {}

  /** A trigger without detail: the scenario reads what it needs from AWS. */
  public Trigger(String kind, String source, String id, String time, String summary) {
    this(kind, source, id, time, summary, null);
  }
}
