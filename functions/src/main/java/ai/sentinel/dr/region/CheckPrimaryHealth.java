package ai.sentinel.dr.region;

import ai.sentinel.dr.common.AvailabilityZones;
import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.RegionState.Evidence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * Failback step 1, "Verify primary region health", from the DR region, read-only: every availability zone of the
 * primary available, its RDS and ECS APIs answering within 5 s, and the DR database (what is replicated back)
 * available. Anything else stops the failback with the reason before anything changes: failing back into a region
 * that is still sick would take the platform down twice.
 */
@UsesSettings({RegionSettings.class, DatabaseSettings.class, EcsSettings.class})
public final class CheckPrimaryHealth extends Step {
  private static final Duration TIMEOUT = ConfirmPrimaryDown.CHECK_TIMEOUT;
  private static final AwsRequestOverrideConfiguration SHORT = AwsRequestOverrideConfiguration.builder()
      .apiCallTimeout(TIMEOUT).apiCallAttemptTimeout(TIMEOUT).build();
  private final RegionSettings region;
  private final AvailabilityZones zones;
  private final RdsClient primaryRds;
  private final EcsClient primaryEcs;
  private final RdsClient drRds;

  public CheckPrimaryHealth() {
    this(Deps.fromProcessEnv());
  }

  public CheckPrimaryHealth(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public CheckPrimaryHealth(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    region.requireFailback();
    Clients primary = deps.clients().in(region.primaryRegion());
    this.zones = primary.availabilityZones();
    this.primaryRds = primary.rds();
    this.primaryEcs = primary.ecs();
    this.drRds = deps.clients().in(region.drRegion()).rds();
  }

  @Override
  public String name() {
    return "CheckPrimaryHealth";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(check("availability-zones", () -> {
      List<AvailabilityZones.Zone> listed = zones.describe(TIMEOUT);
      List<String> impaired = listed.stream().filter(z -> !"available".equals(z.state()))
          .map(z -> z.name() + " " + z.state()).toList();
      return listed.isEmpty() || !impaired.isEmpty()
          ? new Evidence("availability-zones", Evidence.UNHEALTHY, listed.isEmpty() ? "no zone listed"
              : "not available: " + String.join(", ", impaired))
          : new Evidence("availability-zones", Evidence.HEALTHY, listed.size() + " zones available");
    }));
    String source = deps.config().require(DatabaseSettings.class).instanceId();
    evidence.add(check("rds-api", () -> {
      primaryRds.describeDBInstances(b -> b.maxRecords(20).overrideConfiguration(SHORT));
      return new Evidence("rds-api", Evidence.HEALTHY, "RDS in " + region.primaryRegion() + " answers");
    }));
    EcsSettings ecs = deps.config().require(EcsSettings.class);
    evidence.add(check("ecs-api", () -> {
      primaryEcs.describeClusters(b -> b.clusters(ecs.cluster()).overrideConfiguration(SHORT));
      return new Evidence("ecs-api", Evidence.HEALTHY, "ECS in " + region.primaryRegion() + " answers");
    }));
    String drInstance = region.database().instanceId();
    evidence.add(check("dr-database", () -> {
      DBInstance dr = RestoreInDrRegion.find(drRds, drInstance).orElse(null);
      boolean ok = dr != null && "available".equals(dr.dbInstanceStatus());
      return new Evidence("dr-database", ok ? Evidence.HEALTHY : Evidence.UNHEALTHY, drInstance + " in "
          + region.drRegion() + (dr == null ? " not found" : " is '" + dr.dbInstanceStatus() + "'"));
    }));
    List<String> lines = evidence.stream().map(Evidence::toString).toList();
    List<Evidence> bad = evidence.stream().filter(e -> !e.healthy()).toList();
    if (!bad.isEmpty()) {
      throw new StepFailedError("failback stopped, nothing changed: " + String.join("; ", bad.stream()
          .map(Evidence::toString).toList()) + " (the primary's " + source + " is not touched)");
    }
    return recovery.update(FailbackState.PART, s -> FailbackState.of(s).withHealth(evidence))
        .log(entry("healthy", region.primaryRegion() + " is healthy: " + String.join("; ", lines)));
  }

  private static Evidence check(String name, Supplier<Evidence> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      return new Evidence(name, Evidence.UNREACHABLE, "no good answer within " + TIMEOUT.toSeconds() + " s ("
          + e.getClass().getSimpleName() + ")");
    }
  }
}
