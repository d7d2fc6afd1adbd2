package ai.sentinel.dr.infra;

import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.report.Report;
import ai.sentinel.dr.report.ScheduledSimulation;
import ai.sentinel.dr.trigger.ManualResponder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * The runbook's quarterly Full DR simulation in AWS ({@code drills.fullSimulation}, off unless set), in its own stack
 * {@code <env>-sentinel-dr-simulation} (the environment's stack is at 495 of CloudFormation's 500 resources): a
 * schedule starts the state machine {@code <env>-sentinel-dr-full-simulation}, whose function
 * ({@link ScheduledSimulation}) announces the window, sends every deployed recovery's dry-run drill to the manual
 * responder of the stack that deploys it (the region failover to the DR stack's, in the DR region, where cdk.json has
 * {@code dr}), waits until every execution has ended, and writes the one-page leadership summary to the reports bucket
 * ({@code reports/full-dr-simulation/<start>/full-dr-simulation-report.md}), as {@code ./sentinel drill --full} does.
 */
public final class SimulationStack extends Stack {
  /** How long the state machine waits between two checks of the drills' executions. */
  static final Duration CHECK_EVERY = Duration.minutes(5);
  /** Checks before the summary is written anyway (2 h: a dry-run drill that runs longer is a failure to report). */
  static final int MAX_CHECKS = 24;

  /** Lambda's largest timeout. */
  static final int LAMBDA_MAX_SECONDS = 900;

  private final StateMachine stateMachine;
  private final List<ScheduledSimulation.Drill> drills;

  public SimulationStack(Construct scope, EnvironmentConfig config, Path lambdaJar, ReportsBucket reports,
      Notifications notifications) {
    super(scope, config.prefix() + "-simulation", StackProps.builder()
        .stackName(config.prefix() + "-simulation")
        .description("Sentinel DR (" + config.name() + "): the runbook's quarterly full DR simulation")
        .env(Environment.builder().account(config.account()).region(config.region()).build())
        .build());
    Tags.of(this).add("sentinel:environment", config.name());
    Tags.of(this).add("sentinel:component", "full-dr-simulation");
    String prefix = config.prefix();
    drills = drills(config);

    Map<String, String> environment = new LinkedHashMap<>(config.lambdaEnvironment());
    environment.put(Vars.NOTIFY_TOPIC_ARN, notifications.topic().getTopicArn());
    environment.put(ScheduledSimulation.DRILLS_VAR, Json.write(drills));
    environment.put(ScheduledSimulation.MAX_CHECKS_VAR, Integer.toString(MAX_CHECKS));
    environment.put(ScheduledSimulation.CHECK_SECONDS_VAR, Long.toString(CHECK_EVERY.toSeconds().longValue()));
    environment.put(Report.BUCKET_VAR, reports.bucket().getBucketName());
    RunbookFunctions functions = new RunbookFunctions(prefix, lambdaJar, environment,
        SentinelDrStack.functionsConfig(config)::settingsEnvironment, config.logRetention());
    RunbookFunction fn = functions.create(this, ScheduledSimulation.class, Map.of(), null);
    fn.timeout(timeoutSeconds(drills.size()));
    permissions(fn, config, reports);
    // the window's announcement and close go to the environment's on-call topic (KMS-encrypted)
    notifications.grantPublish(fn);

    LambdaInvoke start = invoke("Start drills", fn, TaskInput.fromObject(Map.of("phase", "start",
        "id", JsonPath.stringAt("$$.Execution.Name"), "startedAt", JsonPath.stringAt("$$.Execution.StartTime"))));
    // the function says how long (CHECK_EVERY here; a local cloud's drills end in seconds and it sets a few)
    Wait wait = Wait.Builder.create(this, "Wait for the drills").time(WaitTime.secondsPath("$.waitSeconds")).build();
    // no payload: the whole state goes as it is (with payloadResponseOnly, TaskInput.fromJsonPathAt("$") renders
    // "Parameters": "$", a string where ASL wants an object: Step Functions refuses that definition, aws/aws-cdk#34260)
    LambdaInvoke check = invoke("Check drills", fn, null);
    LambdaInvoke summary = invoke("Write summary", fn, null);
    Choice ended = Choice.Builder.create(this, "Every drill ended?").build()
        .when(Condition.booleanEquals("$.done", true), summary).otherwise(wait);
    start.next(wait);
    wait.next(check);
    check.next(ended);
    String name = prefix + "-full-simulation";
    LogGroup logs = LogGroup.Builder.create(this, "Logs")
        .logGroupName(StateMachineLogDelivery.LOG_GROUP_PREFIX + name)
        .retention(config.logRetention())
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
    stateMachine = StateMachine.Builder.create(this, "StateMachine")
        .stateMachineName(name)
        .comment("Sentinel DR full DR simulation (" + config.name() + "): dry-run drills, then the leadership summary")
        .definitionBody(DefinitionBody.fromChainable(start))
        .logs(LogOptions.builder().destination(logs).level(LogLevel.ALL).includeExecutionData(true).build())
        .tracingEnabled(true)
        .timeout(Duration.hours(3))
        .build();
    Nag.suppressFindings(stateMachine, Nag.IAM5, "CloudWatch Logs delivery and X-Ray support no resource-level "
        + "permissions (Resource '*'); the function is invoked through its alias and its versions", "/^Resource::\\*$/",
        "/^Resource::<.*\\.Arn>:\\*$/", "/^Resource::<.*>:\\*$/");
    Rule.Builder.create(this, "Schedule")
        .ruleName(Names.rule(prefix, "drill-full-simulation"))
        .description("Testing Schedule: quarterly full DR simulation (dry-run drills of " + String.join(", ",
            drills.stream().map(ScheduledSimulation.Drill::scenario).toList()) + ", then the leadership summary)")
        .schedule(Schedule.expression(config.drills().fullSimulation()))
        .targets(List.of(SfnStateMachine.Builder.create(stateMachine).retryAttempts(2).build()))
        .build();
  }

