package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.RegionState.DnsSwitch;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * Scenario 4: one poll of the DNS change (GetChange) until Route 53 reports it INSYNC on its name servers; with the
 * data-plane alternative ({@link FailoverSwitch}) one read of the health check's alarm until it is in ALARM.
 */
public final class WaitForDns extends Step {
  private final Route53Client route53;
  private final CloudWatchClient cloudWatch;
  private final FailoverSwitch failoverSwitch;

  public WaitForDns() {
    this(Deps.fromProcessEnv());
  }

  public WaitForDns(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public WaitForDns(Deps deps) {
    super(deps);
    RegionSettings region = RegionSettings.of(deps.config());
    this.route53 = deps.clients().in(region.drRegion()).route53();
    // only the data-plane alternative uses CloudWatch
    this.cloudWatch = region.dns() != null && region.dns().failoverSwitch() != null
        ? deps.clients().in(region.drRegion()).cloudWatch() : null;
    this.failoverSwitch = region.dns() == null ? null : region.dns().failoverSwitch();
  }

  @Override
  public String name() {
    return "WaitForDns";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    DnsSwitch dns = RegionState.of(recovery.part(RegionState.PART)).dns();
    if (dns != null && dns.changeId() == null && failoverSwitch != null) {
      String state = failoverSwitch.state(cloudWatch);
      DnsSwitch next = new DnsSwitch(null, dns.records(), state, "ALARM".equals(state), dns.polls() + 1);
      Recovery out = recovery.update(RegionState.PART, s -> RegionState.of(s).withDns(next));
      if (next.insync()) {
        return out.log(entry("done", "health check alarm " + failoverSwitch.alarmName() + " in ALARM"));
      }
      if (next.polls() >= recovery.options().maxPolls()) {
        throw new TimedOutError("health check alarm " + failoverSwitch.alarmName() + " still " + state + " after "
            + next.polls() + " polls");
      }
      return out.log(entry(Recovery.WAITING, "health check alarm " + failoverSwitch.alarmName() + " is " + state));
    }
    if (dns == null || dns.changeId() == null) {
      throw new StepFailedError("WaitForDns needs the change SwitchDns sent");
    }
    String status = route53.getChange(b -> b.id(dns.changeId())).changeInfo().statusAsString();
    DnsSwitch next = new DnsSwitch(dns.changeId(), dns.records(), status, "INSYNC".equals(status), dns.polls() + 1);
    Recovery out = recovery.update(RegionState.PART, s -> RegionState.of(s).withDns(next));
    if (next.insync()) {
      return out.log(entry("done", dns.records() + " in sync after " + next.polls() + " poll(s)"));
    }
    if (next.polls() >= recovery.options().maxPolls()) {
      throw new TimedOutError("DNS change " + dns.changeId() + " still " + status + " after " + next.polls()
          + " polls");
    }
    return out.log(entry(Recovery.WAITING, "change " + dns.changeId() + " is " + status));
  }
}
