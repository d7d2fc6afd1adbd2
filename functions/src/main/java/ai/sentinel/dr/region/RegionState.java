package ai.sentinel.dr.region;

import ai.sentinel.dr.recovery.Part;
import java.util.List;

/**
 * Scenario 4 (Region Failure) working state, filled in step by step. Choice states read
 * {@code $.region.confirmation.confirmed}, {@code $.region.restore.available}, {@code $.region.services.stable} and
 * {@code $.region.dns.insync} and {@code $.region.cloudFront.deployed}.
 *
 * @param confirmation what ConfirmPrimaryDown saw of the primary region from the DR region
 * @param copy         the cross-region copy ChooseCopy chose (its age is the RPO the customers see)
 * @param fence        the region-level fence FenceRecoveries set
 * @param restore      the DR instance restored from the copy
 * @param secret       the DR region's database secret, repointed (never its value)
 * @param services     the DR services scaled up
 * @param dns          the records switched to the DR load balancer
 * @param cloudFront   the distribution's origins moved to the DR load balancer
 */
public record RegionState(Confirmation confirmation, CopyChoice copy, Fence fence, Restore restore,
    SecretUpdate secret, DrServices services, DnsSwitch dns, OriginSwitch cloudFront) {
  /** Where Scenario 4 keeps its state in the recovery document. */
  public static final Part<RegionState> PART = new Part<>("region", RegionState.class);

  public RegionState(Confirmation confirmation) {
    this(confirmation, null, null, null, null, null, null, null);
  }

  /** {@code state}, or an empty state when no step has written one yet. */
  static RegionState of(RegionState state) {
    return state == null ? new RegionState(null) : state;
  }

  public RegionState withConfirmation(Confirmation value) {
    return new RegionState(value, copy, fence, restore, secret, services, dns, cloudFront);
  }

  public RegionState withCopy(CopyChoice value) {
    return new RegionState(confirmation, value, fence, restore, secret, services, dns, cloudFront);
  }

  public RegionState withFence(Fence value) {
    return new RegionState(confirmation, copy, value, restore, secret, services, dns, cloudFront);
  }

  public RegionState withRestore(Restore value) {
    return new RegionState(confirmation, copy, fence, value, secret, services, dns, cloudFront);
  }

  public RegionState withSecret(SecretUpdate value) {
    return new RegionState(confirmation, copy, fence, restore, value, services, dns, cloudFront);
  }

  public RegionState withServices(DrServices value) {
    return new RegionState(confirmation, copy, fence, restore, secret, value, dns, cloudFront);
  }

  public RegionState withDns(DnsSwitch value) {
    return new RegionState(confirmation, copy, fence, restore, secret, services, value, cloudFront);
  }

  public RegionState withCloudFront(OriginSwitch value) {
    return new RegionState(confirmation, copy, fence, restore, secret, services, dns, value);
  }

  /**
   * The verdict on the primary region, with the evidence it rests on.
   *
   * @param primaryRegion the region judged
   * @param drRegion      where the checks ran from
   * @param confirmed     true only when the platform is down and the region itself shows it (see ConfirmPrimaryDown)
   * @param verdict       one line: what was concluded and why
   * @param evidence      every check, in the order run
   * @param checkedAt     when
   */
  public record Confirmation(String primaryRegion, String drRegion, boolean confirmed, String verdict,
      List<Evidence> evidence, String checkedAt) {
    public Confirmation {
      evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }
  }

  /**
   * One check of the primary.
   *
   * @param check  availability-zones, rds, ecs, public-health, aws-health-event (the triggering AWS Health event),
   *               aws-health-api (AWS Health's DescribeEvents)
   * @param result healthy (answered, fine), unhealthy (answered, not fine), unreachable (no answer in time, or an
   *               error from the region's endpoint: evidence too), skipped (not configured), not available (a
   *               source that could not answer and says nothing either way: AWS Health's API without a support
   *               plan, or on a local cloud)
   * @param detail what was seen, in one line (never a secret)
   */
  public record Evidence(String check, String result, String detail) {
    public static final String HEALTHY = "healthy";
    public static final String UNHEALTHY = "unhealthy";
    public static final String UNREACHABLE = "unreachable";
    public static final String SKIPPED = "skipped";
    public static final String NOT_AVAILABLE = "not available";

    public boolean healthy() {
      return HEALTHY.equals(result);
    }

    public boolean skipped() {
      return SKIPPED.equals(result);
    }

    @Override
    public String toString() {
      return check + " " + result + ": " + detail;
    }
  }

  /**
   * @param snapshotId  the copy restored (in the DR region)
   * @param sourceTime  the point in time it holds: the recovery point
   * @param ageSeconds  its age when chosen (the data the customers lose)
   * @param olderThanRpo true when that is more than the RPO: the gate says so
   * @param how         latest (newest available) or named (the operator's)
   */
  public record CopyChoice(String snapshotId, String sourceTime, long ageSeconds, boolean olderThanRpo, String how) {}

  /**
   * @param key      the fence item's key in both lock tables
   * @param primary  where it was written in the primary's lock table: written, unreachable (the primary's recoveries
   *                 cannot take their locks either), or planned
   * @param setAt    when
   */
  public record Fence(String key, String primary, String setAt) {}

  /**
   * @param instanceId  the DR instance (sentinel-db-dr)
   * @param snapshotId  the copy it is restored from
   * @param requestedAt when the restore was sent (or adopted)
   * @param status      DBInstanceStatus at the last poll
   * @param endpoint    its address once known
   * @param port        its port
   * @param available   true once available with an endpoint
   * @param polls       availability polls so far
   */
  public record Restore(String instanceId, String snapshotId, String requestedAt, String status, String endpoint,
      Integer port, boolean available, int polls) {
    public Restore polled(String newStatus, String newEndpoint, Integer newPort, boolean isAvailable) {
      return new Restore(instanceId, snapshotId, requestedAt, newStatus, newEndpoint, newPort, isAvailable,
          polls + 1);
    }
  }

  /**
   * @param secretId  the DR region's database secret
   * @param host      the endpoint it now points at
   * @param versionId the new version (null when it already pointed there, or planned)
   * @param updatedAt when
   */
  public record SecretUpdate(String secretId, String host, String versionId, String updatedAt) {}

  /**
   * @param cluster  the DR cluster
   * @param services each service: its name, what was done (created, updated, planned), desired and running counts
   * @param stable   every service runs its desired count in one deployment
   * @param polls    stability polls so far
   */
  public record DrServices(String cluster, List<DrService> services, boolean stable, int polls) {
    public DrServices {
      services = services == null ? List.of() : List.copyOf(services);
    }
  }

  /** One DR service. */
  public record DrService(String name, String action, int desired, int running) {}

  /**
   * @param changeId Route 53's change id
   * @param records  the record names switched
   * @param status   PENDING or INSYNC at the last poll
   * @param insync   true once INSYNC
   * @param polls    polls so far
   */
  public record DnsSwitch(String changeId, List<String> records, String status, boolean insync, int polls) {
    public DnsSwitch {
      records = records == null ? List.of() : List.copyOf(records);
    }
  }

  /**
   * @param distributionId the distribution
   * @param origins        the origins moved ("id: old -> new")
   * @param status         the distribution's status after the update (InProgress, Deployed), or unchanged
   * @param deployed       true once the change is deployed to the edge (or nothing was changed, or planned)
   * @param polls          status polls so far (WaitForCloudFront)
   */
  public record OriginSwitch(String distributionId, List<String> origins, String status, boolean deployed,
      int polls) {
    public OriginSwitch {
      origins = origins == null ? List.of() : List.copyOf(origins);
    }

    public OriginSwitch(String distributionId, List<String> origins, String status) {
      this(distributionId, origins, status, !"InProgress".equals(status), 0);
    }
  }
}
