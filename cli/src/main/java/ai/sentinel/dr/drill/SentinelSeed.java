package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.localcloud.LocalCloud;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;

/**
 * Seeds the Sentinel platform as the runbook describes it into the local cloud, named as the environment config
 * names it: this frame finds the network every part shares (the default VPC and two of its subnets) and runs each
 * scenario's {@link SeedPart} (the database, the cache, the ECS services and their alarms, secrets and snapshots).
 * Every drill starts from this healthy platform and injects its own failure.
 */
public final class SentinelSeed {
  public final LocalAws aws;
  public final LocalCloud cloud;
  /** The deployed configuration: the names of everything protected. */
  public final DrConfig config;
  public final String vpcId;
  /** Two subnets of the default VPC, sorted: every subnet group and service network uses them. */
  public final List<String> subnetIds;
  /** What is deployed (e.g. the rotation functions a secret gets attached to, as the stack attaches them). */
  public final LocalDeployment deployment;
  /** Where the runbook's alarms send their actions (may be null). */
  private final String alarmTopicArn;
  private final List<SeedPart> parts;
  /**
   * The app's other stacks deployed beside the environment's (a scenario's own stack in another region), empty for
   * most drills: a part that seeds for such a stack seeds only when it is there.
   */
  public final List<LocalStack> otherStacks;

  private SentinelSeed(LocalAws aws, LocalCloud cloud, DrConfig config, String vpcId, List<String> subnetIds,
      LocalDeployment deployment, String alarmTopicArn, List<SeedPart> parts, List<LocalStack> otherStacks) {
    this.otherStacks = List.copyOf(otherStacks);
    this.aws = aws;
    this.cloud = cloud;
    this.config = config;
    this.vpcId = vpcId;
    this.subnetIds = subnetIds;
    this.deployment = deployment;
    this.alarmTopicArn = alarmTopicArn;
    this.parts = parts;
  }

  /** Another scenario's part, seeded before this one's {@link SeedPart#finish} (e.g. the database the API uses). */
  public <T extends SeedPart> T part(Class<T> type) {
    return parts.stream().filter(type::isInstance).map(type::cast).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(type.getSimpleName() + " is not in LocalScenarios.ALL"));
  }

  /**
   * Seeds every part: each one's {@link SeedPart#seed} in order, then each one's {@link SeedPart#finish} (a part that
   * waits for the cloud waits while the others seed).
   */
  public static void seed(LocalAws aws, LocalCloud cloud, DrConfig config, LocalDeployment deployment,
      String alarmTopicArn, List<SeedPart> parts) throws IOException, InterruptedException {
    seed(aws, cloud, config, deployment, alarmTopicArn, parts, List.of());
  }

  /** {@link #seed} with the app's other stacks deployed beside the environment's ({@link #otherStacks}). */
  public static void seed(LocalAws aws, LocalCloud cloud, DrConfig config, LocalDeployment deployment,
      String alarmTopicArn, List<SeedPart> parts, List<LocalStack> otherStacks)
      throws IOException, InterruptedException {
    String vpcId = aws.ec2.describeVpcs(b -> b.filters(Filter.builder().name("is-default").values("true").build()))
        .vpcs().get(0).vpcId();
    List<String> subnets = aws.ec2.describeSubnets(b -> b.filters(Filter.builder().name("vpc-id").values(vpcId)
        .build())).subnets().stream().map(Subnet::subnetId).sorted().limit(2).toList();
    SentinelSeed platform = new SentinelSeed(aws, cloud, config, vpcId, subnets, deployment, alarmTopicArn,
        parts, otherStacks);
    for (SeedPart part : parts) {
      part.seed(platform);
    }
    for (SeedPart part : parts) {
      part.finish(platform);
    }
    // what the reports measure the customer impact from: the API load balancer's traffic
    LocalTraffic.seed(platform);
  }

  /** A security group in the platform's VPC. */
  public String securityGroup(String name, String description) {
    return aws.ec2.createSecurityGroup(b -> b.groupName(name).vpcId(vpcId).description(description)).groupId();
  }

  /**
   * An alarm on a connections metric (0 connections = nobody can reach it), with a healthy datapoint; its actions go
   * to the stack's alarm topic as the runbook's alarms do.
   */
  public void connectionsAlarm(String name, String namespace, String metric, String dimension, String value) {
    Dimension d = Dimension.builder().name(dimension).value(value).build();
    aws.cloudWatch.putMetricAlarm(b -> {
      b.alarmName(name).alarmDescription(metric + " on " + value).namespace(namespace).metricName(metric)
          .dimensions(d).statistic(Statistic.AVERAGE).period(300).evaluationPeriods(1).threshold(0.0)
          .comparisonOperator(ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD).treatMissingData("breaching");
      if (alarmTopicArn != null) {
        b.alarmActions(alarmTopicArn);
      }
    });
    aws.cloudWatch.putMetricData(b -> b.namespace(namespace).metricData(m -> m.metricName(metric).dimensions(d)
        .value(42.0).unit(StandardUnit.COUNT).timestamp(Instant.now().minusSeconds(600))));
  }
}
