package ai.sentinel.dr.database;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;

/**
 * Testing Schedule, "Database snapshot restore": deletes the scratch instance, on success and on failure alike (the
 * state machine's Catch runs it before telling the on-call), so a failed test leaves nothing running. Only an
 * instance this very test created (execution and scratch tags) is deleted; anything else of that name is left for a
 * human and said so. Safe to run twice: missing or already deleting is done.
 */
public final class DeleteScratchInstance extends Step {
  private final RdsClient rds;

  public DeleteScratchInstance() {
    this(Deps.fromProcessEnv());
  }

  public DeleteScratchInstance(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public DeleteScratchInstance(Deps deps) {
    super(deps);
    this.rds = deps.clients().rds();
  }

  @Override
  public String name() {
    return "DeleteScratchInstance";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String target = DatabaseSettings.of(deps.config()).drillInstanceId();
    Optional<DBInstance> found = RdsInstances.find(rds, target);
    if (found.isEmpty()) {
      return recovery.log(entry("cleaned-up", target + " does not exist: nothing to delete"));
    }
    DBInstance instance = found.get();
    String owner = RdsInstances.tag(instance, RdsInstances.EXECUTION_TAG);
    boolean scratch = "true".equals(RdsInstances.tag(instance, RestoreScratchInstance.SCRATCH_TAG));
    if (!scratch || !recovery.executionName().equals(owner)) {
      // never delete what this test did not create: it may be a human's copy or another run's evidence
      return recovery.log(entry("left", target + " was not created by this test (" + RdsInstances.EXECUTION_TAG
          + "=" + owner + ", scratch=" + scratch + "): left in place for a human to decide"));
    }
    if ("deleting".equals(instance.dbInstanceStatus())) {
      return recovery.log(entry("cleaned-up", target + " is already being deleted"));
    }
    DeleteDbInstanceRequest request = DeleteDbInstanceRequest.builder().dbInstanceIdentifier(target)
        .skipFinalSnapshot(true).deleteAutomatedBackups(true).build();
    Mutation<?> sent = mutate(recovery, "rds", "DeleteDBInstance", target, request,
        () -> rds.deleteDBInstance(request));
    boolean dry = recovery.dryRun();
    return sent.recovery().log(entry(dry ? "would-delete" : "cleaned-up", target
        + (dry ? " would be deleted" : " deletion requested (no final snapshot: it is a copy)")));
  }
}
