package ai.sentinel.dr.ecs;

import java.util.List;
import java.util.Map;

/**
 * Scenario 3 (ECS Service Failure) working state for one service. Choice states read {@code $.ecs.stable} and
 * {@code $.ecs.rollbackDue}.
 *
 * @param cluster      ECS cluster
 * @param service      the failing service
 * @param diagnosis    what Diagnose saw
 * @param phase        "redeploy" (runbook step 1: forced new deployment) or "rollback" (step 3: previous revision)
 * @param deployment   the deployment the current phase started
 * @param stable       true once the service has one deployment and running == desired
 * @param rollbackDue  true when the forced deployment did not stabilise within its window: roll back next
 * @param polls        stability polls in the current phase
 * @param status       the last poll's "running/desired, N deployment(s)"
 * @param rollback     the rollback decision, when one was made
 * @param scale        the scale-up decision (runbook step 4)
 * @param targets      target health seen by verification
 */
public record EcsState(String cluster, String service, Diagnosis diagnosis, String phase, Deployment deployment,
    boolean stable, boolean rollbackDue, int polls, String status, Rollback rollback, Scale scale,
    List<TargetHealth> targets) {

  /**
   * Runbook "Diagnosis": service counts and deployments, stopped tasks and why, the log's last lines.
   *
   * @param taskDefinition  task definition ARN the service runs now
   * @param desiredCount    desired tasks
   * @param runningCount    running tasks
   * @param pendingCount    pending tasks
   * @param deployments     each deployment: "status rolloutState taskDefinition running/desired"
   * @param stoppedTasks    recently stopped tasks with stoppedReason and stopCode
   * @param logTail         last lines of the service's log group
   * @param finding         one line for the timeline and the report's root cause
   * @param checkedAt       when
   */
  public record Diagnosis(String taskDefinition, int desiredCount, int runningCount, int pendingCount,
      List<String> deployments, List<StoppedTask> stoppedTasks, List<String> logTail, String finding,
      String checkedAt) {}

  /** A stopped task: what the runbook's {@code describe-tasks --query 'tasks[0].stoppedReason'} shows. */
  public record StoppedTask(String taskArn, String taskDefinition, String stoppedReason, String stopCode,
      String stoppedAt) {}

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
   * @param desired   configured desired count
   * @param running   running tasks seen before deciding
   * @param scaled    true when UpdateService(desiredCount) was sent (or planned)
   * @param reason    why, in one line
   */
  public record Scale(Integer desired, int running, boolean scaled, String reason) {}

  /** One target of the service's ALB target group: id, port, state (healthy, unhealthy, ...) and reason. */
  public record TargetHealth(String id, Integer port, String state, String reason) {}

  /** Status counts by target state, for reports. */
  public static Map<String, Long> countByState(List<TargetHealth> targets) {
    return targets == null ? Map.of() : targets.stream().collect(java.util.stream.Collectors.groupingBy(
        TargetHealth::state, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
  }
}
