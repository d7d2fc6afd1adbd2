package ai.sentinel.dr.region;

import ai.sentinel.dr.trigger.Fields;
import ai.sentinel.dr.trigger.Fields.BadInput;
import ai.sentinel.dr.trigger.SignalContext;
import ai.sentinel.dr.trigger.SignalRules;
import java.util.Set;

/**
 * Region failure: what starts it. A person, usually (the runbook's "Confirm primary region is down" is a judgement):
 * {@code {"runbook": "region-failure"}} to the DR stack's manual responder, in the DR region. Whatever starts it, the
 * state machine only assesses (ConfirmPrimaryDown) and then waits for a human's approval before anything changes.
 *
 * <p>The resource is the primary region. A payload naming another region, another DR region, or sent to a responder
 * that is not in the DR region is refused: a failover must run from the region it fails over to.
 */
final class RegionFailureSignals implements SignalRules {
  /** Manual fields of Scenario 4: the DR region (a check that the operator means this pair) and a named copy. */
  static final String DR_REGION = "drRegion";

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
