package ai.sentinel.dr.ecs;

import static ai.sentinel.dr.report.IncidentReports.oneLine;

import ai.sentinel.dr.ecs.EcsState.Diagnosis;
import ai.sentinel.dr.report.RecoveryPoint;
import ai.sentinel.dr.report.ReportFacts;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.report.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * ECS service failure: its part of the post-incident report. P2 (API or workers down, data intact); the rollback
 * decision and its reason go in the title and root cause; RPO 0 (the tasks hold no data); the RTO ends when
 * VerifyTargets finds the targets healthy.
 */
final class EcsServiceFailureReport implements ReportPart {

  @Override
  public Set<String> verifySteps() {
    return Set.of("VerifyTargets");
  }

  @Override
  public String titleDetail(ReportFacts f) {
    EcsState ecs = f.recovery().part(EcsState.PART);
    return ecs == null || ecs.rollback() == null ? null : "rolled back to " + revision(ecs.rollback().to());
  }

  @Override
  public Severity severity(ReportFacts f) {
    return new Severity("P2", "service outage: API or workers down, data intact");
  }

  @Override
  public String affected(ReportFacts f) {
    EcsState ecs = f.recovery().part(EcsState.PART);
    Diagnosis d = ecs == null ? null : ecs.diagnosis();
    StringBuilder b = new StringBuilder("ECS service ").append(f.resource("the resource"));
    if (d == null) {
      return b.append(" failed (not diagnosed)").toString();
    }
    b.append(" had ").append(d.runningCount()).append('/').append(d.desiredCount()).append(" tasks running");
    int stopped = d.stoppedTasks() == null ? 0 : d.stoppedTasks().size();
    if (stopped > 0) {
      b.append(", ").append(stopped).append(" stopped (").append(oneLine(d.stoppedTasks().get(0).stoppedReason()))
          .append(')');
    }
    return b.toString();
  }

  @Override
  public String finding(ReportFacts f) {
    EcsState ecs = f.recovery().part(EcsState.PART);
    return ecs == null || ecs.diagnosis() == null ? null : ecs.diagnosis().finding();
  }

  @Override
  public List<String> decisions(ReportFacts f) {
    EcsState ecs = f.recovery().part(EcsState.PART);
    List<String> lines = new ArrayList<>();
    if (ecs != null && ecs.rollback() != null) {
      lines.add("Decision: rolled back from " + revision(ecs.rollback().from()) + " to "
          + revision(ecs.rollback().to()) + ": " + oneLine(ecs.rollback().reason()) + ".");
    }
    if (ecs != null && ecs.scale() != null && ecs.scale().reason() != null) {
      lines.add("Scale: " + oneLine(ecs.scale().reason()) + ".");
    }
    return lines;
  }

  /**
   * What made the service fail, from Diagnose's stopped tasks (the newest first): a pull error, an initialisation
   * error, memory, failed health checks or an exiting container, each said as the runbook's Diagnosis reads it; the
   * rollback, when it recovered the service, confirms the fault is in the revision rolled back from.
   */
  @Override
  public String underlyingCause(ReportFacts f) {
    EcsState ecs = f.recovery().part(EcsState.PART);
    Diagnosis d = ecs == null ? null : ecs.diagnosis();
    if (d == null) {
      return null;
    }
    String cause;
    if (!d.stoppedTasks().isEmpty()) {
      cause = EcsStopCauses.of(d.stoppedTasks().get(0), revision(d.taskDefinition()));
    } else if (d.runningCount() < d.desiredCount()) {
      cause = revision(d.taskDefinition()) + " ran " + d.runningCount() + " of " + d.desiredCount()
          + " task(s) with no stopped task listed: tasks never placed (capacity, subnets or limits)";
    } else {
      cause = "no task failure seen when diagnosed (" + d.runningCount() + "/" + d.desiredCount()
          + " running): the failed deployment event was the only sign";
    }
    boolean verified = f.recovery().verification() != null && f.recovery().verification().verified();
    if (ecs.rollback() != null && verified) {
      cause += ". The rollback to " + revision(ecs.rollback().to()) + " recovered the service, which places the fault "
          + "in " + revision(ecs.rollback().from());
    }
    return oneLine(cause) + ".";
  }

  @Override
  public RecoveryPoint recoveryPoint(ReportFacts f) {
    return RecoveryPoint.of(0L, "stateless service: its tasks hold no data");
  }

  /** "sentinel-api:7" from a task definition ARN, the value itself otherwise. */
  static String revision(String taskDefinition) {
    if (taskDefinition == null) {
      return "?";
    }
    int slash = taskDefinition.lastIndexOf('/');
    return slash >= 0 ? taskDefinition.substring(slash + 1) : taskDefinition;
  }
}
