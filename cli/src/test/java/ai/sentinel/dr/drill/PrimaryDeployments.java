package ai.sentinel.dr.drill;

import ai.sentinel.dr.ecs.EcsSettings;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;

/** The ITs' view of "were the services restarted?": each configured service's PRIMARY deployment id. */
public final class PrimaryDeployments {
  private PrimaryDeployments() {}

  public static Map<String, String> of(LocalSentinel sentinel) {
    return sentinel.aws.ecs.describeServices(b -> b.cluster(EcsSettings.of(sentinel.config).cluster())
            .services(EcsSettings.of(sentinel.config).services())).services().stream()
        .collect(Collectors.toMap(Service::serviceName, s -> s.deployments().stream()
            .filter(d -> "PRIMARY".equals(d.status())).map(Deployment::id).findFirst().orElseThrow()));
  }
}
