package ai.sentinel.dr.recovery;

/**
 * What started a recovery.
 *
 * @param kind    alarm, rds-event, manual, ...
 * @param source  the envelope it came in: eventbridge, sns, manual
 * @param id      the signal's own id (alarm name, RDS event id, request id)
 * @param time    when the signal was raised (ISO-8601), the start of "time to detection"
 * @param summary one human line: what was observed
 */
public record Trigger(String kind, String source, String id, String time, String summary) {}
