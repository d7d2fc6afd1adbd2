package ai.sentinel.dr.recovery;

/**
 * Choices for one recovery, from the operator (manual invoke) or defaults.
 *
 * @param option       runbook option forced by the operator (A, B or C); null lets diagnosis decide
 * @param snapshotId   snapshot to restore, or "latest"
 * @param restoreTime  point-in-time restore target (ISO-8601), or "latest"
 * @param dryRun       record mutating calls instead of sending them
 * @param pollSeconds  Wait between status polls (read by the state machine's Wait states)
 * @param maxPolls     polls before a wait loop gives up
 */
public record Options(
    String option, String snapshotId, String restoreTime, boolean dryRun, int pollSeconds, int maxPolls) {}