  /**
   * The function's timeout for {@code drills} drills. "Start drills" announces the window (one SNS publish), then
   * invokes each responder in turn and waits for its answer, because it needs the execution ARN the responder
   * started (Check drills follows those executions): an asynchronous invoke would answer nothing. Each call ends
   * within {@link RunbookFunction#TIMEOUT_SECONDS} (the responder's own timeout, and the SDK's 60 s apiCallTimeout of
   * every client, Clients#configure), so the step ends within (drills + 1) calls of that bound; the default 60 s
   * would cut the start short after one slow responder and leave the others unsent.
   */
  static int timeoutSeconds(int drills) {
    int needed = (drills + 1) * RunbookFunction.TIMEOUT_SECONDS;
    if (needed > LAMBDA_MAX_SECONDS) {
      // more drills than one start can wait for: fail the synth rather than deploy a start that cannot finish
      throw new IllegalStateException(drills + " drills need " + needed + " s to start, more than Lambda's "
          + LAMBDA_MAX_SECONDS + " s");
    }
    return needed;
  }

  private LambdaInvoke invoke(String id, RunbookFunction fn, TaskInput input) {
    return LambdaInvoke.Builder.create(this, id).lambdaFunction(fn.live()).payload(input).payloadResponseOnly(true)
        .build(); // a null input: the state's input
  }

  /**
   * Every scenario's drill (InfraScenario#simulation, through {@link ScheduledDrills#simulation}): the environment
   * stack's deployed recoveries to its manual responder, a scenario of its own stack (the region failover) to that
   * stack's responder in its region; none when the scenario gives no target.
   */
  public static List<ScheduledSimulation.Drill> drills(EnvironmentConfig config) {
    List<ScheduledSimulation.Drill> out = new ArrayList<>();
    for (InfraScenario scenario : InfraScenarios.all()) {
      ScheduledDrills.Target t = ScheduledDrills.simulation(scenario, config);
      if (t == null || (t.responder() == null && !scenario.deployedIn(config))) {
        continue;
      }
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("runbook", t.runbook());
      if (t.resource() != null) {
        payload.put("resource", t.resource());
      }
      new TreeMap<>(t.fields()).forEach(payload::put);
      payload.put("drill", true);
      payload.put("dryRun", true);
      if (software.amazon.awscdk.Token.isUnresolved(Json.write(payload))) {
        // nothing transforms the payload at run time but ScheduledSimulation.STARTED_AT
        throw new IllegalStateException(scenario.id() + "'s simulation payload holds a CDK token: " + payload);
      }
      String responder = t.responder() != null ? t.responder() : Names.function(config.prefix(),
          ManualResponder.class);
      out.add(new ScheduledSimulation.Drill(scenario.id(), responder + ":" + RunbookFunction.ALIAS,
          t.region() != null ? t.region() : config.region(), payload));
    }
    return out;
  }

  /** Invoke each responder, read its scenario's executions, write summaries under one prefix. */
  private void permissions(RunbookFunction fn, EnvironmentConfig config, ReportsBucket reports) {
    String arn = "arn:" + Aws.PARTITION + ":";
    List<String> functions = new ArrayList<>();
    List<String> executions = new ArrayList<>();
    for (ScheduledSimulation.Drill d : drills) {
      String name = d.function().substring(0, d.function().indexOf(':'));
      functions.add(arn + "lambda:" + d.region() + ":" + Aws.ACCOUNT_ID + ":function:" + name + ":"
          + RunbookFunction.ALIAS);
      executions.add(arn + "states:" + d.region() + ":" + Aws.ACCOUNT_ID + ":execution:"
          + Names.stateMachine(config.prefix(), d.scenario()) + ":*");
    }
    fn.allow(List.of("lambda:InvokeFunction"), functions.stream().distinct().toList());
    fn.allow(List.of("states:DescribeExecution", "states:GetExecutionHistory"), executions);
    fn.allow(List.of("s3:PutObject"), List.of(reports.bucket().arnForObjects(ScheduledSimulation.KEY_PREFIX + "*")));
    Nag.suppressFindings(fn.role(), Nag.IAM5, "Execution names and summary keys are made at run time: "
        + "DescribeExecution/GetExecutionHistory on the executions of the drilled state machines only, PutObject "
        + "under reports/full-dr-simulation/ of the reports bucket only", "/^Resource::.*:execution:.*:\\*$/",
        "/^Resource::.*reports\\/full-dr-simulation\\/\\*$/");
  }

  public StateMachine stateMachine() {
    return stateMachine;
  }

  public List<ScheduledSimulation.Drill> drills() {
    return drills;
  }
}
