package ai.sentinel.dr.region;

import ai.sentinel.dr.trigger.Fields;
import ai.sentinel.dr.trigger.Fields.BadInput;
import ai.sentinel.dr.trigger.SignalContext;
import ai.sentinel.dr.trigger.SignalRules;
import ai.sentinel.dr.trigger.TriggerPatterns;
import ai.sentinel.dr.wait.ReadyEvents;
import java.util.List;

/**
 * The failback starts by hand only ({@code {"runbook": "region-failback"}} to the DR stack's manual responder): a
 * person decides the primary region is back. No alarm or event starts it. The resource is the primary region.
 */
final class RegionFailbackSignals implements SignalRules {

  /**
   * Issue 15: the ready rule of the copies of the failback's own snapshots ({@link ReplicateToPrimary}'s, named
   * {@link RegionSettings#failbackSnapshotPrefix}), in the DR stack where a failback is deployed: RDS says "copy
   * finished" on the primary region's bus (the copy's region), and {@code <env>-sentinel-dr-region-events} forwards
   * it here. It starts nothing: it only wakes the replica's wait.
   */
  @Override
  public List<TriggerPatterns.Rule> rules(SignalContext context) {
    RegionSettings region = context.config().settings(RegionSettings.class).orElse(null);
    if (region == null || region.failback() == null || !region.drRegion().equals(context.config().region())) {
      return List.of();
    }
    return List.of(ReadyEvents.rdsSnapshot(region.failbackSnapshotPrefix()));
  }

  @Override
  public ManualTarget manual(SignalContext context, ManualRequest request) {
    RegionSettings region = context.config().settings(RegionSettings.class).orElseThrow(() -> new BadInput(
        request.runbook() + " is not deployed in this environment: " + RegionSettings.SECTION.variable()
            + " is not set (cdk.json environments." + context.config().environment() + ".dr)"));
    if (region.failback() == null) {
      throw new BadInput(request.runbook() + " is not deployed in this environment: cdk.json environments."
          + context.config().environment() + ".dr.failback is not set");
    }
    if (!context.config().region().equals(region.drRegion())) {
      throw new BadInput(request.runbook() + " runs from the DR region " + region.drRegion() + ", not from "
          + context.config().region() + ": invoke " + context.config().environment() + "-sentinel-dr-region's "
          + "manual responder in " + region.drRegion());
    }
    String resource = request.resource();
    if (resource != null && !resource.equals(region.primaryRegion())) {
      throw new BadInput("resource '" + Fields.quote(resource) + "' is not this environment's primary region ("
          + request.runbook() + " fails back from " + region.drRegion() + " to " + region.primaryRegion() + ")");
    }
    if (!request.fields().isEmpty()) {
      throw new BadInput(String.join(", ", request.fields().keySet()) + " does not apply to " + request.runbook()
          + ": it replicates the DR database as it is now");
    }
    return ManualTarget.of(region.primaryRegion());
  }
}
