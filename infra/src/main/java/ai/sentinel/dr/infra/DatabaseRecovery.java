package ai.sentinel.dr.infra;

import ai.sentinel.dr.database.ChooseOption;
import ai.sentinel.dr.database.Diagnose;
import ai.sentinel.dr.database.PointInTimeRestore;
import ai.sentinel.dr.database.RestoreFromSnapshot;
import ai.sentinel.dr.database.UpdateSecret;
import ai.sentinel.dr.database.Verify;
import ai.sentinel.dr.database.VerifyFailover;
import ai.sentinel.dr.database.WaitForInstance;
import ai.sentinel.dr.errors.RetryableStepError;
import ai.sentinel.dr.recovery.AcquireLock;
import ai.sentinel.dr.recovery.Notify;
import ai.sentinel.dr.recovery.RequestApproval;
import ai.sentinel.dr.recovery.RestartServices;
import ai.sentinel.dr.recovery.WaitForServices;
import ai.sentinel.dr.report.Report;
import ai.sentinel.dr.trigger.Scenarios;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.IChainable;
import software.amazon.awscdk.services.stepfunctions.IntegrationPattern;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.Pass;
import software.amazon.awscdk.services.stepfunctions.Result;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Timeout;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * Runbook Scenario 1 (database failure) as a Step Functions state machine {@code <env>-sentinel-dr-database-failure},
 * with one function per runbook step, each allowed only the calls its step makes on the configured resources.
 *
 * <p>Every step receives the whole recovery document and returns it whole; Choices read the fields the steps set;
 * Waits between polls take their length from the document ({@code $.options.pollSeconds}). Any error a step does not
 * recover from by retrying goes to NotifyFailure (the on-call is told) and ends in RecoveryFailed: a recovery with a
 * caught error never reaches Succeed.
 *
 * <p>The first state, AcquireLock, holds the resource's lock before anything changes (Notify releases it). When the
 * environment gates UpdateSecret ({@code safety.approvalSteps}), a real recovery waits at "Approve UpdateSecret" for a
 * human's answer (a task token sent to the on-call by RequestApproval) before the secret is repointed; a rejection or
 * no answer within {@code approvalTimeoutMinutes} goes to NotifyFailure like any other failure. Dry-runs skip the
 * gate: a plan changes nothing.
 */
public final class DatabaseRecovery extends Construct {
  /** Errors worth retrying: the steps' own transient error and Lambda's service-side failures. */
  static final List<String> RETRYABLE = List.of(RetryableStepError.class.getName(), "Lambda.ServiceException",
      "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException");
  /** Lambda's service-side failures: the function most likely never ran, so invoking it again is safe. */
  static final List<String> LAMBDA_ERRORS = RETRYABLE.subList(1, RETRYABLE.size());
  static final String POLL_SECONDS = "$.options.pollSeconds";
  static final String DRY_RUN = "$.options.dryRun";
  /** The step the approval gate can guard. */
  static final String UPDATE_SECRET = UpdateSecret.class.getSimpleName();
  static final String APPROVE_UPDATE_SECRET = "Approve " + UPDATE_SECRET;

  /**
   * @param config        the environment
   * @param functions     makes the step functions
   * @param notifications where Notify and RequestApproval publish
   * @param locks         the per-resource lock table (AcquireLock takes the lock, Notify releases it)
   * @param tracing       X-Ray tracing of executions
   */
  public record Props(EnvironmentConfig config, RunbookFunctions functions, Notifications notifications,
      RecoveryLocksTable locks, ReportsBucket reports, boolean tracing) {}

  private final Map<String, RunbookFunction> steps = new LinkedHashMap<>();
  private final RunbookFunction requestApproval;
  private final StateMachine stateMachine;
  private final LogGroup logGroup;

