package ai.sentinel.dr.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * One handler of the functions jar as a Lambda function: Java 21 with SnapStart, its own role (logs and exactly what
 * its step needs, added with {@link #allow}), its own log group, and an alias {@code live} on the latest published
 * version. Everything invokes the alias: SnapStart only applies to published versions.
 */
public final class RunbookFunction extends Construct {
  /** Name of the alias every trigger and state machine invokes. */
  public static final String ALIAS = "live";

  /**
   * @param functionName physical name, {@code <env>-sentinel-dr-<kebab-name>}
   * @param handler      a {@code RequestStreamHandler} of the functions module
   * @param code         the functions jar
   * @param environment  environment variables (the DrConfig variables)
   * @param logRetention retention of the function's log group
   * @param vpc          subnets and security groups to run in, or null for no VPC
   */
  public record Props(String functionName, Class<?> handler, Code code, Map<String, String> environment,
      RetentionDays logRetention, EnvironmentConfig.Vpc vpc) {}

  /** Every function's timeout unless its stack sets another ({@link #timeout}): a step is one short AWS exchange. */
  public static final int TIMEOUT_SECONDS = 60;

  private final Function function;
  private final Alias live;
  private final Role role;
  private final LogGroup logGroup;
  private final Class<?> handler;

  public RunbookFunction(Construct scope, String id, Props props) {
    super(scope, id);
    handler = props.handler();
    logGroup = LogGroup.Builder.create(this, "Logs")
        .logGroupName("/aws/lambda/" + props.functionName())
        .retention(props.logRetention())
        // explicitly named: a retained group would make the next deployment of the same name fail
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
    role = Role.Builder.create(this, "Role")
        .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
        .description("Runs " + props.functionName())
        .build();
    // its own log group only, instead of AWSLambdaBasicExecutionRole's logs on every group
    logGroup.grantWrite(role);
    function = Function.Builder.create(this, "Function")
        .functionName(props.functionName())
        .description("Sentinel DR " + props.handler().getSimpleName())
        .runtime(Runtime.JAVA_21)
        .handler(Names.handler(props.handler()))
        .code(props.code())
        .memorySize(1024)
        .timeout(Duration.seconds(TIMEOUT_SECONDS))
        .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
        .environment(props.environment())
        .logGroup(logGroup)
        .role(role)
        .build();
    live = Alias.Builder.create(this, "Live").aliasName(ALIAS).version(function.getCurrentVersion()).build();
    Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
        "every deployment publishes a version (currentVersion) and moves the alias 'live' to it");
    if (props.vpc() != null) {
      placeInVpc(props.vpc());
    }
    Nag.suppress(function, Nag.L1, "The functions jar targets Java 17 bytecode and is deployed on java21, the "
        + "runtime the project chose and tested with SnapStart; moving to a newer runtime is a deliberate upgrade");
  }

  /** The L2 function needs an IVpc, which needs a VPC id the config does not have: set the subnets directly. */
  private void placeInVpc(EnvironmentConfig.Vpc vpc) {
    CfnFunction cfn = (CfnFunction) function.getNode().getDefaultChild();
    cfn.setVpcConfig(CfnFunction.VpcConfigProperty.builder()
        .subnetIds(vpc.subnetIds())
        .securityGroupIds(vpc.securityGroupIds())
        .build());
    allow(List.of("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"),
        List.of("*"));
    Nag.suppressFindings(role, Nag.IAM5, "Lambda manages the function's network interfaces in the configured "
        + "subnets with these EC2 actions, which AWS documents on Resource '*' (the AWSLambdaVPCAccessExecutionRole "
        + "set, inlined instead of a managed policy)", "/^Resource::\\*$/");
    // Lambda checks the ENI permissions when it creates the function: the policy must exist first
    function.getNode().addDependency(role);
  }

  /** Allows the function's role {@code actions} on {@code resources}. */
  public void allow(List<String> actions, List<String> resources) {
    role.addToPrincipalPolicy(PolicyStatement.Builder.create().actions(actions).resources(resources).build());
  }

  /** Allows the function's role {@code actions} on {@code resources} when {@code conditions} hold. */
  public void allow(List<String> actions, List<String> resources, Map<String, Object> conditions) {
    role.addToPrincipalPolicy(PolicyStatement.Builder.create().actions(actions).resources(resources)
        .conditions(conditions).build());
  }

  public Function function() {
    return function;
  }

  /** Sets the function's timeout to {@code seconds} (the L2 function has no setter once built). */
  public void timeout(int seconds) {
    ((CfnFunction) function.getNode().getDefaultChild()).setTimeout(seconds);
  }

  /** The handler class it runs. */
  public Class<?> handler() {
    return handler;
  }

  /** The alias {@code live}: what triggers and state machines invoke. */
  public Alias live() {
    return live;
  }

  public Role role() {
    return role;
  }

  public LogGroup logGroup() {
    return logGroup;
  }
}
