package ai.sentinel.dr.region;

import ai.sentinel.dr.common.EventTimes;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.report.EmbeddedMetrics;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.Fields;
import ai.sentinel.dr.trigger.Fields.BadInput;
import ai.sentinel.dr.trigger.HealthEventResponder;
import ai.sentinel.dr.trigger.SignalContext;
import ai.sentinel.dr.trigger.SignalRules;
import ai.sentinel.dr.trigger.TriggerPatterns;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * Region failure: what starts it. A person, usually (the runbook's "Confirm primary region is down" is a judgement):
 * {@code {"runbook": "region-failure"}} to the DR stack's manual responder, in the DR region. Whatever starts it, the
 * state machine only assesses (ConfirmPrimaryDown) and then waits for a human's approval before anything changes.
 *
 * <p>AWS Health events about the primary region's RDS, ECS, EC2 and ELB (open issues) start the same assessment in
 * the DR stack: its rule matches {@code detail.eventRegion} = the primary, whose events reach the DR region's bus when
 * the DR region is AWS Health's backup region or a rule in the primary forwards them (the events keep the primary's
 * region, which the origin check lets through for this scenario only: {@link #watchedRegions}).
 *
 * <p>The DR stack's alarm on its probe of the primary's public {@code /health} ({@link ProbePrimary},
 * {@code dr.primaryProbe}) starts the same assessment: the shared alarm rule's branch for that metric, in the DR
 * region only (Route 53 health checks publish their metrics in us-east-1 only, where such an alarm dies with the
 * primary). A probe that succeeds never breaches; a second ALARM while the assessment runs joins it (the region lock).
 *
 * <p>The resource is the primary region. A payload naming another region, another DR region, or sent to a responder
 * that is not in the DR region is refused: a failover must run from the region it fails over to.
 */
final class RegionFailureSignals implements SignalRules {
  /** Manual fields of Scenario 4: the DR region (a check that the operator means this pair) and a named copy. */
  static final String DR_REGION = "drRegion";

  /** The DR stack's AWS Health rule. */
  static final String HEALTH_RULE = "aws-health-primary";
  /** The primary's services whose Health issues start the assessment (the platform's database, tasks, network). */
  static final List<String> HEALTH_SERVICES = List.of("RDS", "ECS", "EC2", "ELASTICLOADBALANCING");
  /** The fields of an AWS Health event's detail kept in the trigger. */
  static final List<String> HEALTH_FIELDS = List.of("eventArn", "service", "eventTypeCode", "eventTypeCategory",
      "statusCode", "eventRegion", "startTime");

  /** The section, when this is the DR stack (its responders run in the DR region); null in the primary's. */
  private static RegionSettings inDrStack(SignalContext context) {
    return context.config().settings(RegionSettings.class).filter(r -> r.drRegion().equals(context.config()
        .region())).orElse(null);
  }

  @Override
  public List<TriggerPatterns.Rule> rules(SignalContext context) {
    RegionSettings region = inDrStack(context);
    if (region == null) {
      return List.of();
    }
    ObjectNode pattern = Json.object();
    pattern.putArray("source").add("aws.health");
    pattern.putArray("detail-type").add("AWS Health Event");
    ObjectNode detail = pattern.putObject("detail");
    ArrayNode services = detail.putArray("service");
    HEALTH_SERVICES.forEach(services::add);
    detail.putArray("eventTypeCategory").add("issue");
    detail.putArray("statusCode").add("open");
    detail.putArray("eventRegion").add(region.primaryRegion());
    return List.of(new TriggerPatterns.Rule(HEALTH_RULE, HealthEventResponder.class.getSimpleName(),
        "AWS Health issues of " + region.primaryRegion() + "'s RDS, ECS, EC2 and ELB", pattern.toString()));
  }

  @Override
  public Set<String> watchedRegions(SignalContext context) {
    RegionSettings region = inDrStack(context);
    return region == null ? Set.of() : Set.of(region.primaryRegion());
  }

  /** The probe's metric, in the DR stack where the probe is deployed: a branch of the shared alarm rule. */
  @Override
  public List<SignalRules.MetricMatch> alarmMetrics(SignalContext context) {
    RegionSettings region = inDrStack(context);
    if (region == null || region.primaryProbe() == null) {
      return List.of();
    }
    ObjectNode dimensions = Json.object();
    dimensions.putArray(EmbeddedMetrics.ENVIRONMENT).add(context.config().environment());
    dimensions.putArray(ProbePrimary.PRIMARY_REGION).add(region.primaryRegion());
    return List.of(new SignalRules.MetricMatch(List.of(EmbeddedMetrics.NAMESPACE), dimensions));
  }

  /** The probe's alarm: the assessment of the primary region, never a failover without approval. */
  @Override
  public SignalRules.AlarmTarget watchedBy(SignalContext context, SignalRules.AlarmMetric metric) {
    RegionSettings region = inDrStack(context);
    if (region == null || region.primaryProbe() == null || !EmbeddedMetrics.NAMESPACE.equals(metric.namespace())
        || !ProbePrimary.METRIC.equals(metric.name())
        || !context.config().environment().equals(metric.dimension(EmbeddedMetrics.ENVIRONMENT))
        || !region.primaryRegion().equals(metric.dimension(ProbePrimary.PRIMARY_REGION))) {
      return null;
    }
    return new SignalRules.AlarmTarget(region.primaryRegion(), metric.watches(ProbePrimary.METRIC + " (the "
        + region.drRegion() + " probe of " + region.primaryRegion() + "'s public /health): the failover's "
        + "assessment starts; it waits for approval before any change"));
  }

  @Override
  public Classification eventBridge(SignalContext context, EventBridgeEvent event) {
    if (!"aws.health".equals(event.source())) {
      return null;
    }
    String arn = Fields.textOrNull(event.detail(), "eventArn");
    String dedup = "health:" + (arn == null ? "(no eventArn)" : arn);
    RegionSettings region = inDrStack(context);
    if (region == null) {
      return context.ignore(dedup, "AWS Health event: " + context.scenario() + " is assessed from the DR stack only");
    }
    String type = Fields.textOrNull(event.detail(), "eventTypeCode");
    String service = Fields.textOrNull(event.detail(), "service");
    if (!event.matched(HEALTH_RULE) || arn == null) {
      return context.ignore(dedup, "AWS Health event " + Fields.quote(String.valueOf(type)) + " is not an open issue "
          + "of " + HEALTH_SERVICES + " in " + region.primaryRegion());
    }
    String time = EventTimes.normalize(Fields.textOrNull(event.event(), "time"));
    Trigger trigger = new Trigger(HealthEventResponder.KIND, "eventbridge", arn, time, "AWS Health: " + type
        + " (" + service + " in " + region.primaryRegion() + ")", healthEvent(event.detail()));
    return context.start(region.primaryRegion(), dedup, "AWS Health " + type + " (" + service + ") in "
        + region.primaryRegion() + ": the failover's assessment starts; it waits for approval before any change",
        trigger);
  }

  /**
   * The Health event's fields ConfirmPrimaryDown lists as evidence (AWS Health's API may not answer from the DR
   * region, or at all without a support plan: the event is then the only word AWS gave).
   */
  static ObjectNode healthEvent(JsonNode detail) {
    ObjectNode shaped = Json.object();
    for (String field : HEALTH_FIELDS) {
      String value = Fields.textOrNull(detail, field);
      if (value != null) {
        shaped.put(field, value);
      }
    }
    return shaped;
  }

  @Override
  public Set<String> manualFields() {
    return Set.of(DR_REGION, "snapshotId");
  }

  @Override
  public ManualTarget manual(SignalContext context, ManualRequest request) {
    RegionSettings region = context.config().settings(RegionSettings.class).orElseThrow(() -> new BadInput(
        request.runbook() + " is not deployed in this environment: " + RegionSettings.SECTION.variable()
            + " is not set (cdk.json environments." + context.config().environment() + ".dr)"));
    if (!context.config().region().equals(region.drRegion())) {
      throw new BadInput(request.runbook() + " runs from the DR region " + region.drRegion() + ", not from "
          + context.config().region() + ": invoke " + context.config().environment() + "-sentinel-dr-region's "
          + "manual responder in " + region.drRegion() + " (everything in the failed region may be down)");
    }
    String resource = request.resource();
    if (resource != null && !resource.equals(region.primaryRegion())) {
      throw new BadInput("resource '" + Fields.quote(resource) + "' is not this environment's primary region ("
          + request.runbook() + " fails over from " + region.primaryRegion() + " to " + region.drRegion() + ")");
    }
    String dr = request.field(DR_REGION);
    if (dr != null && !dr.equals(region.drRegion())) {
      throw new BadInput("drRegion '" + Fields.quote(dr) + "' is not this environment's DR region "
          + region.drRegion() + " (cdk.json dr.region)");
    }
    for (String field : request.fields().keySet()) {
      if (!DR_REGION.equals(field) && !"snapshotId".equals(field)) {
        throw new BadInput(field + " does not apply to " + request.runbook() + ": it restores the newest "
            + "cross-region copy (or the one named by snapshotId)");
      }
    }
    String snapshotId = request.field("snapshotId");
    if (snapshotId != null && !"latest".equals(snapshotId)
        && SnapshotCopies.sourceTime(region, snapshotId).isEmpty()) {
      throw new BadInput("snapshotId must be \"latest\" or one of the cross-region copies " + region.copyPrefix()
          + "<yyyyMMdd-HHmmss>, got '" + Fields.quote(snapshotId) + "'");
    }
    return new ManualTarget(region.primaryRegion(), null, snapshotId, null);
  }
}
