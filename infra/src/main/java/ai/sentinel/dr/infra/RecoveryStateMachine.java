package ai.sentinel.dr.infra;

import ai.sentinel.dr.errors.RetryableStepError;
import ai.sentinel.dr.recovery.DiagnoseStep;
import ai.sentinel.dr.recovery.Health;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.report.IncidentReports;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.IChainable;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * What every runbook's state machine {@code <env>-sentinel-dr-<scenario>} shares; a scenario subclass only creates
 * its own step functions and wires its own decisions, then calls {@link #build}.
 *
 * <ul>
 *   <li>every step receives the whole recovery document and returns it whole ({@link #step}), retried on the
 *       runbook's retryable errors, any other error caught into NotifyFailure;
 *   <li>the failure path NotifyFailure, ReportFailure, RecoveryFailed: the on-call is told, the report written, and a
 *       recovery with a caught error never reaches Succeed;
 *   <li>the success path Notify, Report, Recovered ({@link #finish});
 *   <li>act only on a confirmed failure ({@link #actOnDiagnosis}): "Act on diagnosis?" right after Diagnose, and the
 *       no-action path NotifyNoAction, ReportNoAction, NoAction; {@link #build} refuses a recovery that diagnoses and
 *       does not decide from it;
 *   <li>polls spaced by waits that end on AWS's own event or after {@code $.options.pollSeconds}
 *       ({@link #eventWait}), or by Waits where AWS sends none ({@link #pollWait}); Choices on fields that must be
 *       present and true ({@link #isTrue});
 *   <li>approval gates ({@link #gated}): a step named in {@code safety.approvalSteps} waits for a human's answer,
 *       asked by RequestApproval with a task token; a rejection or no answer in time fails like any error. Dry-runs
 *       skip the gate: a plan changes nothing;
 *   <li>the restart of the configured ECS services after a repoint ({@link #restartServices});
 *   <li>the execution log group, the RTO-missed alarm of the scenario, and the cdk-nag findings AWS leaves no choice
 *       about.
 * </ul>
 * The shared functions (AcquireLock, RestartServices, WaitForServices, Notify, Report, RequestApproval) come from
 * {@link SharedSteps}; a state machine's tasks invoke them, it does not copy them.
 */
public abstract class RecoveryStateMachine extends Construct {
  /** Errors worth retrying: the steps' own transient error and Lambda's service-side failures. */
  public static final List<String> RETRYABLE = List.of(RetryableStepError.class.getName(),
      "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
      "Lambda.TooManyRequestsException");
  /** Lambda's service-side failures: the function most likely never ran, so invoking it again is safe. */
  static final List<String> LAMBDA_ERRORS = RETRYABLE.subList(1, RETRYABLE.size());
  static final String POLL_SECONDS = "$.options.pollSeconds";
  protected static final String DRY_RUN = "$.options.dryRun";
  static final String NOTIFY_FAILURE = "NotifyFailure";
  static final String RECOVERED = "Recovered";
  static final String RECOVERY_FAILED = "RecoveryFailed";
  /** The Choice in front of a gate; a state machine has at most one gate. */
  static final String DRY_RUN_CHOICE = "Dry-run?";
  /** The Choice right after Diagnose ({@link #actOnDiagnosis}), and the no-action path's states. */
  public static final String ACT_CHOICE = "Act on diagnosis?";
  public static final String NOTIFY_NO_ACTION = "NotifyNoAction";
  public static final String NO_ACTION = "NoAction";

  /** The name of the gate state before {@code step}: {@code Approve UpdateSecret}. */
  public static String approvalState(String step) {
    return "Approve " + step;
  }

  /**
   * @param config        the environment
   * @param functions     makes the scenario's own step functions
   * @param shared        the step functions every state machine invokes
   * @param notifications the on-call topic, which the RTO alarm pages
   * @param tracing       X-Ray tracing of executions
   */
  public record Props(EnvironmentConfig config, RunbookFunctions functions, SharedSteps shared,
      Notifications notifications, boolean tracing) {}

  protected final EnvironmentConfig config;
  protected final SharedSteps shared;
  private final Props props;
  private final String scenario;
  private final Construct functionScope;
  private final Map<String, RunbookFunction> steps = new LinkedHashMap<>();
  /** Every function a task of this state machine invokes, its own and shared ones. */
  private final Set<RunbookFunction> invoked = new HashSet<>();
  /** Every Lambda task state by name, with the function it invokes. */
  private final Map<String, RunbookFunction> tasks = new LinkedHashMap<>();
  /** The poll steps whose waits end on events ({@link #eventWait}). */
  private final Set<RunbookFunction> awaiting = new LinkedHashSet<>();
  private String decidedAfter;
  private String exemption;
  private final Fail recoveryFailed;
  private final LambdaInvoke notifyFailure;
  private String gatedStep;
  private StateMachine stateMachine;
  private LogGroup logGroup;

  protected RecoveryStateMachine(Construct scope, String id, String scenario, Props props) {
    super(scope, id);
    this.props = props;
    this.config = props.config();
    this.shared = props.shared();
    this.scenario = scenario;
    // functions apart from the states, which are constructs too and take the step names as ids
    this.functionScope = new Construct(this, "Functions");

    // the failure path: tell the on-call, then fail; if even that fails, fail anyway
    recoveryFailed = Fail.Builder.create(this, RECOVERY_FAILED)
        .error(RECOVERY_FAILED)
        .cause("A runbook step failed and the recovery stopped; NotifyFailure told the on-call unless it failed "
            + "too (see the execution history)")
        .build();
    // every execution ends with its post-incident report; a report that cannot be written changes no outcome
    LambdaInvoke reportFailure = reportTask("ReportFailure", "FAILED", recoveryFailed);
    notifyFailure = invoke(NOTIFY_FAILURE, shared.notifyFunction());
    notifyFailure.addCatch(reportFailure, CatchProps.builder().errors(List.of("States.ALL"))
        .resultPath("$.notifyError").build());
    notifyFailure.next(reportFailure);
  }

  // ---- the scenario's functions ------------------------------------------------------------------------------------

  /** The scenario's function of {@code handler} (a step of its own package), outside any VPC. */
  protected RunbookFunction function(Class<?> handler) {
    return function(handler, null);
  }

  /** The scenario's function of {@code handler}, in {@code vpc} (null: none). */
  protected RunbookFunction function(Class<?> handler, EnvironmentConfig.Vpc vpc) {
    RunbookFunction fn = props.functions().create(functionScope, handler, Map.of(), vpc);
    steps.put(handler.getSimpleName(), fn);
    return fn;
  }

  // ---- states ------------------------------------------------------------------------------------------------------

  /** A runbook step: invoked with the whole document, retried on retryable errors, any other error to NotifyFailure. */
  protected LambdaInvoke step(String stateName, RunbookFunction fn) {
    LambdaInvoke task = invoke(stateName, fn);
    task.addCatch(notifyFailure, CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.error").build());
    return task;
  }

  /** A step whose errors go to {@code onError} (e.g. a cleanup that then notifies) instead of NotifyFailure. */
  protected LambdaInvoke step(String stateName, RunbookFunction fn, IChainable onError) {
    LambdaInvoke task = invoke(stateName, fn);
    task.addCatch(onError, CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.error").build());
    return task;
  }

  /** The first state of every runbook: the resource's lock, held before anything changes (Notify releases it). */
  protected LambdaInvoke acquireLock() {
    return step("AcquireLock", shared.acquireLock());
  }

  /** Where a Choice sends what must reach a human instead of failing the execution unnotified. */
  protected LambdaInvoke notifyFailure() {
    return notifyFailure;
  }

  /** A Wait of {@code $.options.pollSeconds} between two polls, where AWS sends no event when the poll is done. */
  protected Wait pollWait(String stateName) {
    return Wait.Builder.create(this, stateName).time(WaitTime.secondsPath(POLL_SECONDS)).build();
  }

  /**
   * The wait before {@code poll} (a task of this state machine whose step {@link Step#awaits} something): ends on
   * AWS's own event, else after {@code $.options.pollSeconds}; then {@code poll} runs ({@link EventWaits}).
   */
  protected LambdaInvoke eventWait(String stateName, LambdaInvoke poll) {
    RunbookFunction fn = Objects.requireNonNull(tasks.get(poll.getNode().getId()), "not a step of this state machine");
    awaiting.add(fn);
    return EventWaits.create(this, stateName, fn, poll);
  }

  /** True only when the field exists and is true: a missing field must loop, not fail the execution unnotified. */
  protected static Condition isTrue(String path) {
    return Condition.and(Condition.isPresent(path), Condition.booleanEquals(path, true));
  }

  /**
   * The success path, entered by the scenario's last step: Notify (outcome to the on-call, lock released), Report,
   * Recovered.
   */
  protected LambdaInvoke finish() {
    return finish(recovered -> recovered);
  }

  /**
   * {@link #finish()} with more states after Report, once the on-call has the outcome and the lock is released
   * ({@code afterReport} gets the Recovered state to end in; Scenario 5 keeps its clean copy for a while).
   */
  protected LambdaInvoke finish(java.util.function.Function<Succeed, IChainable> afterReport) {
    LambdaInvoke notify = step("Notify", shared.notifyFunction());
    notify.next(reportTask("Report", "SUCCEEDED", afterReport.apply(new Succeed(this, RECOVERED))));
    return notify;
  }

  /**
   * The runbook's "act only on a confirmed failure", the same for every recovery: right after {@code diagnoseTask} (a
   * {@link DiagnoseStep}, which writes {@code $.diagnosis}), the Choice "Act on diagnosis?" goes on to
   * {@code firstStep} when {@code $.diagnosis.act} is true; otherwise the recovery ends with no action:
   * NotifyNoAction (an info message for HEALTHY, a page for INCONCLUSIVE; the attempt given back, the locks released),
   * ReportNoAction (status NO_ACTION with the evidence), then the Succeed state NoAction. Nothing is mutated on it.
   */
  protected Choice actOnDiagnosis(LambdaInvoke diagnoseTask, IChainable firstStep) {
    String state = diagnoseTask.getNode().getId();
    RunbookFunction fn = tasks.get(state);
    if (fn == null || !DiagnoseStep.class.isAssignableFrom(fn.handler())) {
      throw new IllegalStateException(scenario + ": state '" + state + "' does not run a DiagnoseStep, so nothing "
          + "writes " + Health.ACT_PATH + " and every recovery would end with no action");
    }
    if (decidedAfter != null) {
      throw new IllegalStateException(scenario + " already decides after " + decidedAfter);
    }
    decidedAfter = state;
    LambdaInvoke notifyNoAction = step(NOTIFY_NO_ACTION, shared.notifyFunction());
    notifyNoAction.next(reportTask("ReportNoAction", IncidentReports.NO_ACTION, new Succeed(this, NO_ACTION)));
    Choice act = new Choice(this, ACT_CHOICE)
        .when(isTrue(Health.ACT_PATH), firstStep)
        .otherwise(notifyNoAction);
    diagnoseTask.next(act);
    return act;
  }

  /**
   * The documented exemption from {@link #actOnDiagnosis} for a recovery whose signal is itself the confirmed failure
   * (e.g. a security finding): {@link #build} then accepts it without the Choice; the reason goes in its comment.
   */
  protected void actsWithoutDiagnosis(String reason) {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException(scenario + ": an exemption from acting on a diagnosis needs a reason");
    }
    exemption = reason.strip();
  }

  /**
   * The runbook's "restart ECS services" after a repoint: RestartServices, then WaitForServices until
   * {@code $.services.stable} ("Services stable?", "Wait for services"), then {@code next}.
   *
   * @return RestartServices, the entry of the sequence
   */
  protected LambdaInvoke restartServices(IChainable next) {
    LambdaInvoke restart = step("RestartServices", shared.restartServices());
    LambdaInvoke waitForServices = step("WaitForServices", shared.waitForServices());
    Choice stable = new Choice(this, "Services stable?")
        .when(isTrue("$.services.stable"), next)
        .otherwise(eventWait("Wait for services", waitForServices));
    restart.next(waitForServices).next(stable);
    return restart;
  }

  /**
   * {@code target} behind an approval gate when the environment gates {@code stepName}, else {@code target} itself.
   * The gate: "Dry-run?" sends a plan straight on (it changes nothing, so there is nothing to approve) and a real
   * recovery to "Approve STEP", which waits for the on-call's answer.
   */
  protected IChainable gated(String stepName, IChainable target) {
    if (!config.safety().gates(stepName)) {
      return target;
    }
    if (gatedStep != null) {
      throw new IllegalStateException(scenario + " already gates " + gatedStep + ": one gate per state machine "
          + "(its Choice is named '" + DRY_RUN_CHOICE + "')");
    }
    gatedStep = stepName;
    LambdaInvoke approve = approval(stepName, target, null, notifyFailure);
    return new Choice(this, DRY_RUN_CHOICE)
        .when(isTrue(DRY_RUN), target)
        .otherwise(approve);
  }

  /**
   * {@code target} behind an approval gate in every environment, whatever {@code safety.approvalSteps} says: for a
   * step that takes the platform down or brings it back (Scenario 6's Isolate and RestoreGradually). Like
   * {@link #gated}, a dry-run skips it; its Choice is named "Dry-run? (STEP)", so a state machine may have several.
   */
  protected IChainable alwaysGated(String stepName, IChainable target) {
    return alwaysGated(stepName, target, null, notifyFailure);
  }

  /**
   * {@link #alwaysGated(String, IChainable)} with its own failure paths: a rejection (error "Rejected") goes to
   * {@code onRejected} (null: like any error), any other error (the timeout included) to {@code onError} (Scenario 5:
   * a rejected repair resumes writes, a failed or unanswered one holds maintenance).
   */
  protected IChainable alwaysGated(String stepName, IChainable target, IChainable onRejected, IChainable onError) {
    LambdaInvoke approve = approval(stepName, target, onRejected, onError);
    return new Choice(this, DRY_RUN_CHOICE + " (" + stepName + ")")
        .when(isTrue(DRY_RUN), target)
        .otherwise(approve);
  }

  /**
   * The gate before {@code step} ({@link ApprovalGate}): a rejection (error "Rejected") goes to {@code onRejected}
   * (null: {@code onError}) once acknowledged, the timeout (States.Timeout) and any other error to {@code onError}.
   */
  private LambdaInvoke approval(String step, IChainable target, IChainable onRejected, IChainable onError) {
    invoked.add(shared.requestApproval());
    return ApprovalGate.build(this, step, shared, config.safety(), target, onRejected, onError, this::invoke);
  }

  /** A step invocation ({@link RecoveryTasks#invoke}), remembered as a task of this state machine. */
  private LambdaInvoke invoke(String stateName, RunbookFunction fn) {
    invoked.add(fn);
    tasks.put(stateName, fn);
    return RecoveryTasks.invoke(this, stateName, fn);
  }

  /** The Report step ({@link RecoveryTasks#report}), ending in {@code end} whether or not the report was written. */
  private LambdaInvoke reportTask(String stateName, String status, IChainable end) {
    invoked.add(shared.report());
    return RecoveryTasks.report(this, stateName, shared.report(), status, end);
  }

  /**
   * Creates the state machine starting at {@code start}, its log group and its RTO alarm.
   *
   * @param title what the console shows, e.g. "Scenario 3: ECS service failure"
   * @param what  the recovered thing in the RTO alarm's description, e.g. "ECS service"
   */
  protected void build(IChainable start, String title, String what) {
    if (stateMachine != null) {
      throw new IllegalStateException(scenario + " state machine built twice");
    }
    requireDecision();
    String name = Names.stateMachine(config.prefix(), scenario);
    logGroup = LogGroup.Builder.create(this, "Logs")
        // the /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy from growing per state machine
        .logGroupName(StateMachineLogDelivery.LOG_GROUP_PREFIX + name)
        .retention(config.logRetention())
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
    stateMachine = StateMachine.Builder.create(this, "StateMachine")
        .stateMachineName(name)
        .comment("Sentinel DR runbook " + title + " (" + config.name() + ")"
            + (exemption == null ? "" : "; acts without a diagnosis: " + exemption))
        .definitionBody(DefinitionBody.fromChainable(start))
        .logs(LogOptions.builder().destination(logGroup).level(LogLevel.ALL).includeExecutionData(true).build())
        .tracingEnabled(props.tracing())
        // ends before the locks' lease: a run that outlives it could change a resource another recovery now holds
        .timeout(Duration.minutes(config.safety().executionTimeoutMinutes()))
        .build();
    RecoveryAlarms.rtoMissed(this, scenario, config, props.notifications(), what);
    RecoveryAlarms.timedOut(this, scenario, config, props.notifications(), stateMachine, what);
    EventWaits.grant(this, awaiting, name);
    Nag.suppressFindings(stateMachine, Nag.IAM5, "CloudWatch Logs delivery (logs:*LogDelivery, "
        + "logs:DescribeResourcePolicies...) and X-Ray (PutTraceSegments...) support no resource-level permissions: "
        + "AWS documents Resource '*' for state machine logging and tracing", "/^Resource::\\*$/");
  }

  /**
   * A recovery that diagnoses (a state Diagnose, or a {@link DiagnoseStep}) must decide from it, so a new scenario
   * cannot forget the Choice. A test is not a recovery (it never touches the protected resource): not checked.
   */
  private void requireDecision() {
    boolean test = ScenarioRegistry.find(scenario).map(Scenario::test).orElse(false);
    List<String> diagnosing = tasks.entrySet().stream().filter(e -> DiagnoseStep.NAME.equals(e.getKey())
        || DiagnoseStep.class.isAssignableFrom(e.getValue().handler())).map(Map.Entry::getKey).toList();
    if (!test && !diagnosing.isEmpty() && decidedAfter == null && exemption == null) {
      throw new IllegalStateException(scenario + " diagnoses (" + diagnosing + ") but does not decide from it: "
          + "put actOnDiagnosis(diagnoseTask, firstStep) right after Diagnose (act only on a confirmed failure), "
          + "or declare actsWithoutDiagnosis(reason)");
    }
  }

  /** The runbook scenario id ({@link InfraScenario#id}). */
  public String scenario() {
    return scenario;
  }

  public StateMachine stateMachine() {
    if (stateMachine == null) {
      throw new IllegalStateException(scenario + " state machine not built yet");
    }
    return stateMachine;
  }

  public LogGroup logGroup() {
    return logGroup;
  }

  /**
   * The functions this state machine invokes, by handler simple name: its own steps, then the shared ones its tasks
   * invoke (e.g. AcquireLock, Notify, Report, and RequestApproval where it has a gate).
   */
  public Map<String, RunbookFunction> steps() {
    Map<String, RunbookFunction> all = new LinkedHashMap<>(steps);
    shared.functions().forEach((name, fn) -> {
      if (invoked.contains(fn)) {
        all.putIfAbsent(name, fn);
      }
    });
    return Collections.unmodifiableMap(all);
  }

  /** The scenario's own step functions by handler simple name. */
  public Map<String, RunbookFunction> ownSteps() {
    return Collections.unmodifiableMap(steps);
  }

  /** The approval gates' function, when this state machine has a gate. */
  public Optional<RunbookFunction> requestApproval() {
    return gatedStep == null ? Optional.empty() : shared.requestApprovalIfCreated();
  }

  /** The state "Act on diagnosis?" follows, if any. */
  public Optional<String> decidesAfter() {
    return Optional.ofNullable(decidedAfter);
  }

  /** Why this recovery acts without a diagnosis ({@link #actsWithoutDiagnosis}), if it said so. */
  public Optional<String> exemption() {
    return Optional.ofNullable(exemption);
  }

  /** The step this state machine gates, if any. */
  public Optional<String> gatedStep() {
    return Optional.ofNullable(gatedStep);
  }
}
