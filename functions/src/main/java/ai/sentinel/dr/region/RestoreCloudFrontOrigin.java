package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.RetryableStepError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
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
 * Failback, once all traffic is on the primary: the CloudFront origins the failover moved to the DR load balancer go
 * back to the primary one (IfMatch with the ETag read; re-read and re-applied on PreconditionFailed, at most
 * {@value SwitchCloudFront#ATTEMPTS} times). Origins elsewhere are sent back as read; none at DR: nothing sent.
 */
public final class RestoreCloudFrontOrigin extends Step {
  private final RegionSettings region;
  private final FailbackSettings failback;
  private final CloudFrontClient cloudFront;

  public RestoreCloudFrontOrigin() {
    this(Deps.fromProcessEnv());
  }

  public RestoreCloudFrontOrigin(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RestoreCloudFrontOrigin(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.failback = region.requireFailback();
    this.cloudFront = deps.clients().in(region.drRegion()).cloudFront();
  }

  @Override
  public String name() {
    return "RestoreCloudFrontOrigin";
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
      DistributionConfig updated = moveBack(read.distributionConfig(), moved);
      if (moved.isEmpty()) {
        return recovery.update(FailbackState.PART, s -> FailbackState.of(s).withOrigins(List.of()))
            .log(entry("skipped", id + " has no origin at " + region.alb().dnsName()));
      }
      UpdateDistributionRequest request = UpdateDistributionRequest.builder().id(id).ifMatch(read.eTag())
          .distributionConfig(updated).build();
      try {
        Mutation<UpdateDistributionResponse> sent = mutate(recovery, "cloudfront", "UpdateDistribution",
            RegionSettings.target(region.drRegion(), id), request, () -> cloudFront.updateDistribution(request));
        return sent.recovery().update(FailbackState.PART, s -> FailbackState.of(s).withOrigins(moved))
            .log(entry(sent.sent() ? "switched" : "would-switch", id + ": " + String.join(", ", moved)));
      } catch (PreconditionFailedException e) {
        if (attempt >= SwitchCloudFront.ATTEMPTS) {
          throw new RetryableStepError(id + " changed under us " + attempt + " times (PreconditionFailed)", e);
        }
      }
    }
  }

  private DistributionConfig moveBack(DistributionConfig config, List<String> moved) {
    String dr = region.alb().dnsName().toLowerCase(Locale.ROOT);
    String primary = failback.primaryAlb().dnsName();
    List<Origin> origins = new ArrayList<>();
    for (Origin origin : config.origins().items()) {
      if (origin.customOriginConfig() != null && origin.domainName().toLowerCase(Locale.ROOT).equals(dr)) {
        moved.add(origin.id() + ": " + origin.domainName() + " -> " + primary);
        origins.add(origin.toBuilder().domainName(primary).build());
      } else {
        origins.add(origin);
      }
    }
    return config.toBuilder().origins(Origins.builder().quantity(origins.size()).items(origins).build()).build();
  }
}
