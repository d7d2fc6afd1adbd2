package ai.sentinel.dr.drill;

import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.localcloud.CallRecord;
import ai.sentinel.dr.recovery.Health;
import ai.sentinel.dr.recovery.Recovery;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * What {@code ./sentinel drill SCENARIO --healthy} checks, on the cloud and not only in the document: the signal
 * arrived for a resource that stayed healthy, and the recovery ended in the state NoAction with a HEALTHY diagnosis and
 * its evidence, no mutating call reached the platform (the gateway's call log), the attempt counted at start was given
 * back (the budget items before and after are equal), and the report says "no action" with the evidence.
 */
final class NoActionCheck {
  /** The platform's services: any mutating call to one of them is a change a healthy resource must not see. */
  private static final List<String> PLATFORM = List.of("rds", "secretsmanager", "ecs", "elasticache",
      "elasticloadbalancing", "ec2");

  private NoActionCheck() {}

  /**
   * The attempt budget as the lock table holds it: attempts item to the starts it counts (an item that counts none is
   * the same as no item: a refunded start leaves an empty one).
   */
  static Map<String, Integer> budget(LocalSentinel sentinel) {
    Map<String, Integer> out = new TreeMap<>();
    for (Map<String, AttributeValue> item : sentinel.aws.dynamoDb.scan(b -> b.tableName(sentinel.config
        .requireLockTable())).items()) {
      String key = item.get("pk").s();
      if (key.startsWith("attempts#")) {
        int starts = item.containsKey("starts") ? item.get("starts").m().size() : 0;
        if (starts > 0) {
          out.put(key, starts);
        }
      }
    }
    return out;
  }

  static boolean judge(LocalSentinel sentinel, DescribeExecutionResponse done, Recovery recovery,
      Map<String, Integer> budgetBefore, String report, PrintStream out) {
    List<HistoryEvent> history = sentinel.aws.sfn.getExecutionHistory(b -> b.executionArn(done.executionArn())
        .maxResults(1000)).events();
    boolean noAction = history.stream().anyMatch(e -> e.stateEnteredEventDetails() != null
        && RecoveryStateMachine.NO_ACTION.equals(e.stateEnteredEventDetails().name()));
    Health health = recovery == null ? null : recovery.diagnosis();
    boolean healthy = health != null && health.verdict() == Health.Verdict.HEALTHY && !health.act()
        && !health.evidence().isEmpty();
    out.println("diagnosis: " + (health == null ? "none" : health.verdict() + " - " + health.reason()));
    if (health != null) {
      health.evidence().forEach(e -> out.println("  evidence: " + e));
    }
    List<CallRecord> calls = sentinel.cloud.calls();
    List<CallRecord> mutating = calls.stream()
        .filter(c -> c.mutating() && c.applied() && PLATFORM.contains(c.service())).toList();
    long lockWrites = calls.stream().filter(c -> c.mutating() && c.applied() && "dynamodb".equals(c.service()))
        .count();
    out.println("mutating calls to RDS, ElastiCache, Secrets Manager, ECS, ELB or EC2: " + mutating.size()
        + (mutating.isEmpty() ? "" : " " + mutating.stream().map(c -> c.service() + ":" + c.action()).toList())
        + " (a healthy resource must see none); lock table writes: " + lockWrites
        + " (lock taken and released, attempt counted and given back)");
    Map<String, Integer> budgetAfter = budget(sentinel);
    boolean refunded = recovery != null && recovery.timeline().stream().anyMatch(e -> "refunded".equals(e.event())
        && e.detail().contains("given back"));
    boolean budget = budgetBefore.equals(budgetAfter) && refunded;
    out.println("attempt budget: before " + budgetBefore + ", after " + budgetAfter
        + (refunded ? " (the attempt counted at start was given back)" : " (NO attempt given back)"));
    boolean reported = report != null && report.contains("no action: healthy") && report.contains("Evidence:");
    out.println("report: " + (reported ? "says no action, healthy, with the evidence" : "does NOT say no action "
        + "with the evidence"));
    boolean passed = done.status() == ExecutionStatus.SUCCEEDED && noAction && healthy && mutating.isEmpty()
        && budget && reported;
    out.println(passed ? "NO ACTION: healthy, nothing changed, attempt budget unchanged"
        : "FAILED: execution " + done.status() + ", state NoAction " + (noAction ? "reached" : "NOT reached")
            + ", diagnosis " + (healthy ? "HEALTHY" : "NOT healthy") + ", " + mutating.size() + " change(s), budget "
            + (budget ? "unchanged" : "CHANGED") + ", report " + (reported ? "ok" : "NOT ok"));
    return passed;
  }
}
