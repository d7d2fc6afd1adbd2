package ai.sentinel.dr.database;

import static ai.sentinel.dr.report.IncidentReports.oneLine;

import ai.sentinel.dr.database.DatabaseState.Diagnosis;
import ai.sentinel.dr.database.DatabaseState.RdsEvent;
import java.util.Comparator;
import java.util.Map;

/**
 * The underlying cause of a database failure as Diagnose saw it: whether the instance exists, its status, its
 * Multi-AZ standby and the newest RDS event (runbook Scenario 1 "Diagnosis").
 */
final class DatabaseCauses {
  /** RDS instance statuses that name their own cause. */
  private static final Map<String, String> STATUSES = Map.of(
      "failed", "RDS reported the instance 'failed': a storage or host failure RDS could not repair in place",
      "storage-full", "the instance ran out of storage ('storage-full')",
      "incompatible-network", "the instance's network became unusable ('incompatible-network': its subnet group or "
          + "subnets changed)",
      "incompatible-parameters", "the instance's parameter group prevents it from starting ('incompatible-parameters')",
      "incompatible-restore", "the instance could not be restored ('incompatible-restore')",
      "inaccessible-encryption-credentials", "the KMS key of the instance's storage is disabled or not accessible",
      "stopped", "the instance was stopped");

  private DatabaseCauses() {}

  /** One or two sentences without the final period, or null when nothing was diagnosed. */
  static String of(Diagnosis d, String instance) {
    if (d == null) {
      return null;
    }
    String cause;
    String status = d.status() == null ? "" : d.status();
    if (!d.instanceFound()) {
      cause = "the primary instance " + instance + " no longer exists (DBInstanceNotFound): deleted or lost with its "
          + "storage, so its data had to come from a backup";
    } else if (STATUSES.containsKey(status)) {
      cause = STATUSES.get(status);
    } else if (d.multiAz() && ("rebooting".equals(status) || "failing-over".equals(status)
        || "modifying".equals(status))) {
      cause = "the primary of " + instance + " in " + (d.availabilityZone() == null ? "its zone" : d.availabilityZone())
          + " failed and RDS failed over to the Multi-AZ standby"
          + (d.secondaryZone() == null ? "" : " in " + d.secondaryZone());
    } else if ("available".equals(status)) {
      cause = instance + " was available" + (d.connectionsAverage() == null ? "" : " with "
          + Math.round(d.connectionsAverage()) + " connection(s) on average")
          + ": the clients could not reach it (network, security group or credentials), not the database itself";
    } else {
      cause = instance + " was '" + status + "' when diagnosed";
    }
    RdsEvent last = d.recentEvents() == null ? null : d.recentEvents().stream()
        .filter(e -> e != null && e.message() != null)
        .max(Comparator.comparing(e -> e.date() == null ? "" : e.date())).orElse(null);
    return last == null ? cause : cause + "; newest RDS event" + (last.date() == null ? "" : " (" + last.date() + ")")
        + ": " + oneLine(last.message());
  }
}