  public DatabaseRecovery(Construct scope, String id, Props props) {
    super(scope, id);
    EnvironmentConfig config = props.config();
    // functions apart from the states, which are constructs too and take the step names as ids
    Construct fns = new Construct(this, "Functions");
    RunbookFunction acquireLock = step(fns, props, AcquireLock.class, null);
    RunbookFunction diagnose = step(fns, props, Diagnose.class, null);
    RunbookFunction chooseOption = step(fns, props, ChooseOption.class, null);
    RunbookFunction verifyFailover = step(fns, props, VerifyFailover.class, null);
    RunbookFunction restoreFromSnapshot = step(fns, props, RestoreFromSnapshot.class, null);
    RunbookFunction pointInTimeRestore = step(fns, props, PointInTimeRestore.class, null);
    RunbookFunction waitForInstance = step(fns, props, WaitForInstance.class, null);
    RunbookFunction updateSecret = step(fns, props, UpdateSecret.class, null);
    RunbookFunction restartServices = step(fns, props, RestartServices.class, null);
    RunbookFunction waitForServices = step(fns, props, WaitForServices.class, null);
    // the one step that may need the database's network: SELECT 1
    RunbookFunction verify = step(fns, props, Verify.class, config.vpc());
    RunbookFunction notify = step(fns, props, Notify.class, null);
    RunbookFunction report = props.functions().create(fns, Report.class,
        Map.of(Report.BUCKET_VAR, props.reports().bucket().getBucketName()), null);
    steps.put(Report.class.getSimpleName(), report);
    props.reports().grantWriteReports(report);
    new StepPermissions(this, config).grant(diagnose, verifyFailover, restoreFromSnapshot, pointInTimeRestore,
        waitForInstance, updateSecret, restartServices, waitForServices, verify);
    props.notifications().grantPublish(notify);
    props.locks().grantAcquire(acquireLock);
    props.locks().grantRelease(notify);
    boolean gateUpdateSecret = config.safety().gates(UPDATE_SECRET);
    // only where a gate uses it: no idle function allowed to publish to the on-call
    requestApproval = gateUpdateSecret
        ? props.functions().create(fns, RequestApproval.class, Map.of(), null) : null;
    if (requestApproval != null) {
      props.notifications().grantPublish(requestApproval);
    }

    String name = Names.stateMachine(config.prefix(), Scenarios.DATABASE_FAILURE);
    // the failure path: tell the on-call, then fail; if even that fails, fail anyway
    Fail recoveryFailed = Fail.Builder.create(this, "RecoveryFailed")
        .error("RecoveryFailed")
        .cause("A runbook step failed and the recovery stopped; NotifyFailure told the on-call unless it failed "
            + "too (see the execution history)")
        .build();
    // every execution ends with its post-incident report; a report that cannot be written changes no outcome
    LambdaInvoke reportFailure = reportTask("ReportFailure", report, "FAILED", recoveryFailed);
    LambdaInvoke notifyFailure = invoke("NotifyFailure", notify);
    notifyFailure.addCatch(reportFailure, CatchProps.builder().errors(List.of("States.ALL"))
        .resultPath("$.notifyError").build());
    notifyFailure.next(reportFailure);

    LambdaInvoke acquireLockTask = task("AcquireLock", acquireLock, notifyFailure);
    LambdaInvoke diagnoseTask = task("Diagnose", diagnose, notifyFailure);
    LambdaInvoke chooseOptionTask = task("ChooseOption", chooseOption, notifyFailure);
    LambdaInvoke verifyFailoverTask = task("VerifyFailover", verifyFailover, notifyFailure);
    LambdaInvoke restoreFromSnapshotTask = task("RestoreFromSnapshot", restoreFromSnapshot, notifyFailure);
    LambdaInvoke pointInTimeRestoreTask = task("PointInTimeRestore", pointInTimeRestore, notifyFailure);
    LambdaInvoke waitForInstanceTask = task("WaitForInstance", waitForInstance, notifyFailure);
    LambdaInvoke updateSecretTask = task("UpdateSecret", updateSecret, notifyFailure);
    LambdaInvoke restartServicesTask = task("RestartServices", restartServices, notifyFailure);
    LambdaInvoke waitForServicesTask = task("WaitForServices", waitForServices, notifyFailure);
    LambdaInvoke verifyTask = task("Verify", verify, notifyFailure);
    LambdaInvoke notifyTask = task("Notify", notify, notifyFailure);

    // ChooseOption always decides; anything else is a bug that must reach a human, not a runtime error
    Map<String, Object> unknown = new LinkedHashMap<>();
    unknown.put("Error", "UnknownOption");
    unknown.put("Cause", "ChooseOption did not choose option A, B or C");
    Pass unknownOption = Pass.Builder.create(this, "Unknown option")
        .result(Result.fromObject(unknown))
        .resultPath("$.error")
        .build();
    unknownOption.next(notifyFailure);

    Succeed recovered = new Succeed(this, "Recovered");
    verifyTask.next(notifyTask).next(reportTask("Report", report, "SUCCEEDED", recovered));

    Choice failoverDone = new Choice(this, "Failover done?")
        .when(isTrue("$.database.failover.done"), verifyTask)
        .otherwise(pollWait("Wait for failover").next(verifyFailoverTask));
    verifyFailoverTask.next(failoverDone);

    Choice servicesStable = new Choice(this, "Services stable?")
        .when(isTrue("$.services.stable"), verifyTask)
        .otherwise(pollWait("Wait for services").next(waitForServicesTask));
    updateSecretTask.next(restartServicesTask).next(waitForServicesTask).next(servicesStable);

    // the database is back: repointing the secret moves production traffic, the step a human may have to approve
    IChainable repoint = updateSecretTask;
    if (gateUpdateSecret) {
      LambdaInvoke approve = approval(requestApproval, config.safety().approvalTimeoutMinutes(), notifyFailure);
      approve.next(updateSecretTask);
      repoint = new Choice(this, "Dry-run?")
          // a plan records the repoint instead of doing it: nothing to approve
          .when(isTrue(DRY_RUN), updateSecretTask)
          .otherwise(approve);
    }
    Choice instanceAvailable = new Choice(this, "Instance available?")
        .when(isTrue("$.database.restore.available"), repoint)
        .otherwise(pollWait("Wait for instance").next(waitForInstanceTask));
    waitForInstanceTask.next(instanceAvailable);
    restoreFromSnapshotTask.next(waitForInstanceTask);
    pointInTimeRestoreTask.next(waitForInstanceTask);

    String option = "$.database.decision.option";
    Choice whichOption = new Choice(this, "Which option?")
        .when(Condition.isNotPresent(option), unknownOption)
        .when(Condition.stringEquals(option, "A"), verifyFailoverTask)
        .when(Condition.stringEquals(option, "B"), restoreFromSnapshotTask)
        .when(Condition.stringEquals(option, "C"), pointInTimeRestoreTask)
        .otherwise(unknownOption);
    acquireLockTask.next(diagnoseTask).next(chooseOptionTask).next(whichOption);

    logGroup = LogGroup.Builder.create(this, "Logs")
        // the /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy from growing per state machine
        .logGroupName("/aws/vendedlogs/states/" + name)
        .retention(config.logRetention())
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
    stateMachine = StateMachine.Builder.create(this, "StateMachine")
        .stateMachineName(name)
        .comment("Sentinel DR runbook Scenario 1: database failure (" + config.name() + ")")
        .definitionBody(DefinitionBody.fromChainable(acquireLockTask))
        .logs(LogOptions.builder().destination(logGroup).level(LogLevel.ALL).includeExecutionData(true).build())
        .tracingEnabled(props.tracing())
        .build();
    rtoAlarm(config, props.notifications());
    Nag.suppressFindings(stateMachine, Nag.IAM5, "CloudWatch Logs delivery (logs:*LogDelivery, "
        + "logs:DescribeResourcePolicies...) and X-Ray (PutTraceSegments...) support no resource-level permissions: "
        + "AWS documents Resource '*' for state machine logging and tracing", "/^Resource::\\*$/");
  }

