package ai.sentinel.dr.recovery;

/**
 * A mutating AWS call a dry-run recorded instead of sending.
 *
 * @param step     runbook step that would send it
 * @param service  AWS service, e.g. rds
 * @param api      operation, e.g. RestoreDBInstanceFromDBSnapshot
 * @param target   resource it acts on
 * @param request  the request as the SDK prints it (sensitive fields redacted by the SDK)
 */
public record PlannedCall(String step, String service, String api, String target, String request) {}
