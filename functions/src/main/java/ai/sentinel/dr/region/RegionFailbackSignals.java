package ai.sentinel.dr.region;

import ai.sentinel.dr.trigger.Fields;
import ai.sentinel.dr.trigger.Fields.BadInput;
import ai.sentinel.dr.trigger.SignalContext;
import ai.sentinel.dr.trigger.SignalRules;

/**
 * The failback starts by hand only ({@code {"runbook": "region-failback"}} to the DR stack's manual responder): a
 * person decides the primary region is back. No alarm or event starts it. The resource is the primary region.
 */
final class RegionFailbackSignals implements SignalRules {

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
