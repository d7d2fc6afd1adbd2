package ai.sentinel.dr.region;

import ai.sentinel.dr.common.AvailabilityZones;
import ai.sentinel.dr.common.AvailabilityZones.Zone;
import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.HealthEvents;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.recovery.DiagnoseStep;
import ai.sentinel.dr.recovery.Health.Verdict;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.region.RegionState.Confirmation;
import ai.sentinel.dr.region.RegionState.Evidence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * Scenario 4, step 1 ("Confirm primary region is down"), run from the DR region: the primary's availability zones
 * (the runbook's {@code aws ec2 describe-availability-zones --region us-east-1}), its database and its services
 * described in the primary with short timeouts, the platform's /health as the public reaches it, and the open AWS
 * Health events ({@link HealthEvidence}: the event that started the assessment, if one did, and DescribeEvents).
 * Read-only.
 *
 * <p>An error or a timeout is evidence too: a region that does not answer cannot be told healthy. The verdict is
 * "confirmed" only when (1) the platform is down: no check of it (database, services, public /health) is healthy,
 * and (2) the region shows it: one of its APIs does not answer, one of its zones is not available, or AWS Health has
 * an open issue of its RDS, ECS, EC2 or ELB. A platform down in a region that answers normally is a per-resource
 * failure (Scenarios 1-3), not a reason to leave the region. AWS Health alone never decides: an open issue with the
 * platform still healthy is not confirmed, and DescribeEvents failing is "not available", counted neither way.
 * It is the scenario's diagnosis ({@link DiagnoseStep}: the state machine's "Act on diagnosis?" reads it): confirmed
 * is FAILED and the failover goes on to its approval gate; a platform still healthy is HEALTHY, anything between is
 * INCONCLUSIVE (a human is paged); either way nothing is changed.
 */