  private RunbookFunction step(Construct scope, Props props, Class<?> handler, EnvironmentConfig.Vpc vpc) {
    RunbookFunction fn = props.functions().create(scope, handler, Map.of(), vpc);
    steps.put(handler.getSimpleName(), fn);
    return fn;
  }

  /** A step invocation: the whole document in, the function's answer as the whole document out. */
  private LambdaInvoke invoke(String stateName, RunbookFunction fn) {
    LambdaInvoke task = LambdaInvoke.Builder.create(this, stateName)
        .lambdaFunction(fn.live())
        .payloadResponseOnly(true)
        .resultPath("$")
        // CDK's default retry (6 attempts) is replaced by the runbook's below
        .retryOnServiceExceptions(false)
        .build();
    task.addRetry(RetryProps.builder()
        .errors(RETRYABLE)
        .interval(Duration.seconds(2))
        .maxAttempts(4)
        .backoffRate(2.0)
        .build());
    return task;
  }

  /**
   * Pages when a recovery's measured RTO missed the runbook's objective: the Report step emits RtoObjectiveMet (0 or
   * 1) as an Embedded Metric Format line, which CloudWatch turns into this metric.
   */
  private void rtoAlarm(EnvironmentConfig config, Notifications notifications) {
    software.amazon.awscdk.services.cloudwatch.Metric met = software.amazon.awscdk.services.cloudwatch.Metric.Builder
        .create().namespace("SentinelDR").metricName("RtoObjectiveMet")
        .dimensionsMap(Map.of("Scenario", Scenarios.DATABASE_FAILURE, "Environment", config.name()))
        .statistic("Minimum").period(Duration.minutes(5)).build();
    software.amazon.awscdk.services.cloudwatch.Alarm alarm = software.amazon.awscdk.services.cloudwatch.Alarm.Builder
        .create(this, "RtoMissed")
        .alarmName(config.prefix() + "-" + Scenarios.DATABASE_FAILURE + "-rto-missed")
        .alarmDescription("A database recovery took longer than the runbook's RTO objective (see its report)")
        .metric(met).threshold(1).evaluationPeriods(1)
        .comparisonOperator(software.amazon.awscdk.services.cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD)
        .treatMissingData(software.amazon.awscdk.services.cloudwatch.TreatMissingData.NOT_BREACHING)
        .build();
    alarm.addAlarmAction(new software.amazon.awscdk.services.cloudwatch.actions.SnsAction(notifications.topic()));
  }

