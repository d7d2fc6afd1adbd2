package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.FailbackState.Decommission;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;

/**
 * Failback step 6, "Decommission DR resources", after its approval: the DR database is deleted with a final snapshot
 * ({@code <dr instance>-final-<hash>}) only when a failover created it (tag {@code sentinel-dr:execution}); one made
 * by hand is kept and said so. The DR services go back to standby (desired 0): they, the DR load balancer and
 * target groups are pre-provisioned, not this recovery's to delete. Safe to run twice.
 */
public final class DecommissionDr extends Step {
  private final RegionSettings region;
  private final RdsClient rds;
  private final EcsClient ecs;

  public DecommissionDr() {
    this(Deps.fromProcessEnv());
  }

  public DecommissionDr(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public DecommissionDr(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    region.requireFailback();
    this.rds = deps.clients().in(region.drRegion()).rds();
    this.ecs = deps.clients().in(region.drRegion()).ecs();
  }

  @Override
  public String name() {
    return RegionFailback.DECOMMISSION_STEP;
  }

  static String finalSnapshotId(RegionSettings region, String executionName) {
    return region.database().instanceId() + FailbackSettings.FINAL_INFIX + UUID.nameUUIDFromBytes(executionName
        .getBytes(StandardCharsets.UTF_8)).toString().replace("-", "").substring(0, 12);
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String id = region.database().instanceId();
    String finalId = finalSnapshotId(region, recovery.executionName());
    DBInstance instance = RestoreInDrRegion.find(rds, id).orElse(null);
    String instanceAction;
    Recovery out = recovery;
    if (instance == null) {
      instanceAction = "gone";
    } else if (RestoreInDrRegion.tag(instance, RestoreInDrRegion.EXECUTION_TAG) == null) {
      instanceAction = "kept: not created by a failover";
    } else if ("deleting".equals(instance.dbInstanceStatus())) {
      instanceAction = "deleting";
    } else {
      DeleteDbInstanceRequest request = DeleteDbInstanceRequest.builder().dbInstanceIdentifier(id)
          .skipFinalSnapshot(false).finalDBSnapshotIdentifier(finalId).build();
      Mutation<?> sent = mutate(out, "rds", "DeleteDBInstance", RegionSettings.target(region.drRegion(), id),
          request, () -> rds.deleteDBInstance(request));
      out = sent.recovery();
      instanceAction = sent.sent() ? "deleting" : "planned";
    }
    RegionSettings.DrServices dr = region.ecs();
    List<Service> found = ecs.describeServices(b -> b.cluster(dr.cluster()).services(dr.services())).services();
    List<String> scaled = new ArrayList<>();
    for (Service service : found) {
      if (!"ACTIVE".equals(service.status()) || service.desiredCount() == 0) {
        continue;
      }
      UpdateServiceRequest request = UpdateServiceRequest.builder().cluster(dr.cluster())
          .service(service.serviceName()).desiredCount(0).build();
      out = mutate(out, "ecs", "UpdateService", RegionSettings.target(region.drRegion(), dr.cluster() + "/"
          + service.serviceName()), request, () -> ecs.updateService(request)).recovery();
      scaled.add(service.serviceName());
    }
    Decommission done = new Decommission(instanceAction.startsWith("kept") || "gone".equals(instanceAction) ? null
        : finalId, instanceAction, scaled);
    return out.update(FailbackState.PART, s -> FailbackState.of(s).withDecommission(done)).log(entry(
        recovery.dryRun() ? "would-decommission" : "decommissioned", id + " " + instanceAction
            + (done.finalSnapshotId() == null ? "" : " (final snapshot " + finalId + ")") + "; DR services "
            + (scaled.isEmpty() ? "already at 0" : scaled + " to 0") + " in " + dr.cluster()));
  }
}
