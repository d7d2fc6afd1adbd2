package ai.sentinel.dr.region;

import ai.sentinel.dr.recovery.Part;
import java.util.List;

/**
 * The failback's working state (runbook Scenario 4, Failback Procedure), filled in step by step. Choice states read
 * {@code $.failback.replica.copied}, {@code $.failback.primary.available}, {@code $.failback.services.stable} and
 * {@code $.failback.traffic.verdict}; the soak Wait reads {@code $.failback.traffic.soakSeconds}.
 *
 * @param health   what CheckPrimaryHealth saw of the primary region (it must be healthy before anything changes)
 * @param replica  the DR database's snapshot and its copy in the primary region
 * @param primary  the new primary instance restored from that copy
 * @param secretHost the host the primary's database secret points at once repointed (never the value)
 * @param services the primary's services restarted onto the repointed secret
 * @param traffic  the share of traffic on the primary and the last judgement of it
 * @param origins  the CloudFront origins moved back to the primary load balancer
 * @param decommission what was removed of the DR platform
 */
public record FailbackState(List<RegionState.Evidence> health, Replica replica, Primary primary, String secretHost,
    Services services, Traffic traffic, List<String> origins, Decommission decommission) {
  /** Where the failback keeps its state in the recovery document. */
  public static final Part<FailbackState> PART = new Part<>("failback", FailbackState.class);

  public FailbackState {
    health = health == null ? List.of() : List.copyOf(health);
    origins = origins == null ? List.of() : List.copyOf(origins);
  }

  /** {@code state}, or an empty state when no step has written one yet. */
  static FailbackState of(FailbackState state) {
    return state == null ? new FailbackState(null, null, null, null, null, null, null, null) : state;
  }

  public FailbackState withHealth(List<RegionState.Evidence> value) {
    return new FailbackState(value, replica, primary, secretHost, services, traffic, origins, decommission);
  }

  public FailbackState withReplica(Replica value) {
    return new FailbackState(health, value, primary, secretHost, services, traffic, origins, decommission);
  }

  public FailbackState withPrimary(Primary value) {
    return new FailbackState(health, replica, value, secretHost, services, traffic, origins, decommission);
  }

  public FailbackState withSecretHost(String value) {
    return new FailbackState(health, replica, primary, value, services, traffic, origins, decommission);
  }

  public FailbackState withServices(Services value) {
    return new FailbackState(health, replica, primary, secretHost, value, traffic, origins, decommission);
  }

  public FailbackState withTraffic(Traffic value) {
    return new FailbackState(health, replica, primary, secretHost, services, value, origins, decommission);
  }

  public FailbackState withOrigins(List<String> value) {
    return new FailbackState(health, replica, primary, secretHost, services, traffic, value, decommission);
  }

  public FailbackState withDecommission(Decommission value) {
    return new FailbackState(health, replica, primary, secretHost, services, traffic, origins, value);
  }

  /**
   * @param snapshotId  the DR database's snapshot (DR region) and the name of its copy (primary region)
   * @param takenAt     when the snapshot was requested: writes to the DR database after it are not in the primary
   * @param snapshot    the DR snapshot's status at the last poll
   * @param copy        the copy's status at the last poll (null until the copy is requested)
   * @param copied      true once the copy is available in the primary region
   * @param polls       polls so far
   */
  public record Replica(String snapshotId, String takenAt, String snapshot, String copy, boolean copied, int polls) {}

  /**
   * @param instanceId the new primary instance
   * @param status     its status at the last poll
   * @param endpoint   its address once available
   * @param port       its port
   * @param available  true once available with an endpoint
   * @param polls      polls so far
   */
  public record Primary(String instanceId, String status, String endpoint, Integer port, boolean available,
      int polls) {}

  /**
   * @param restartedAt when the forced deployments were requested
   * @param stable      every service runs its desired count in one deployment
   * @param detail      each service's counts at the last poll
   * @param polls       polls so far
   */
  public record Services(String restartedAt, boolean stable, String detail, int polls) {}

  /**
   * @param percent     the share of traffic sent to the primary now
   * @param changeId    the Route 53 change that set it (null when nothing had to change, or planned)
   * @param soakSeconds how long it runs before CheckTraffic judges it
   * @param verdict     CheckTraffic's judgement: advance, complete, soak (judge again later) or regressed
   * @param checks      what CheckTraffic saw, one line each
   * @param polls       judgements of this share so far
   */
  public record Traffic(int percent, String changeId, int soakSeconds, String verdict, List<String> checks,
      int polls) {
    public static final String ADVANCE = "advance";
    public static final String COMPLETE = "complete";
    public static final String SOAK = "soak";
    public static final String REGRESSED = "regressed";

    public Traffic {
      checks = checks == null ? List.of() : List.copyOf(checks);
    }
  }

  /**
   * @param finalSnapshotId the DR database's final snapshot, taken by the deletion
   * @param instance        what was done with the DR instance (deleting, not ours: kept, planned)
   * @param services        the DR services scaled to 0
   */
  public record Decommission(String finalSnapshotId, String instance, List<String> services) {
    public Decommission {
      services = services == null ? List.of() : List.copyOf(services);
    }
  }
}
