package ai.sentinel.dr.recovery;

/**
 * One line of a recovery's timeline, which also serves as its audit record.
 *
 * @param at     ISO-8601 time
 * @param step   runbook step name, e.g. RestoreFromSnapshot
 * @param event  what happened: started, decided, requested, skipped, waiting, done, failed, planned
 * @param detail human-readable specifics (never a secret value)
 */
public record TimelineEntry(String at, String step, String event, String detail) {}