  /** The Report step: the document plus what only the execution knows (its ARN and start time). */
  private LambdaInvoke reportTask(String stateName, RunbookFunction fn, String status,
      software.amazon.awscdk.services.stepfunctions.IChainable end) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("recovery.$", "$");
    payload.put("executionArn.$", "$$.Execution.Id");
    payload.put("executionStart.$", "$$.Execution.StartTime");
    payload.put("status", status);
    LambdaInvoke task = LambdaInvoke.Builder.create(this, stateName)
        .lambdaFunction(fn.live())
        .payload(software.amazon.awscdk.services.stepfunctions.TaskInput.fromObject(payload))
        .payloadResponseOnly(true)
        .resultPath("$")
        .retryOnServiceExceptions(false)
        .build();
    task.addRetry(RetryProps.builder().errors(RETRYABLE).interval(Duration.seconds(2)).maxAttempts(4)
        .backoffRate(2.0).build());
    task.addCatch(end, CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.reportError").build());
    task.next(end);
    return task;
  }

  private LambdaInvoke task(String stateName, RunbookFunction fn, LambdaInvoke notifyFailure) {
    LambdaInvoke task = invoke(stateName, fn);
    task.addCatch(notifyFailure, CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.error").build());
    return task;
  }

  /**
   * The gate before {@link #UPDATE_SECRET}: RequestApproval sends the on-call the task token; the execution waits
   * until someone answers (approved: the answer lands in {@code $.approval}) or {@code minutes} pass. A rejection
   * (error "Rejected") or the timeout (States.Timeout) is caught like any failure: NotifyFailure, RecoveryFailed,
   * nothing more changed.
   */
  private LambdaInvoke approval(RunbookFunction fn, int minutes, LambdaInvoke notifyFailure) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("recovery", JsonPath.getEntirePayload());
    payload.put("token", JsonPath.getTaskToken());
    payload.put("step", UPDATE_SECRET);
    payload.put("timeoutSeconds", minutes * 60);
    LambdaInvoke task = LambdaInvoke.Builder.create(this, APPROVE_UPDATE_SECRET)
        .lambdaFunction(fn.live())
        .integrationPattern(IntegrationPattern.WAIT_FOR_TASK_TOKEN)
        .payload(TaskInput.fromObject(payload))
        // the document passes through unchanged, with the approver's answer beside it
        .resultPath("$.approval")
        .taskTimeout(Timeout.duration(Duration.minutes(minutes)))
        .retryOnServiceExceptions(false)
        .build();
    // an invocation Lambda itself failed never reached the on-call: ask again; a rejection or timeout is not retried
    task.addRetry(RetryProps.builder()
        .errors(LAMBDA_ERRORS)
        .interval(Duration.seconds(2))
        .maxAttempts(4)
        .backoffRate(2.0)
        .build());
    task.addCatch(notifyFailure, CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.error").build());
    return task;
  }

  private Wait pollWait(String stateName) {
    return Wait.Builder.create(this, stateName).time(WaitTime.secondsPath(POLL_SECONDS)).build();
  }

  /** True only when the field exists and is true: a missing field must loop, not fail the execution unnotified. */
  private static Condition isTrue(String path) {
    return Condition.and(Condition.isPresent(path), Condition.booleanEquals(path, true));
  }

  public StateMachine stateMachine() {
    return stateMachine;
  }

  public LogGroup logGroup() {
    return logGroup;
  }

  /** The step functions by handler simple name (AcquireLock, Diagnose, ChooseOption, ... Notify). */
  public Map<String, RunbookFunction> steps() {
    return Collections.unmodifiableMap(steps);
  }

  /** The function of the approval gate; absent when the environment gates no step. */
  public Optional<RunbookFunction> requestApproval() {
    return Optional.ofNullable(requestApproval);
  }
}
