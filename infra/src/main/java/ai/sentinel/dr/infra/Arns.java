package ai.sentinel.dr.infra;

import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

/**
 * ARNs in the stack's partition, region and account: the resources every runbook touches (secrets, the platform's ECS
 * services, log groups, executions) and, through {@link #colon} and {@link #slash}, a scenario's own resources (each
 * scenario's permissions class names its ARN formats).
 */
public final class Arns {
  private final Stack stack;

  public Arns(IConstruct scope) {
    this.stack = Stack.of(scope);
  }

  /** {@code arn:<partition>:<service>:<region>:<account>:<resource>:<name>}. */
  public String colon(String service, String resource, String name) {
    return stack.formatArn(ArnComponents.builder().service(service).resource(resource).resourceName(name)
        .arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
  }

  /** {@code arn:<partition>:<service>:<region>:<account>:<resource>/<name>}. */
  public String slash(String service, String resource, String name) {
    return stack.formatArn(ArnComponents.builder().service(service).resource(resource).resourceName(name)
        .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
  }

  /** A secret by name: Secrets Manager appends a hyphen and six random characters to every secret's ARN. */
  public String secret(String name) {
    return colon("secretsmanager", "secret", name + "-??????");
  }

  /** A service of the platform's cluster: the services every repoint restarts. */
  public String ecsService(String cluster, String service) {
    return slash("ecs", "service", cluster + "/" + service);
  }

  /** A log group and its streams ({@code log-group:<name>:*}). */
  public String logGroup(String name) {
    return colon("logs", "log-group", name + ":*");
  }

  /** Every execution of the state machine named {@code stateMachineName}. */
  public String executions(String stateMachineName) {
    return colon("states", "execution", stateMachineName + ":*");
  }
}
