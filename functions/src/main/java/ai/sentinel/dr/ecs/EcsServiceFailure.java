package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.Clients.Priming;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.report.Objectives.Objective;
import ai.sentinel.dr.report.Objectives;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.scenario.ApprovalGate;
import ai.sentinel.dr.scenario.GateExplanation;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.trigger.SignalRules;
import ai.sentinel.dr.safety.LockedResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

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

  /** The cluster (also the shared restart steps' client), target health, the services' logs. */
  @Override
  public List<Priming<?>> priming(DrConfig config) {
    List<Priming<?>> calls = new ArrayList<>();
    config.settings(EcsSettings.class).ifPresent(settings -> calls.add(
        new Priming<>(EcsClient.class, ecs -> ecs.describeClusters(b -> b.clusters(settings.cluster())))));
    calls.add(new Priming<>(ElasticLoadBalancingV2Client.class, elb -> elb.describeTargetGroups(b -> b.pageSize(1))));
    calls.add(new Priming<>(CloudWatchLogsClient.class, logs -> logs.describeLogGroups(b -> b.limit(1))));
    return calls;
  }

  /** The rollback puts an older image in production. */
  @Override
  public Map<String, ApprovalGate> gates() {
    return Map.of("DeployPreviousVersion", EcsServiceFailure::explainRollback);
  }

  static GateExplanation explainRollback(Recovery r, DrConfig config) {
    EcsState ecs = r.part(EcsState.PART);
    if (ecs == null) {
      return null;
    }
    String from = ecs.deployment() == null ? "the revision it runs"
        : EcsServices.shortName(ecs.deployment().taskDefinition());
    return new GateExplanation(
        "roll " + ecs.service() + " back from " + from + " to the previous ACTIVE revision of its task definition "
            + "family (a new deployment)",
        "ECS service " + ecs.service() + " in cluster " + ecs.cluster() + " (no other service)",
        "its tasks are replaced by tasks of the previous revision: what " + from + " changed (image, settings) is "
            + "withdrawn until someone deploys it again"
            + (ecs.decision() == null ? "" : "; why: " + ecs.decision())
            + ". Rejecting changes nothing more: " + ecs.service() + " stays on " + from + ", not stable");
  }

  @Override
  public List<SettingsSection<?>> settings() {
    return List.of(EcsSettings.SECTION);
  }

  /** The failing service only (redeployed, rolled back, scaled up); the other services are left alone. */
  @Override
  public List<LockedResource> mutates(String resource, DrConfig config) {
    return List.of(LockedResource.ecsService(EcsSettings.of(config).cluster(), resource));
  }
}
