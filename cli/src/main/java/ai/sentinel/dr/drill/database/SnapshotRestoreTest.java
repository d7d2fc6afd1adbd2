package ai.sentinel.dr.drill.database;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.database.DatabaseState;
import ai.sentinel.dr.drill.DrillScenario;
import ai.sentinel.dr.drill.ExecutionWatcher;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.localcloud.CallRecord;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.trigger.ManualResponder;
import ai.sentinel.dr.database.DatabaseRestoreTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/**
 * The Testing Schedule's monthly "Database snapshot restore" test: nothing fails. The schedule's payload reaches the
 * manual responder (as the EventBridge rule sends it), the test restores the latest snapshot of the database into the
 * scratch instance, SELECT 1 with the production credentials, measures RTO and RPO against "Database Failure
 * (Complete)" and deletes the scratch instance. The drill passes only when the scratch instance is gone afterwards
 * and production (the database, its secret, the services) is exactly as it was.
 */
public final class SnapshotRestoreTest implements DrillScenario {
  /** The mutating RDS calls a whole test makes: one restore into the scratch instance, one delete of it. */
  static final List<String> RDS_MUTATIONS = List.of("DeleteDBInstance", "RestoreDBInstanceFromDBSnapshot");
  /** The Catch path's state that runs DeleteScratchInstance (infra DatabaseRestoreTest). */
  static final String CLEAN_UP = "CleanUpScratchInstance";

  /** Production as the test found it (never printed: it holds the secret's value). */
  private Map<String, String> baseline;

  @Override
  public String id() {
    return DatabaseRestoreTest.ID;
  }

  @Override
  public void describe(LocalSentinel sentinel, PrintStream out) {
    String db = DatabaseSettings.of(sentinel.config).instanceId();
    out.println("seeded: " + db + " (postgres, Multi-AZ, healthy) endpoint "
        + sentinel.part(DatabaseSeed.class).endpoint() + "; snapshots "
        + sentinel.aws.rds.describeDBSnapshots(b -> b.dbInstanceIdentifier(db)).dbSnapshots().stream()
        .map(s -> s.dbSnapshotIdentifier() + " [" + s.snapshotType() + "]").toList());
    out.println("scratch instance: " + DatabaseSettings.of(sentinel.config).drillInstanceId()
        + " (restored, verified, then deleted; "
        + "production, " + DatabaseSettings.of(sentinel.config).secretId() + " and "
            + EcsSettings.of(sentinel.config).services()
        + " must stay untouched)");
    out.println("verify: SELECT 1 " + (sentinel.part(DatabaseSeed.class).reachable()
        ? "against a local PostgreSQL standing in for the scratch instance"
        : "SKIPPED (no PostgreSQL server installed: apt-get install -y postgresql)"));
  }

  /** Nothing fails in a scheduled test; what production looks like now is what it must look like afterwards. */
  @Override
  public void inject(LocalSentinel sentinel, PrintStream out) {
    baseline = production(sentinel);
    out.println("inject: nothing (a scheduled test runs against a healthy platform; production noted to compare "
        + "afterwards)");
  }

  /** The Testing Schedule's payload, as its EventBridge rule hands it to the manual responder. */
  @Override
  public Signal signal(LocalSentinel sentinel) {
    ObjectNode payload = Json.object();
    payload.put("runbook", DatabaseRestoreTest.ID);
    payload.put("drill", true);
    payload.put("requestId", UUID.randomUUID().toString());
    payload.put("reason", "scheduled by the runbook's Testing Schedule at "
        + Instant.now().truncatedTo(ChronoUnit.SECONDS));
    return new Signal(sentinel.deployment.functionFor(ManualResponder.class), Json.bytes(payload),
        "Testing Schedule payload " + Json.write(payload));
  }

  /** The test has no approval gate: it changes nothing a human would have to approve. */
  @Override
  public String gatedStep() {
    return null;
  }

  @Override
  public Guard guard(LocalSentinel sentinel) {
    return new Guard("production (" + DatabaseSettings.of(sentinel.config).instanceId() + ", "
        + DatabaseSettings.of(sentinel.config).secretId() + ", "
        + EcsSettings.of(sentinel.config).services() + ")", () -> production(sentinel).toString());
  }

  /** The scratch instance is gone (or going) and production is as the test found it. */
  @Override
  public boolean confirm(LocalSentinel sentinel, Recovery recovery, PrintStream out) {
    DatabaseState db = recovery.part(DatabaseState.PART);
    DatabaseState.Restore restore = db == null ? null : db.restore();
    if (restore != null) {
      out.println("restored " + restore.targetInstanceId() + " from " + restore.sourceSnapshotId() + " taken "
          + restore.snapshotTime());
    }
    recovery.timeline().stream().filter(e -> "DeleteScratchInstance".equals(e.step()))
        .forEach(e -> out.println("cleanup: " + e.event() + ": " + e.detail()));
    String scratch = scratchStatus(sentinel);
    boolean deleted = scratch.equals("gone") || scratch.equals("deleting");
    out.println("scratch instance " + DatabaseSettings.of(sentinel.config).drillInstanceId() + ": " + scratch
        + (deleted ? "" : " (NOT deleted)"));
    // both checks run (non-short-circuit): the production line is printed either way
    return deleted & productionUntouched(sentinel, baseline, out);
  }

