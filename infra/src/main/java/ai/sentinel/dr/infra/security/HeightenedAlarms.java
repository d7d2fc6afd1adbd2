package ai.sentinel.dr.infra.security;

import ai.sentinel.dr.infra.Arns;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Nag;
import ai.sentinel.dr.infra.Names;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.security.HeightenedMonitoring;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iam.ServicePrincipalOpts;
import software.constructs.Construct;

/**
 * Scenario 6 "monitor closely for 48 hours": what HeightenedMonitoring needs to leave nothing behind. The role
 * EventBridge Scheduler assumes (trusted for this account's schedules only) to invoke HeightenedMonitoring's own alias
 * at the window's end and nothing else (the removal runs in that function: no function of its own, the stack being
 * close to CloudFormation's 500 resources), and the grants: HeightenedMonitoring may put, read and delete alarms named
 * {@code <prefix>-heightened-*} only, create and read schedules named {@code <prefix>-heightened-end-*} in the default
 * group only and pass that role to Scheduler only. Each alarm and schedule is named per incident at run time, hence
 * the name wildcards. Its own ARN (from its name: a reference to its alias would be a cycle) and the role's ARN reach
 * the function in its environment.
 */
final class HeightenedAlarms extends Construct {
  HeightenedAlarms(Construct scope, String id, EnvironmentConfig config, RunbookFunction monitor) {
    super(scope, id);
    String prefix = config.prefix();
    Arns arns = new Arns(this);
    String self = arns.colon("lambda", "function", Names.function(prefix, HeightenedMonitoring.class) + ":"
        + RunbookFunction.ALIAS);
    Role role = Role.Builder.create(this, "SchedulerRole")
        .assumedBy(new ServicePrincipal("scheduler.amazonaws.com", ServicePrincipalOpts.builder()
            .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID))).build()))
        .description("EventBridge Scheduler invokes " + Names.function(prefix, HeightenedMonitoring.class)
            + " when an incident's heightened monitoring ends")
        .build();
    role.addToPrincipalPolicy(PolicyStatement.Builder.create().actions(List.of("lambda:InvokeFunction"))
        .resources(List.of(self)).build());
    monitor.function().addEnvironment(HeightenedMonitoring.END_FUNCTION, self);
    monitor.function().addEnvironment(HeightenedMonitoring.SCHEDULER_ROLE, role.getRoleArn());

    String alarms = arns.colon("cloudwatch", "alarm", prefix + "-heightened-*");
    String schedules = arns.slash("scheduler", "schedule", "default/" + prefix + "-heightened-end-*");
    monitor.allow(List.of("cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms"),
        List.of(alarms));
    monitor.allow(List.of("scheduler:CreateSchedule", "scheduler:GetSchedule"), List.of(schedules));
    monitor.allow(List.of("iam:PassRole"), List.of(role.getRoleArn()),
        Map.of("StringEquals", Map.of("iam:PassedToService", "scheduler.amazonaws.com")));
    Nag.suppressFindings(monitor.role(), Nag.IAM5, "Temporary alarms and their removal schedule are named per "
        + "incident at run time: alarms " + prefix + "-heightened-*, schedules default/" + prefix
        + "-heightened-end-*", Nag.arnFinding("cloudwatch", "alarm:" + Nag.literal(prefix) + "-heightened-\\*"),
        Nag.arnFinding("scheduler", "schedule\\/default\\/" + Nag.literal(prefix) + "-heightened-end-\\*"));
  }
}
