package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.RegionState.Fence;
import ai.sentinel.dr.safety.RegionFence;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Scenario 4, first step after the approval: per-resource recoveries in the primary region stand down. The fence
 * ({@link RegionFence}) goes into the primary stack's lock table, which its responders read before they start a
 * database, Redis or ECS recovery, and into the DR stack's own table for the record. The primary's table is written
 * with a short timeout: when it does not answer, the primary's responders cannot take their locks either, so nothing
 * starts there. Safe to run twice (the same item, renewed); a dry-run writes nothing.
 */
public final class FenceRecoveries extends Step {
  private final RegionSettings region;
  private final DynamoDbClient primary;
  private final DynamoDbClient dr;

  public FenceRecoveries() {
    this(Deps.fromProcessEnv());
  }

  public FenceRecoveries(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public FenceRecoveries(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.primary = deps.clients().in(region.primaryRegion()).dynamoDb();
    this.dr = deps.clients().in(region.drRegion()).dynamoDb();
  }

  @Override
  public String name() {
    return "FenceRecoveries";
  }

  /** The primary stack's lock table: {@code <env>-sentinel-dr-locks} (the CDK app's Names.lockTable). */
  String primaryTable() {
    return deps.config().environment() + "-sentinel-dr-locks";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String key = RegionFence.key(region.primaryRegion());
    Instant now = Instant.now(deps.clock());
    Duration lease = Duration.ofSeconds(deps.config().lockLeaseSeconds());
    if (recovery.dryRun()) {
      Fence planned = new Fence(key, "planned", now.toString());
      return recovery.update(RegionState.PART, s -> RegionState.of(s).withFence(planned)).log(entry("planned",
          "would fence per-resource recoveries in " + region.primaryRegion() + " (" + key + " in "
              + primaryTable() + ") (dry-run, not sent)"));
    }
    RegionFence.set(dr, deps.config().requireLockTable(), region.primaryRegion(), recovery.executionName(), now,
        lease, Duration.ofSeconds(30));
    String inPrimary;
    List<String> told = List.of();
    try {
      RegionFence.set(primary, primaryTable(), region.primaryRegion(), recovery.executionName(), now, lease,
          ConfirmPrimaryDown.CHECK_TIMEOUT);
      inPrimary = "written";
      told = RegionFence.tellRunning(primary, primaryTable(), recovery.executionName(), now,
          ConfirmPrimaryDown.CHECK_TIMEOUT);
    } catch (SdkException e) {
      inPrimary = "unreachable";
      Log.warn(recovery.executionName(), "region.fence-primary-unreachable", Map.of("table", primaryTable(),
          "region", region.primaryRegion(), "error", e.getClass().getSimpleName()));
    }
    Fence fence = new Fence(key, inPrimary, now.toString());
    Recovery fenced = recovery;
    if (!told.isEmpty()) {
      // the recoveries already running there: their locks are marked, and they are named to the on-call
      String names = String.join(", ", told);
      Log.warn(recovery.executionName(), "region.fence-told-running", Map.of("region", region.primaryRegion(),
          "running", names));
      fenced = recovery.log(entry("told", "recoveries running in " + region.primaryRegion() + " (not interrupted; "
          + "their locks marked fencedBy " + recovery.executionName() + "): " + names));
    }
    return fenced.update(RegionState.PART, s -> RegionState.of(s).withFence(fence)).log(entry("fenced",
        "per-resource recoveries in " + region.primaryRegion() + " stand down until " + now.plus(lease) + " ("
            + primaryTable() + " in " + region.primaryRegion() + ": " + inPrimary
            + ("unreachable".equals(inPrimary) ? ", so its responders cannot take locks either" : "") + ")"));
  }
}