  /** A failed test must still have deleted its scratch instance (the Catch path's cleanup) and changed nothing. */
  @Override
  public void explainFailure(LocalSentinel sentinel, DescribeExecutionResponse execution, PrintStream out) {
    // the cleanup's own account of what it did, from its output in the history (a failed execution has no output)
    ExecutionWatcher.history(sentinel.aws.sfn, execution.executionArn()).stream()
        .filter(e -> e.stateExitedEventDetails() != null && CLEAN_UP.equals(e.stateExitedEventDetails().name()))
        .map(e -> Json.tree(e.stateExitedEventDetails().output()).path("timeline"))
        .reduce((first, last) -> last)
        .ifPresentOrElse(timeline -> timeline.forEach(e -> {
          if ("DeleteScratchInstance".equals(e.path("step").asText())) {
            out.println("cleanup: " + e.path("event").asText() + ": " + e.path("detail").asText());
          }
        }), () -> out.println("cleanup: " + CLEAN_UP + " did not finish"));
    String scratch = scratchStatus(sentinel);
    out.println("scratch instance " + DatabaseSettings.of(sentinel.config).drillInstanceId()
        + " after the failure: " + scratch
        + (scratch.equals("gone") || scratch.equals("deleting") ? " (cleaned up)" : " (left in place)"));
    if (baseline != null) {
      productionUntouched(sentinel, baseline, out);
    }
  }

  @Override
  public String note() {
    return "the Testing Schedule's snapshot restore test: nothing fails, the scratch instance must be verified and "
        + "deleted, production left untouched";
  }

  @Override
  public String verdict(boolean passed) {
    return passed ? "RESTORE TEST PASSED: restored, VERIFIED and deleted" : "RESTORE TEST FAILED";
  }

  /** "gone", or the scratch instance's RDS status. */
  static String scratchStatus(LocalSentinel sentinel) {
    return instance(sentinel, DatabaseSettings.of(sentinel.config).drillInstanceId())
        .map(DBInstance::dbInstanceStatus).orElse("gone");
  }

  static Optional<DBInstance> instance(LocalSentinel sentinel, String id) {
    try {
      return sentinel.aws.rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances().stream()
          .findFirst();
    } catch (DbInstanceNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * Compares production with how the test found it, and reads the local cloud's call log (cleared before the signal):
   * no call changed a secret or an ECS service, and RDS saw nothing but the scratch instance's restore and delete.
   * Prints one line with what it found, never a secret.
   */
  static boolean productionUntouched(LocalSentinel sentinel, Map<String, String> before, PrintStream out) {
    Map<String, String> now = production(sentinel);
    List<String> changed = now.keySet().stream().filter(k -> !now.get(k).equals(before.get(k))).toList();
    List<CallRecord> mutating = sentinel.cloud.calls().stream().filter(c -> c.mutating() && c.succeeded()).toList();
    Map<String, Long> forbidden = mutating.stream()
        .filter(c -> c.service().equals("secretsmanager") || c.service().equals("ecs")
            || c.service().equals("rds") && !RDS_MUTATIONS.contains(c.action()))
        .collect(Collectors.groupingBy(c -> c.service() + ":" + c.action(), TreeMap::new, Collectors.counting()));
    Map<String, Long> rds = mutating.stream().filter(c -> c.service().equals("rds"))
        .collect(Collectors.groupingBy(CallRecord::action, TreeMap::new, Collectors.counting()));
    boolean untouched = changed.isEmpty() && forbidden.isEmpty() && rds.values().stream().allMatch(n -> n <= 1);
    out.println("production: " + (changed.isEmpty() ? "unchanged (" + String.join(", ", now.keySet()) + ")"
        : "CHANGED: " + changed) + "; calls to Secrets Manager or ECS that change something: "
        + (forbidden.isEmpty() ? "none" : forbidden) + "; RDS changes: " + rds);
    return untouched;
  }

  /**
   * What the test must not change, by what it is: the database's status, endpoint and settings, the secret's value,
   * each service's task definition, desired count and primary deployment. Values may hold the secret: never print.
   */
  static Map<String, String> production(LocalSentinel sentinel) {
    Map<String, String> state = new LinkedHashMap<>();
    String db = DatabaseSettings.of(sentinel.config).instanceId();
    state.put(db, instance(sentinel, db).map(i -> i.dbInstanceStatus() + " " + (i.endpoint() == null ? null
        : i.endpoint().address()) + " " + i.dbInstanceClass() + " multiAZ=" + i.multiAZ() + " "
        + i.vpcSecurityGroups().stream().map(g -> g.vpcSecurityGroupId()).sorted().toList() + " "
        + i.tagList().stream().map(t -> t.key() + "=" + t.value()).sorted().toList()).orElse("gone"));
    String secret = DatabaseSettings.of(sentinel.config).secretId();
    state.put(secret, sentinel.aws.secrets.getSecretValue(b -> b.secretId(secret)).secretString());
    List<Service> services = sentinel.aws.ecs.describeServices(b -> b.cluster(EcsSettings.of(sentinel.config).cluster())
        .services(EcsSettings.of(sentinel.config).services())).services();
    for (Service s : services) {
      state.put(s.serviceName(), s.taskDefinition() + " desired " + s.desiredCount() + " primary "
          + s.deployments().stream().filter(d -> "PRIMARY".equals(d.status())).map(Deployment::id).toList());
    }
    return state;
  }
}
