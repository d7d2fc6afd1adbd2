package ai.sentinel.dr.ecs;

import ai.sentinel.dr.report.Objectives;
import ai.sentinel.dr.report.Objectives.Objective;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.trigger.SignalRules;
import java.util.List;

/** Runbook Scenario 3: ECS Service Failure. */
public final class EcsServiceFailure implements Scenario {
  public static final String ID = "ecs-service-failure";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String title() {
    return "ECS service failure";
  }

  @Override
  public List<Objective> objectives() {
    return List.of(Objectives.ECS_SERVICE);
  }

  @Override
  public ReportPart report() {
    return new EcsServiceFailureReport();
  }

  @Override
  public SignalRules signals() {
    return new EcsServiceFailureSignals();
  }
}
