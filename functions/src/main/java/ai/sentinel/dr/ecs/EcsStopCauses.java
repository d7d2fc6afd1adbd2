package ai.sentinel.dr.ecs;

import static ai.sentinel.dr.report.IncidentReports.oneLine;

import ai.sentinel.dr.ecs.EcsState.StoppedTask;

/**
 * Why an ECS task stopped, in the words of the runbook's Diagnosis ("check stopped tasks"): the stop reason and code
 * AWS gives, read as a cause a reviewer can act on. Unknown reasons are quoted as they are.
 */
final class EcsStopCauses {
  private EcsStopCauses() {}

  /** The cause of {@code task}'s stop; {@code serviceRevision} names the revision when the task does not. */
  static String of(StoppedTask task, String serviceRevision) {
    String reason = task.stoppedReason() == null ? "" : oneLine(task.stoppedReason());
    String revision = task.taskDefinition() == null ? serviceRevision
        : EcsServiceFailureReport.revision(task.taskDefinition());
    String containers = String.join("; ", task.containers());
    String quoted = reason.isEmpty() ? "no stop reason given" : "'" + reason + "'";
    if (reason.contains("CannotPullContainerError")) {
      return "the container image of " + revision + " could not be pulled (" + quoted + "): the revision names an "
          + "image or tag that does not exist, or one its execution role may not read";
    }
    if (reason.contains("ResourceInitializationError")) {
      return "tasks of " + revision + " could not initialise (" + quoted + "): a secret, log group or registry the "
          + "execution role cannot reach, or no network path to it";
    }
    if (reason.contains("OutOfMemory") || containers.contains("exit 137")) {
      return "containers of " + revision + " ran out of memory (" + quoted + (containers.isEmpty() ? "" : "; "
          + containers) + "): the task's memory is below what the application needs";
    }
    if (reason.contains("ELB health checks") || reason.contains("health check")) {
      return "tasks of " + revision + " failed their health checks (" + quoted + "): the application did not answer "
          + "its health check in time";
    }
    if (reason.contains("Essential container in task exited")) {
      return "the essential container of " + revision + " exited (" + (containers.isEmpty() ? quoted : containers)
          + "): the application failed at start";
    }
    if ("TaskFailedToStart".equals(task.stopCode())) {
      return "tasks of " + revision + " failed to start (" + quoted + ")";
    }
    return "tasks of " + revision + " stopped (" + quoted + (task.stopCode() == null ? "" : ", " + task.stopCode())
        + ")";
  }
}
