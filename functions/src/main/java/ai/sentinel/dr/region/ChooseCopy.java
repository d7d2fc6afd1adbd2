package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.RegionState.CopyChoice;
import ai.sentinel.dr.region.SnapshotCopies.Copy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * Scenario 4, before the gate: the cross-region copy a failover would restore (the runbook's
 * {@code sentinel-db-cross-region-latest}), read in the DR region: the newest available copy, or the one the operator
 * named. Its age is the data the customers lose; the gate shows it, and says so when it is older than the RPO. The
 * newest copy older than {@code dr.maxCopyAgeMinutes} stops the failover before the gate (a stale copy is never
 * offered as the default): only a copy the operator names goes on. Read-only.
 */
public final class ChooseCopy extends Step {
  private final RegionSettings region;
  private final RdsClient rds;

  public ChooseCopy() {
    this(Deps.fromProcessEnv());
  }

  public ChooseCopy(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ChooseCopy(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.rds = deps.clients().in(region.drRegion()).rds();
  }

  @Override
  public String name() {
    return "ChooseCopy";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    List<Copy> copies = SnapshotCopies.list(rds, region);
    String requested = recovery.options() == null ? null : recovery.options().snapshotId();
    boolean named = requested != null && !"latest".equals(requested);
    Copy copy;
    if (named) {
      copy = copies.stream().filter(c -> c.id().equals(requested)).findFirst().orElseThrow(() -> new StepFailedError(
          requested + " is not a cross-region copy in " + region.drRegion() + " (copies: "
              + copies.stream().map(Copy::id).toList() + ")"));
      if (!copy.available()) {
        throw new StepFailedError(requested + " is '" + copy.status() + "', not available");
      }
    } else {
      copy = SnapshotCopies.newestAvailable(copies).orElseThrow(() -> new StepFailedError("no available "
          + "cross-region copy of " + region.sourceInstanceId() + " in " + region.drRegion() + ": nothing to fail "
          + "over to (check " + deps.config().environment() + "-sentinel-dr-region-copy-snapshots)"));
    }
    long age = Math.max(0, Duration.between(copy.sourceTime(), Instant.now(deps.clock())).getSeconds());
    boolean stale = age > region.rpoMinutes() * 60L;
    if (!named && age > region.maxCopyAgeMinutes() * 60L) {
      // asked, never restored silently: an operator who accepts the loss names the copy (snapshotId)
      throw new StepFailedError("failover stopped before its gate, nothing changed: the newest cross-region copy "
          + copy.id() + " is " + age / 60 + " min old, older than dr.maxCopyAgeMinutes (" + region.maxCopyAgeMinutes()
          + "): restoring it would lose all writes since " + copy.sourceTime() + "; to restore it anyway, start the "
          + "failover again with \"snapshotId\": \"" + copy.id() + "\"");
    }
    CopyChoice choice = new CopyChoice(copy.id(), copy.sourceTime().toString(), age, stale, named ? "named"
        : "latest");
    return recovery.update(RegionState.PART, s -> RegionState.of(s).withCopy(choice)).log(entry("chosen",
        copy.id() + " holds data up to " + copy.sourceTime() + " (" + age / 60 + " min old" + (stale
            ? ", OLDER THAN THE RPO of " + region.rpoMinutes() + " min" : "") + ")"));
  }
}
