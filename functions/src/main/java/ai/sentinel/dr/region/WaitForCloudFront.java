package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.RegionState.OriginSwitch;
import java.util.Map;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;

/**
 * Scenario 4, after SwitchCloudFront: one poll of the distribution (GetDistribution) until CloudFront reports the
 * origin change Deployed at the edge (runbook "wait until Deployed"); VerifyDr only judges a failover whose viewers
 * already reach the DR load balancer. Nothing changed or a plan: nothing to wait for. Read-only.
 */
public final class WaitForCloudFront extends Step {
  private final CloudFrontClient cloudFront;

  public WaitForCloudFront() {
    this(Deps.fromProcessEnv());
  }

  public WaitForCloudFront(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public WaitForCloudFront(Deps deps) {
    super(deps);
    this.cloudFront = deps.clients().in(RegionSettings.of(deps.config()).drRegion()).cloudFront();
  }

  @Override
  public String name() {
    return "WaitForCloudFront";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    OriginSwitch before = RegionState.of(recovery.part(RegionState.PART)).cloudFront();
    if (before == null || before.deployed() || recovery.dryRun()) {
      OriginSwitch done = before == null ? new OriginSwitch(null, null, "unchanged", true, 0)
          : new OriginSwitch(before.distributionId(), before.origins(), before.status(), true, before.polls());
      return recovery.update(RegionState.PART, s -> RegionState.of(s).withCloudFront(done))
          .log(entry("skipped", "nothing to wait for (" + done.status() + ")"));
    }
    String status = cloudFront.getDistribution(b -> b.id(before.distributionId())).distribution().status();
    boolean deployed = "Deployed".equals(status);
    OriginSwitch next = new OriginSwitch(before.distributionId(), before.origins(), status, deployed,
        before.polls() + 1);
    Recovery out = recovery.update(RegionState.PART, s -> RegionState.of(s).withCloudFront(next));
    if (deployed) {
      return out.log(entry("done", before.distributionId() + " Deployed after " + next.polls() + " poll(s)"));
    }
    if (next.polls() >= recovery.options().maxPolls()) {
      throw new TimedOutError(before.distributionId() + " still " + status + " after " + next.polls() + " polls");
    }
    return out.log(entry(Recovery.WAITING, before.distributionId() + " is " + status));
  }
}
