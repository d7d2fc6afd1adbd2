package ai.sentinel.dr.ecs;

import ai.sentinel.dr.recovery.Part;
import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Map;

/**
 * Scenario 3 (ECS Service Failure) working state for one service. Choice states read {@code $.ecs.stable},
 * {@code $.ecs.rollbackDue} and {@code $.ecs.scale.scaled}.
 *
 * @param cluster      ECS cluster
 * @param service      the failing service
 * @param diagnosis    what Diagnose saw
 * @param phase        "redeploy" (runbook step 1: forced new deployment), "rollback" (step 3: previous revision) or
 *                     "scale" (step 4: desired count raised); null until ForceNewDeployment
 * @param deployment   the deployment the current phase started
 * @param stable       true once the service has one deployment and running == desired
 * @param rollbackDue  true when the forced deployment did not stabilise within its window: roll back next
 * @param polls        stability polls in the current phase
 * @param status       the last poll's "running/desired, N deployment(s)"
 * @param rollback     the rollback decision, when one was made
 * @param scale        the scale-up decision (runbook step 4)
 * @param targets      target health seen by verification
 * @param decision     the last stability decision and its reason (why a rollback is due, or why none is yet)
 */
public record EcsState(String cluster, String service, Diagnosis diagnosis, String phase, Deployment deployment,
    boolean stable, boolean rollbackDue, int polls, String status, Rollback rollback, Scale scale,
    List<TargetHealth> targets, String decision) {
  /** Where Scenario 3 keeps its state in the recovery document (Choice states read $.ecs...). */
  public static final Part<EcsState> PART = new Part<>("ecs", EcsState.class);


  @JsonCreator
  public EcsState {
    targets = targets == null ? List.of() : List.copyOf(targets);
  }

  /** The shape before {@code decision} was added, kept so code written against it still compiles. */
  public EcsState(String cluster, String service, Diagnosis diagnosis, String phase, Deployment deployment,
      boolean stable, boolean rollbackDue, int polls, String status, Rollback rollback, Scale scale,
      List<TargetHealth> targets) {
    this(cluster, service, diagnosis, phase, deployment, stable, rollbackDue, polls, status, rollback, scale, targets,
        null);
  }

  /** State as Diagnose first writes it: nothing started yet. */
  public static EcsState diagnosed(String cluster, String service, Diagnosis diagnosis) {
    return new EcsState(cluster, service, diagnosis, null, null, false, false, 0, null, null, null, List.of(), null);
  }

  public EcsState withDiagnosis(Diagnosis value) {
    return new EcsState(cluster, service, value, phase, deployment, stable, rollbackDue, polls, status, rollback,
        scale, targets, decision);
  }

  /** A new phase begins with the deployment it started: not stable, no rollback due, no polls yet. */
  public EcsState started(String newPhase, Deployment started) {
    return new EcsState(cluster, service, diagnosis, newPhase, started, false, false, 0, status, rollback, scale,
        targets, null);
  }

  /** One stability poll's outcome. */
  public EcsState polled(boolean isStable, boolean isRollbackDue, String newStatus, String why) {
    return new EcsState(cluster, service, diagnosis, phase, deployment, isStable, isRollbackDue, polls + 1, newStatus,
        rollback, scale, targets, why);
  }

  public EcsState withRollback(Rollback value) {
    return new EcsState(cluster, service, diagnosis, phase, deployment, stable, rollbackDue, polls, status, value,
        scale, targets, decision);
  }

  public EcsState withScale(Scale value) {
    return new EcsState(cluster, service, diagnosis, phase, deployment, stable, rollbackDue, polls, status, rollback,
        value, targets, decision);
  }

  public EcsState withTargets(List<TargetHealth> value) {
    return new EcsState(cluster, service, diagnosis, phase, deployment, stable, rollbackDue, polls, status, rollback,
        scale, value, decision);
  }

  /**
   * Runbook "Diagnosis": service counts and deployments, stopped tasks and why, the log's last lines.
   *
   * @param taskDefinition  task definition ARN the service runs now
   * @param desiredCount    desired tasks
   * @param runningCount    running tasks
   * @param pendingCount    pending tasks
   * @param deployments     each deployment: "status rolloutState taskDefinition running/desired"
   * @param stoppedTasks    recently stopped tasks with stoppedReason and stopCode (newest first, at most 5)
   * @param logTail         last lines of the service's log group (oldest first)
   * @param finding         one line for the timeline and the report's root cause
   * @param checkedAt       when
   * @param logNote         why the log tail is empty or partial (group missing, logs unreadable), else null
   */
  public record Diagnosis(String taskDefinition, int desiredCount, int runningCount, int pendingCount,
      List<String> deployments, List<StoppedTask> stoppedTasks, List<String> logTail, String finding,
      String checkedAt, String logNote) {

    @JsonCreator
    public Diagnosis {
      deployments = deployments == null ? List.of() : List.copyOf(deployments);
      stoppedTasks = stoppedTasks == null ? List.of() : List.copyOf(stoppedTasks);
      logTail = logTail == null ? List.of() : List.copyOf(logTail);
    }

    /** The shape before {@code logNote} was added. */
    public Diagnosis(String taskDefinition, int desiredCount, int runningCount, int pendingCount,
        List<String> deployments, List<StoppedTask> stoppedTasks, List<String> logTail, String finding,
        String checkedAt) {
      this(taskDefinition, desiredCount, runningCount, pendingCount, deployments, stoppedTasks, logTail, finding,
          checkedAt, null);
    }
  }

  /**
   * A stopped task: what the runbook's {@code describe-tasks --query 'tasks[0].stoppedReason'} shows, plus why each
   * container stopped (an "Essential container in task exited" says nothing without the container's exit code).
   *
   * @param containers each container that says why it stopped: "name: exit N, reason"
   */
  public record StoppedTask(String taskArn, String taskDefinition, String stoppedReason, String stopCode,
      String stoppedAt, List<String> containers) {

    @JsonCreator
    public StoppedTask {
      containers = containers == null ? List.of() : List.copyOf(containers);
    }

    /** The shape before {@code containers} was added. */
    public StoppedTask(String taskArn, String taskDefinition, String stoppedReason, String stopCode,
        String stoppedAt) {
      this(taskArn, taskDefinition, stoppedReason, stopCode, stoppedAt, List.of());
    }
  }

  /**
   * @param id             deployment id (null in a dry-run)
   * @param taskDefinition the revision it runs
   * @param startedAt      when it was requested
   */
  public record Deployment(String id, String taskDefinition, String startedAt) {}

  /**
   * @param from   the revision that did not stabilise
   * @param to     the previous ACTIVE revision of the family
   * @param reason why, in one line
   */
  public record Rollback(String from, String to, String reason) {}

  /**
   * @param desired    configured desired count
   * @param running    running tasks seen before deciding
   * @param scaled     true when this run of ScaleUp sent (or planned) UpdateService(desiredCount): the state machine
   *                   then waits for stability and runs ScaleUp again, which finds nothing left to do
   * @param reason     why, in one line
   * @param raisedFrom the desired count before this recovery raised it (kept across the second run), else null
   */
  public record Scale(Integer desired, int running, boolean scaled, String reason, Integer raisedFrom) {

    @JsonCreator
    public Scale {}

    /** The shape before {@code raisedFrom} was added. */
    public Scale(Integer desired, int running, boolean scaled, String reason) {
      this(desired, running, scaled, reason, null);
    }
  }

  /** One target of the service's ALB target group: id, port, state (healthy, unhealthy, ...) and reason. */
  public record TargetHealth(String id, Integer port, String state, String reason) {}

  /** Status counts by target state, for reports. */
  public static Map<String, Long> countByState(List<TargetHealth> targets) {
    return targets == null ? Map.of() : targets.stream().collect(java.util.stream.Collectors.groupingBy(
        TargetHealth::state, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
  }
}
