package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.corruption.CorruptionState.CleanInstance;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;

/**
 * Scenario 5, after a verified repair and resumed operations: deletes the clean instance when the environment says so
 * ({@code dataCorruption.deleteCleanInstance}, default true), and only an instance this recovery created and tagged;
 * otherwise it is kept and said so. With {@code keepCleanInstanceHours} its first call only records until when the
 * copy is kept ({@code $.corruption.clean.deleteAfter}); the state machine notifies, reports, waits until then and
 * calls it again to delete. The on-call may instead approve the repair with the choice {@value #DELETE_NOW}
 * ({@code ./sentinel approve TOKEN --choose delete-clean-copy}): the copy is then deleted as soon as live is verified,
 * without the retention (still only one this recovery created and tagged; an environment that never deletes keeps
 * it). A failed or rejected recovery never gets here: its clean copy is kept for a manual repair. Safe to run twice:
 * missing or already deleting is done.
 */
@UsesSettings({DataCorruptionSettings.class, DatabaseSettings.class})
public final class DeleteCleanInstance extends Step {
  /** The approval choice that deletes the clean copy once live is verified, without the retention. */
  public static final String DELETE_NOW = "delete-clean-copy";
  private final RdsClient rds;

  public DeleteCleanInstance() {
    this(Deps.fromProcessEnv());
  }

  public DeleteCleanInstance(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public DeleteCleanInstance(Deps deps) {
    super(deps);
    this.rds = deps.clients().rds();
  }

  @Override
  public String name() {
    return "DeleteCleanInstance";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    DataCorruptionSettings s = DataCorruptionSettings.of(deps.config());
    String target = DatabaseSettings.of(deps.config()).cleanInstanceId();
    CorruptionState state = recovery.part(CorruptionState.PART);
    CleanInstance clean = state == null ? null : state.clean();
    if (clean == null) {
      return recovery.log(entry("skipped", "no clean instance was restored: nothing to delete"));
    }
    boolean chosen = chosen(recovery);
    if (!s.deletesCleanInstance()) {
      return recovery.log(entry("kept", target + " kept (dataCorruption.deleteCleanInstance is false"
          + (chosen ? ", which the approval's " + DELETE_NOW + " does not override" : "") + "): delete it when no "
          + "longer needed"));
    }
    int hours = chosen ? 0 : s.keepHours();
    if (chosen && s.keepHours() > 0) {
      recovery = recovery.log(entry("retention-skipped", "the approval chose " + DELETE_NOW + " (" + approver(
          recovery) + "): not kept " + s.keepHours() + " hour(s) (keepCleanInstanceHours)"));
    }
    if (hours > 0 && !recovery.dryRun()) {
      // the retention: the state machine waits until deleteAfter (after Notify and Report) and calls again
      String after = clean.deleteAfter();
      if (after == null) {
        String until = Instant.now(deps.clock()).plus(Duration.ofHours(hours)).toString();
        return recovery.update(CorruptionState.PART, st -> st.withClean(clean.keptUntil(until)))
            .log(entry("kept", target + " kept until " + until + " (dataCorruption.keepCleanInstanceHours " + hours
                + "), then deleted"));
      }
      if (Instant.now(deps.clock()).isBefore(Instant.parse(after))) {
        return recovery.log(entry(Recovery.WAITING, target + " kept until " + after));
      }
    }
    if (recovery.dryRun()) {
      DeleteDbInstanceRequest request = request(target);
      Mutation<?> planned = mutate(recovery, "rds", "DeleteDBInstance", target, request,
          () -> rds.deleteDBInstance(request));
      return planned.recovery().log(entry("would-delete", target + " would be deleted" + (hours > 0 ? " "
          + hours + " hour(s) after the report (keepCleanInstanceHours)" : "")));
    }
    Optional<DBInstance> found = CleanInstances.find(rds, target);
    if (found.isEmpty()) {
      return recovery.update(CorruptionState.PART, st -> st.withClean(clean.markDeleted()))
          .log(entry("deleted", target + " does not exist: nothing to delete"));
    }
    DBInstance instance = found.get();
    if (!CleanInstances.createdBy(instance, recovery.executionName())) {
      return recovery.log(entry("left", target + " was not created by this recovery ("
          + CleanInstances.EXECUTION_TAG + "=" + CleanInstances.tag(instance, CleanInstances.EXECUTION_TAG)
          + "): left in place for a human to decide"));
    }
    if ("deleting".equals(instance.dbInstanceStatus())) {
      return recovery.update(CorruptionState.PART, st -> st.withClean(clean.markDeleted()))
          .log(entry("deleted", target + " is already being deleted"));
    }
    DeleteDbInstanceRequest request = request(target);
    Mutation<?> sent = mutate(recovery, "rds", "DeleteDBInstance", target, request,
        () -> rds.deleteDBInstance(request));
    return sent.recovery().update(CorruptionState.PART, st -> st.withClean(clean.markDeleted()))
        .log(entry("deleted", target + " deletion requested (no final snapshot: it is a copy of a backup)"));
  }

  /** Whether the approval that let the repair run chose {@link #DELETE_NOW}. */
  static boolean chosen(Recovery recovery) {
    JsonNode approval = recovery.approval();
    if (approval == null || !"approved".equals(approval.path("decision").asText("approved"))) {
      return false;
    }
    for (JsonNode choice : approval.path("choices")) {
      if (DELETE_NOW.equals(choice.asText())) {
        return true;
      }
    }
    return false;
  }

  private static String approver(Recovery recovery) {
    return "by " + recovery.approval().path("by").asText("unknown") + " at " + recovery.approval().path("at")
        .asText("?");
  }

  private static DeleteDbInstanceRequest request(String target) {
    return DeleteDbInstanceRequest.builder().dbInstanceIdentifier(target).skipFinalSnapshot(true)
        .deleteAutomatedBackups(true).build();
  }
}
