package ai.sentinel.dr.infra;

import java.util.Locale;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

/** ARNs of the resources the runbook touches, in the stack's partition, region and account. */
final class Arns {
  private final Stack stack;

  Arns(IConstruct scope) {
    this.stack = Stack.of(scope);
  }

  private String colon(String service, String resource, String name) {
    return stack.formatArn(ArnComponents.builder().service(service).resource(resource).resourceName(name)
        .arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
  }

  String dbInstance(String id) {
    return colon("rds", "db", id);
  }

  /** Snapshots by name pattern; automated snapshots are named {@code rds:<instance>-<time>}. */
  String dbSnapshot(String pattern) {
    return colon("rds", "snapshot", pattern);
  }

  String dbSubnetGroup(String name) {
    return colon("rds", "subgrp", name);
  }

  String optionGroup(String pattern) {
    return colon("rds", "og", pattern);
  }

  String parameterGroup(String pattern) {
    return colon("rds", "pg", pattern);
  }

  /** A secret by name: Secrets Manager appends a hyphen and six random characters to every secret's ARN. */
  String secret(String name) {
    return colon("secretsmanager", "secret", name + "-??????");
  }

  String ecsService(String cluster, String service) {
    return stack.formatArn(ArnComponents.builder().service("ecs").resource("service")
        .resourceName(cluster + "/" + service).arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
  }

  /** ECS tasks of {@code cluster}: the task ARN format with the cluster name ({@code task/<cluster>/<id>}). */
  String ecsTasks(String cluster) {
    return stack.formatArn(ArnComponents.builder().service("ecs").resource("task")
        .resourceName(cluster + "/*").arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
  }

  String ecsCluster(String cluster) {
    return stack.formatArn(ArnComponents.builder().service("ecs").resource("cluster")
        .resourceName(cluster).arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
  }

  /** A log group and its streams ({@code log-group:<name>:*}). */
  String logGroup(String name) {
    return colon("logs", "log-group", name + ":*");
  }

  // ElastiCache keeps its names in lower case, and IAM compares its ARNs that way: a mixed-case ARN would match nothing

  String cacheCluster(String id) {
    return colon("elasticache", "cluster", id.toLowerCase(Locale.ROOT));
  }

  String cacheSnapshot(String pattern) {
    return colon("elasticache", "snapshot", pattern.toLowerCase(Locale.ROOT));
  }

  String cacheSubnetGroup(String name) {
    return colon("elasticache", "subnetgroup", name.toLowerCase(Locale.ROOT));
  }

  String cacheParameterGroup(String pattern) {
    return colon("elasticache", "parametergroup", pattern.toLowerCase(Locale.ROOT));
  }

  String cacheSecurityGroup(String name) {
    return colon("elasticache", "securitygroup", name.toLowerCase(Locale.ROOT));
  }

  /** Every execution of the state machine named {@code stateMachineName}. */
  String executions(String stateMachineName) {
    return colon("states", "execution", stateMachineName + ":*");
  }
}
