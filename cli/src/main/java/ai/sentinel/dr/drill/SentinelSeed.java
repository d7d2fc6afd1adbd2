package ai.sentinel.dr.drill;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * Seeds the Sentinel platform as the runbook describes it into the local cloud: RDS {@code sentinel-db} (postgres,
 * Multi-AZ) with automated and manual snapshots, its subnet group and security groups; the database URL secret; the
 * ECS cluster with the API and Celery services; the runbook's {@code sentinel-rds-connections} alarm.
 */
public final class SentinelSeed {

  /**
   * What to seed, in the environment config's names.
   *
   * @param dbInstanceId   sentinel-db
   * @param dbInstanceClass its class
   * @param subnetGroup    DB subnet group name
   * @param secretId       database URL secret
   * @param cluster        ECS cluster
   * @param services       ECS services (first is the API)
   * @param alarmName      the runbook's alarm
   * @param alarmTopicArn  where the alarm's actions go (may be null)
   * @param dbPassword     master password, also in the secret
   * @param dbName         database name in the secret
   */
  public record Spec(String dbInstanceId, String dbInstanceClass, String subnetGroup, String secretId,
      String cluster, List<String> services, String alarmName, String alarmTopicArn, String dbPassword,
      String dbName) {}

  /**
   * What was seeded, for the drill, the function environment and assertions.
   *
   * @param dbSecurityGroups security groups of the database
   * @param appSecurityGroup security group of the ECS tasks
   * @param subnetIds        default VPC subnets used
   * @param dbEndpoint       original endpoint address
   * @param manualSnapshotId the manual snapshot taken after seeding
   * @param secretValue      the secret's initial value (test assertions only; never printed)
   */
  public record Seeded(List<String> dbSecurityGroups, String appSecurityGroup, List<String> subnetIds,
      String dbEndpoint, String manualSnapshotId, String secretValue) {}

  private SentinelSeed() {}

  public static Seeded seed(LocalAws aws, Spec spec) {
    String vpcId = aws.ec2.describeVpcs(b -> b.filters(Filter.builder().name("is-default").values("true").build()))
        .vpcs().get(0).vpcId();
    List<String> subnets = aws.ec2.describeSubnets(b -> b.filters(Filter.builder().name("vpc-id").values(vpcId)
        .build())).subnets().stream().map(Subnet::subnetId).sorted().limit(2).toList();
    String dbSg = aws.ec2.createSecurityGroup(b -> b.groupName(spec.dbInstanceId() + "-sg").vpcId(vpcId)
        .description("Sentinel database")).groupId();
    String appSg = aws.ec2.createSecurityGroup(b -> b.groupName("sentinel-app-sg").vpcId(vpcId)
        .description("Sentinel ECS tasks")).groupId();

    aws.rds.createDBSubnetGroup(b -> b.dbSubnetGroupName(spec.subnetGroup())
        .dbSubnetGroupDescription("Sentinel database subnets").subnetIds(subnets));
    DBInstance db = aws.rds.createDBInstance(b -> b.dbInstanceIdentifier(spec.dbInstanceId()).engine("postgres")
        .engineVersion("15.4").dbInstanceClass(spec.dbInstanceClass()).allocatedStorage(20)
        .masterUsername(LocalPostgres.USER).masterUserPassword(spec.dbPassword()).dbName(spec.dbName())
        .multiAZ(true).availabilityZone(LocalAws.REGION.id() + "a").dbSubnetGroupName(spec.subnetGroup())
        .vpcSecurityGroupIds(dbSg).publiclyAccessible(false).backupRetentionPeriod(7)).dbInstance();
    String manual = spec.dbInstanceId() + "-manual-" + Instant.now().getEpochSecond();
    aws.rds.createDBSnapshot(b -> b.dbInstanceIdentifier(spec.dbInstanceId()).dbSnapshotIdentifier(manual));

    String endpoint = db.endpoint().address();
    String secret = "postgresql://" + LocalPostgres.USER + ":" + spec.dbPassword() + "@" + endpoint + ":"
        + db.endpoint().port() + "/" + spec.dbName();
    aws.secrets.createSecret(b -> b.name(spec.secretId()).secretString(secret));

    aws.ecs.createCluster(b -> b.clusterName(spec.cluster()));
    Map<String, String> taskDefinitions = new LinkedHashMap<>();
    for (String service : spec.services()) {
      // two revisions each: the runbook's rollback needs a previous one to go back to
      for (int revision = 1; revision <= 2; revision++) {
        String image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + service + ":v" + revision;
        String arn = aws.ecs.registerTaskDefinition(b -> b.family(service).networkMode(NetworkMode.AWSVPC)
            .requiresCompatibilities(Compatibility.FARGATE).cpu("512").memory("1024")
            .containerDefinitions(c -> c.name(service).image(image).memory(1024).essential(true)))
            .taskDefinition().taskDefinitionArn();
        taskDefinitions.put(service, arn);
      }
    }
    List<String> services = new ArrayList<>(spec.services());
    for (int i = 0; i < services.size(); i++) {
      String service = services.get(i);
      int desired = i == 0 ? 2 : 1;
      aws.ecs.createService(b -> b.cluster(spec.cluster()).serviceName(service)
          .taskDefinition(taskDefinitions.get(service)).desiredCount(desired).launchType(LaunchType.FARGATE)
          .networkConfiguration(n -> n.awsvpcConfiguration(v -> v.subnets(subnets).securityGroups(appSg)
              .assignPublicIp(AssignPublicIp.DISABLED))));
      // the local cloud starts no tasks; setting the count is how it reports the service running
      aws.ecs.updateService(b -> b.cluster(spec.cluster()).service(service).desiredCount(desired));
    }

    aws.cloudWatch.putMetricAlarm(b -> {
      b.alarmName(spec.alarmName()).alarmDescription("DatabaseConnections on " + spec.dbInstanceId())
          .namespace("AWS/RDS").metricName("DatabaseConnections")
          .dimensions(Dimension.builder().name("DBInstanceIdentifier").value(spec.dbInstanceId()).build())
          .statistic(Statistic.AVERAGE).period(300).evaluationPeriods(1).threshold(0.0)
          .comparisonOperator(ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD).treatMissingData("breaching");
      if (spec.alarmTopicArn() != null) {
        b.alarmActions(spec.alarmTopicArn());
      }
    });
    aws.cloudWatch.putMetricData(b -> b.namespace("AWS/RDS").metricData(d -> d.metricName("DatabaseConnections")
        .dimensions(Dimension.builder().name("DBInstanceIdentifier").value(spec.dbInstanceId()).build())
        .value(42.0).unit(StandardUnit.COUNT).timestamp(Instant.now().minusSeconds(600))));
    return new Seeded(List.of(dbSg), appSg, subnets, endpoint, manual, secret);
  }
}
