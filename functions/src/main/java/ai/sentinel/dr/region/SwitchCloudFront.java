package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.RetryableStepError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.RegionState.OriginSwitch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.DistributionConfig;
import software.amazon.awssdk.services.cloudfront.model.GetDistributionConfigResponse;
import software.amazon.awssdk.services.cloudfront.model.Origin;
import software.amazon.awssdk.services.cloudfront.model.Origins;
import software.amazon.awssdk.services.cloudfront.model.PreconditionFailedException;
import software.amazon.awssdk.services.cloudfront.model.UpdateDistributionRequest;
import software.amazon.awssdk.services.cloudfront.model.UpdateDistributionResponse;

/**
 * Scenario 4, runbook step 7 ("Update CloudFront origin"): every custom origin served by a load balancer of the
 * primary region ({@code *.<primary>.elb.amazonaws.com}) now points at the DR load balancer; everything else of the
 * distribution is sent back as read. UpdateDistribution carries the ETag read with the config (IfMatch): when someone
 * changed the distribution meanwhile (PreconditionFailed), the config is read again and the change re-applied, at most
 * {@value #ATTEMPTS} times. Origins already at the DR load balancer are left alone: a second run changes nothing.
 */
public final class SwitchCloudFront extends Step {
  static final int ATTEMPTS = 3;
  private final RegionSettings region;
  private final CloudFrontClient cloudFront;

  public SwitchCloudFront() {
    this(Deps.fromProcessEnv());
  }

  public SwitchCloudFront(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public SwitchCloudFront(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.cloudFront = deps.clients().in(region.drRegion()).cloudFront();
  }

  @Override
  public String name() {
    return "SwitchCloudFront";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String id = region.cloudFrontDistributionId();
    if (id == null) {
      return recovery.log(entry("skipped", "no CloudFront distribution configured (dr.cloudFrontDistributionId)"));
    }
    for (int attempt = 1; ; attempt++) {
      GetDistributionConfigResponse read = cloudFront.getDistributionConfig(b -> b.id(id));
      List<String> moved = new ArrayList<>();
      DistributionConfig updated = moveOrigins(read.distributionConfig(), moved);
      if (moved.isEmpty()) {
        OriginSwitch none = new OriginSwitch(id, List.of(), "unchanged");
        return recovery.update(RegionState.PART, s -> RegionState.of(s).withCloudFront(none)).log(entry("skipped",
            id + " has no origin in " + region.primaryRegion() + " (already at " + region.alb().dnsName() + "?)"));
      }
      UpdateDistributionRequest request = UpdateDistributionRequest.builder().id(id).ifMatch(read.eTag())
          .distributionConfig(updated).build();
      try {
        Mutation<UpdateDistributionResponse> sent = mutate(recovery, "cloudfront", "UpdateDistribution",
            RegionSettings.target(region.drRegion(), id), request, () -> cloudFront.updateDistribution(request));
        OriginSwitch done = new OriginSwitch(id, moved, sent.sent() ? sent.response().distribution().status()
            : "planned");
        return sent.recovery().update(RegionState.PART, s -> RegionState.of(s).withCloudFront(done)).log(entry(
            sent.sent() ? "switched" : "would-switch", id + ": " + String.join(", ", moved) + " (IfMatch "
                + read.eTag() + ")"));
      } catch (PreconditionFailedException e) {
        // changed since we read it: our change was not applied; read again and re-apply to the new version
        if (attempt >= ATTEMPTS) {
          throw new RetryableStepError(id + " changed under us " + ATTEMPTS + " times (PreconditionFailed)", e);
        }
      }
    }
  }

  /** The config with each primary-region load balancer origin moved to the DR one; {@code moved} says which. */
  private DistributionConfig moveOrigins(DistributionConfig config, List<String> moved) {
    String suffix = "." + region.primaryRegion() + ".elb.amazonaws.com";
    List<Origin> origins = new ArrayList<>();
    for (Origin origin : config.origins().items()) {
      String domain = origin.domainName().toLowerCase(Locale.ROOT);
      if (origin.customOriginConfig() != null && domain.endsWith(suffix)) {
        moved.add(origin.id() + ": " + origin.domainName() + " -> " + region.alb().dnsName());
        origins.add(origin.toBuilder().domainName(region.alb().dnsName()).build());
      } else {
        origins.add(origin);
      }
    }
    return config.toBuilder().origins(Origins.builder().quantity(origins.size()).items(origins).build()).build();
  }
}
