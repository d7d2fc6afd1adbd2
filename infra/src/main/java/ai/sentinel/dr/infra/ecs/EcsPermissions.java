package ai.sentinel.dr.infra.ecs;

import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.infra.Arns;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Nag;
import ai.sentinel.dr.infra.RunbookFunction;
import java.util.List;
import java.util.Map;
import software.constructs.Construct;

/**
 * IAM of the Scenario 3 step functions, scoped (Service Authorization Reference, Amazon ECS) to what the config
 * names: UpdateService and DescribeServices on the protected services only (no wildcard: a step cannot touch another
 * service of the cluster), DescribeTasks on the cluster's tasks, ListTasks on the cluster by condition, log reads on
 * the services' own log groups ({@code <logGroupPrefix><service>}).
 *
 * <p>Where AWS offers no resource-level permission the grant is Resource '*' and the suppression says so:
 * ListTaskDefinitions and DescribeTaskDefinition (task definitions are account-wide, found by family at run time; both
 * read-only) and elasticloadbalancing DescribeTargetGroups / DescribeTargetHealth (read-only Describe calls).
 * UpdateService with a task definition passes no role (the revision's task and
 * execution roles were passed when it was registered; UpdateService lists no dependent action), so no iam:PassRole.
 */
final class EcsPermissions {
  private static final List<String> DESCRIBE_SERVICES = List.of("ecs:DescribeServices");
  private static final List<String> UPDATE_SERVICES = List.of("ecs:DescribeServices", "ecs:UpdateService");
  private static final List<String> TASKS = List.of("ecs:ListTasks", "ecs:DescribeTasks");
  private static final String ANY = "/^Resource::\\*$/";
  private static final List<String> TARGET_HEALTH = List.of("elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetHealth");

  private final EcsSettings ecs;
  private final List<String> services;
  private final String clusterArn;
  private final String tasks;
  private final List<String> logGroups;

  EcsPermissions(Construct scope, EnvironmentConfig config) {
    Arns arns = new Arns(scope);
    this.ecs = config.require(EcsSettings.class);
    this.services = ecs.services().stream().map(s -> arns.ecsService(ecs.cluster(), s)).toList();
    this.clusterArn = arns.slash("ecs", "cluster", ecs.cluster());
    // the task ARN format with the cluster name: task/<cluster>/<id>
    this.tasks = arns.slash("ecs", "task", ecs.cluster() + "/*");
    this.logGroups = ecs.services().stream().map(s -> arns.logGroup(ecs.logGroup(s))).toList();
  }

  void grant(RunbookFunction diagnose, RunbookFunction forceNewDeployment, RunbookFunction waitForStability,
      RunbookFunction deployPreviousVersion, RunbookFunction scaleUp, RunbookFunction verifyTargets) {
    diagnose.allow(DESCRIBE_SERVICES, services);
    allowTasks(diagnose);
    diagnose.allow(List.of("logs:FilterLogEvents", "logs:GetLogEvents"), logGroups);
    // a service at its count is healthy only with healthy targets: then nothing is redeployed
    diagnose.allow(TARGET_HEALTH, List.of("*"));
    Nag.suppressFindings(diagnose.role(), Nag.IAM5, "ListTasks is authorized on container instances, which "
        + "Fargate tasks have none of: the grant is Resource '*' limited by the ecs:cluster condition to the "
        + "protected cluster; DescribeTasks covers that cluster's tasks, whose ids are known only at run time; the "
        + "log streams of a service's log group are named by ECS per task; elasticloadbalancing:DescribeTargetGroups "
        + "and DescribeTargetHealth support no resource-level permissions (all read-only)", ANY, taskFinding(),
        logFinding());

    forceNewDeployment.allow(UPDATE_SERVICES, services);

    waitForStability.allow(DESCRIBE_SERVICES, services);

    deployPreviousVersion.allow(UPDATE_SERVICES, services);
    deployPreviousVersion.allow(List.of("ecs:ListTaskDefinitions", "ecs:DescribeTaskDefinition"), List.of("*"));
    Nag.suppressFindings(deployPreviousVersion.role(), Nag.IAM5, "ecs:ListTaskDefinitions and "
        + "ecs:DescribeTaskDefinition support no resource-level permissions (AWS requires Resource '*'); both are "
        + "read-only, and the only write, UpdateService, is scoped to the protected services", ANY);

    scaleUp.allow(UPDATE_SERVICES, services);

    verifyTargets.allow(DESCRIBE_SERVICES, services);
    verifyTargets.allow(TARGET_HEALTH, List.of("*"));
    Nag.suppressFindings(verifyTargets.role(), Nag.IAM5, "elasticloadbalancing:DescribeTargetGroups and "
        + "DescribeTargetHealth support no resource-level permissions (AWS requires Resource '*'); both are "
        + "read-only and the step asks only for the configured services' target groups", ANY);
  }

  /** ListTasks on the protected cluster only (condition), DescribeTasks on its tasks. */
  private void allowTasks(RunbookFunction fn) {
    fn.allow(List.of(TASKS.get(0)), List.of("*"), Map.of("ArnEquals", Map.of("ecs:cluster", clusterArn)));
    fn.allow(List.of(TASKS.get(1)), List.of(tasks));
  }

  private String taskFinding() {
    return Nag.arnFinding("ecs", "task\\/" + Nag.literal(ecs.cluster()) + "\\/\\*");
  }

  private String logFinding() {
    return Nag.arnFinding("logs", "log-group:" + Nag.literal(ecs.logGroupPrefix()) + "[A-Za-z0-9_-]+:\\*");
  }
}
