package ai.sentinel.dr.infra;

import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.recovery.AcknowledgeApproval;
import ai.sentinel.dr.recovery.AcquireLock;
import ai.sentinel.dr.recovery.Notify;
import ai.sentinel.dr.recovery.RequestApproval;
import ai.sentinel.dr.recovery.RestartServices;
import ai.sentinel.dr.recovery.WaitForServices;
import ai.sentinel.dr.report.Report;
import ai.sentinel.dr.report.ReportSettings;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.constructs.Construct;

/**
 * The step functions every recovery state machine invokes, created once per stack: AcquireLock, RestartServices,
 * WaitForServices, Notify, Report and, when some state machine has an approval gate, RequestApproval. One function
 * per handler keeps one role, one log group and one SnapStart snapshot per handler, however many runbooks use it;
 * each scenario's own steps live in its {@link RecoveryStateMachine}.
 */
public final class SharedSteps extends Construct {
  /**
   * @param config        the environment
   * @param functions     makes the functions
   * @param notifications where Notify and RequestApproval publish
   * @param locks         the per-resource lock table (AcquireLock takes the lock, Notify releases it)
   * @param reports       where Report writes (and what Notify's and RequestApproval's pages link)
   */
  public record Props(EnvironmentConfig config, RunbookFunctions functions, Notifications notifications,
      RecoveryLocksTable locks, ReportsBucket reports) {}

  private final Props props;
  private final Map<String, RunbookFunction> functions = new LinkedHashMap<>();
  private final RunbookFunction acquireLock;
  private final RunbookFunction restartServices;
  private final RunbookFunction waitForServices;
  private final RunbookFunction notify;
  private final RunbookFunction report;
  private RunbookFunction requestApproval;
  private RunbookFunction acknowledgeApproval;

  public SharedSteps(Construct scope, String id, Props props) {
    super(scope, id);
    this.props = props;
    acquireLock = create(AcquireLock.class, Map.of());
    restartServices = create(RestartServices.class, Map.of());
    waitForServices = create(WaitForServices.class, Map.of());
    // Notify and the gates' pages link the report Report will write (recovery/PageLinks): the bucket's name only, no
    // right on it, and no resource added (an environment variable; the primary stack is at 497 of 500 resources)
    notify = create(Notify.class, reportsBucket());
    report = create(Report.class, reportsBucket());

    props.locks().grantAcquire(acquireLock);
    props.locks().grantRelease(notify);
    props.notifications().grantPublish(notify);
    props.reports().grantWriteReports(report);
    // the report's summary goes to the on-call too, once the review is ready
    props.notifications().grantPublish(report);
    // the customer impact: the API load balancer's request and 5XX counts over the incident window
    props.config().settings(ReportSettings.class).map(ReportSettings::loadBalancer).ifPresent(lb -> {
      report.allow(lb.startsWith("app/") ? List.of("cloudwatch:GetMetricData")
          : List.of("cloudwatch:GetMetricData", "elasticloadbalancing:DescribeLoadBalancers"), List.of("*"));
      Nag.suppressFindings(report.role(), Nag.IAM5, "cloudwatch:GetMetricData and "
          + "elasticloadbalancing:DescribeLoadBalancers support no resource-level permissions (AWS requires Resource "
          + "'*'); both are read-only and the step reads the configured load balancer only", "/^Resource::\\*$/");
    });
    // the services every runbook restarts after a repoint: the configured ones, nothing else
    Arns arns = new Arns(this);
    EcsSettings ecs = props.config().require(EcsSettings.class);
    List<String> services = ecs.services().stream().map(s -> arns.ecsService(ecs.cluster(), s)).toList();
    restartServices.allow(List.of("ecs:DescribeServices", "ecs:UpdateService"), services);
    waitForServices.allow(List.of("ecs:DescribeServices"), services);
  }

  private Map<String, String> reportsBucket() {
    return Map.of(Report.BUCKET_VAR, props.reports().bucket().getBucketName());
  }

  private RunbookFunction create(Class<?> handler, Map<String, String> extraEnvironment) {
    RunbookFunction fn = props.functions().create(this, handler, extraEnvironment, null);
    functions.put(handler.getSimpleName(), fn);
    return fn;
  }

  public RunbookFunction acquireLock() {
    return acquireLock;
  }

  public RunbookFunction restartServices() {
    return restartServices;
  }

  public RunbookFunction waitForServices() {
    return waitForServices;
  }

  /** Notify: the outcome to the on-call, and the lock released, on every terminal path. */
  public RunbookFunction notifyFunction() {
    return notify;
  }

  public RunbookFunction report() {
    return report;
  }

  /**
   * The approval gates' function, created by the first gate that asks for it: an environment that gates nothing has
   * no idle function allowed to publish to the on-call.
   */
  public RunbookFunction requestApproval() {
    if (requestApproval == null) {
      requestApproval = create(RequestApproval.class, reportsBucket());
      props.notifications().grantPublish(requestApproval);
      // each page is recorded for the timeline (oncall/PagingLog, in the wait table)
      WaitTokensTable.find(this).ifPresent(t -> t.grantRegister(requestApproval));
    }
    return requestApproval;
  }

  /**
   * The function after every gate ({@link AcknowledgeApproval}), created with the gates' first: it acknowledges the
   * incident the gate paged, through the on-call (the topic as fallback).
   */
  public RunbookFunction acknowledgeApproval() {
    if (acknowledgeApproval == null) {
      acknowledgeApproval = create(AcknowledgeApproval.class, Map.of());
      props.notifications().grantPublish(acknowledgeApproval);
      // reads the gate's pages back into the timeline
      WaitTokensTable.find(this).ifPresent(t -> t.grantRead(acknowledgeApproval));
    }
    return acknowledgeApproval;
  }

  /** The approval gates' function if some state machine has a gate. */
  public Optional<RunbookFunction> requestApprovalIfCreated() {
    return Optional.ofNullable(requestApproval);
  }

  /** The shared functions by handler simple name (AcquireLock, RestartServices, ... Report, RequestApproval). */
  public Map<String, RunbookFunction> functions() {
    return Collections.unmodifiableMap(functions);
  }
}
