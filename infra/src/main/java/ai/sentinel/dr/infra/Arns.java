package ai.sentinel.dr.infra;

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

  /** Every execution of the state machine named {@code stateMachineName}. */
  String executions(String stateMachineName) {
    return colon("states", "execution", stateMachineName + ":*");
  }
}