@UsesSettings({RegionSettings.class, DatabaseSettings.class, EcsSettings.class})
public final class ConfirmPrimaryDown extends DiagnoseStep {
  /** How long one check of the primary may take: a region that answers slower than this is not serving anyone. */
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);
  private static final AwsRequestOverrideConfiguration SHORT = AwsRequestOverrideConfiguration.builder()
      .apiCallTimeout(CHECK_TIMEOUT).apiCallAttemptTimeout(CHECK_TIMEOUT).build();

  private final RegionSettings region;
  private final AvailabilityZones zones;
  private final RdsClient rds;
  private final EcsClient ecs;
  private final PublicHealth publicHealth;
  private final HealthEvents healthEvents;

  public ConfirmPrimaryDown() {
    this(Deps.fromProcessEnv());
  }

  public ConfirmPrimaryDown(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ConfirmPrimaryDown(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    // every client names the primary region: this function runs in the DR region
    Clients primary = deps.clients().in(region.primaryRegion());
    this.zones = primary.availabilityZones();
    this.rds = primary.rds();
    this.ecs = primary.ecs();
    this.publicHealth = new PublicHealth(CHECK_TIMEOUT);
    // AWS Health is global: its API answers in us-east-1 whichever region is judged
    this.healthEvents = deps.clients().in(HealthEvidence.API_REGION).healthEvents();
  }

  /** The runbook's step 1, "Confirm primary region is down". */
  @Override
  public String name() {
    return "ConfirmPrimaryDown";
  }

  @Override
  protected Finding diagnose(Recovery recovery) {
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(availabilityZones());
    evidence.add(database());
    evidence.add(services());
    evidence.add(publicHealth());
    Evidence trigger = HealthEvidence.trigger(recovery);
    if (trigger != null) {
      evidence.add(trigger);
    }
    evidence.add(HealthEvidence.describe(healthEvents, region.primaryRegion(), RegionFailureSignals.HEALTH_SERVICES,
        CHECK_TIMEOUT));
    Confirmation confirmation = judge(region, evidence, now());
    Recovery out = recovery.with(RegionState.PART, RegionState.of(recovery.part(RegionState.PART))
        .withConfirmation(confirmation)).log(entry("assessed", confirmation.verdict()));
    List<String> lines = evidence.stream().map(Evidence::toString).toList();
    if (confirmation.confirmed()) {
      return Finding.of(out, Verdict.FAILED, lines);
    }
    boolean healthy = evidence.stream().anyMatch(e -> ofPlatform(e) && e.healthy());
    return Finding.of(out, healthy ? Verdict.HEALTHY : Verdict.INCONCLUSIVE, lines);
  }

  /** The verdict on the evidence (see the class comment). */
  static Confirmation judge(RegionSettings region, List<Evidence> evidence, String at) {
    List<Evidence> platform = evidence.stream().filter(e -> ofPlatform(e) && !e.skipped()).toList();
    List<Evidence> healthy = platform.stream().filter(Evidence::healthy).toList();
    List<Evidence> regional = new ArrayList<>(evidence.stream().filter(e -> Evidence.UNREACHABLE.equals(e.result())
        || e.check().equals("availability-zones") && Evidence.UNHEALTHY.equals(e.result())).toList());
    regional.addAll(HealthEvidence.regional(evidence));
    String primary = region.primaryRegion();
    String verdict;
    boolean confirmed = false;
    if (platform.isEmpty()) {
      verdict = "not confirmed: no check of the platform in " + primary + " could run";
    } else if (!healthy.isEmpty()) {
      verdict = "not confirmed: " + String.join(", ", healthy.stream().map(Evidence::check).toList()) + " in "
          + primary + " still healthy";
    } else if (regional.isEmpty()) {
      verdict = "not confirmed: the platform is down but " + primary + " answers normally (a per-resource failure, "
          + "not a region failure: Scenarios 1-3)";
    } else {
      confirmed = true;
      verdict = "confirmed: the platform is down in " + primary + " and the region itself shows it ("
          + String.join(", ", regional.stream().map(e -> e.check() + " " + e.result()).toList()) + ")";
    }
    return new Confirmation(primary, region.drRegion(), confirmed, verdict + ". " + HealthEvidence.note(evidence),
        evidence, at);
  }

  /** A check of the platform itself, rather than of the region around it (its zones, AWS Health's word). */
  private static boolean ofPlatform(Evidence e) {
    return !e.check().equals("availability-zones") && !HealthEvidence.isHealth(e);
  }

  private Evidence availabilityZones() {
    return check("availability-zones", () -> {
      List<Zone> listed = zones.describe(CHECK_TIMEOUT);
      List<String> impaired = listed.stream().filter(z -> !"available".equals(z.state()))
          .map(z -> z.name() + " " + z.state()).toList();
      if (listed.isEmpty()) {
        return new Evidence("availability-zones", Evidence.UNHEALTHY, "no availability zone listed");
      }
      return impaired.isEmpty()
          ? new Evidence("availability-zones", Evidence.HEALTHY, listed.size() + " zones available")
          : new Evidence("availability-zones", Evidence.UNHEALTHY, "not available: " + String.join(", ", impaired));
    });
  }

  private Evidence database() {
    DatabaseSettings db = deps.config().require(DatabaseSettings.class);
    return check("rds", () -> {
      DBInstance instance = rds.describeDBInstances(b -> b.dbInstanceIdentifier(db.instanceId())
          .overrideConfiguration(SHORT)).dbInstances().stream().findFirst().orElse(null);
      if (instance == null) {
        return new Evidence("rds", Evidence.UNHEALTHY, db.instanceId() + " not listed");
      }
      String status = instance.dbInstanceStatus();
      return new Evidence("rds", "available".equals(status) ? Evidence.HEALTHY : Evidence.UNHEALTHY,
          db.instanceId() + " is '" + status + "'");
    });
  }

  private Evidence services() {
    EcsSettings settings = deps.config().require(EcsSettings.class);
    return check("ecs", () -> {
      List<Service> found = ecs.describeServices(b -> b.cluster(settings.cluster()).services(settings.services())
          .overrideConfiguration(SHORT)).services();
      List<String> running = found.stream().filter(s -> s.runningCount() != null && s.runningCount() > 0)
          .map(s -> s.serviceName() + " " + s.runningCount() + " running").toList();
      String seen = String.join(", ", found.stream().map(s -> s.serviceName() + " " + s.runningCount() + "/"
          + s.desiredCount()).toList());
      return running.isEmpty()
          ? new Evidence("ecs", Evidence.UNHEALTHY, "no task running in " + settings.cluster()
              + (found.isEmpty() ? " (no service found)" : ": " + seen))
          : new Evidence("ecs", Evidence.HEALTHY, seen);
    });
  }

  private Evidence publicHealth() {
    String url = region.primaryHealthUrl();
    return url == null ? new Evidence(PublicHealth.CHECK, Evidence.SKIPPED, "dr.primaryHealthUrl not configured")
        : publicHealth.check(url);
  }

  /**
   * One AWS check: its answer, or "unreachable" when the region's endpoint failed or timed out. A 4xx other than
   * throttling is an answer (e.g. DBInstanceNotFound: the region works, the resource is gone).
   */
  private static Evidence check(String name, Supplier<Evidence> call) {
    try {
      return call.get();
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? String.valueOf(e.statusCode()) : e.awsErrorDetails().errorCode();
      boolean regionFault = e.statusCode() >= 500 || e.isThrottlingException();
      return new Evidence(name, regionFault ? Evidence.UNREACHABLE : Evidence.UNHEALTHY, "error " + code
          + " (HTTP " + e.statusCode() + ")");
    } catch (SdkException e) {
      return new Evidence(name, Evidence.UNREACHABLE, "no answer within " + CHECK_TIMEOUT.toSeconds() + " s ("
          + e.getClass().getSimpleName() + ")");
    }
  }
}
