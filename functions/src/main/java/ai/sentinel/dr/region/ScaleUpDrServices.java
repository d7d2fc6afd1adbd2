package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.RegionState.DrService;
import ai.sentinel.dr.region.RegionState.DrServices;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LoadBalancer;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * Scenario 4, runbook step 5 ("Deploy ECS services in DR region"): each of the platform's services in the DR cluster
 * at {@code dr.ecs.desiredCount}. A pre-provisioned service is scaled up with a forced deployment (its tasks must read
 * the repointed secret); a missing one is created as the runbook's create-service does: Fargate, the private DR
 * subnets and security groups, no public IP, attached to its DR target group when it has one. Running it twice
 * changes nothing more: a service already at its count with a deployment newer than the repoint is left alone.
 */
public final class ScaleUpDrServices extends Step {
  private final RegionSettings region;
  private final EcsClient ecs;
  private final ElasticLoadBalancingV2Client elb;

  public ScaleUpDrServices() {
    this(Deps.fromProcessEnv());
  }

  public ScaleUpDrServices(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ScaleUpDrServices(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.ecs = deps.clients().in(region.drRegion()).ecs();
    this.elb = deps.clients().in(region.drRegion()).elbv2();
  }

  @Override
  public String name() {
    return "ScaleUpDrServices";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    RegionSettings.DrServices dr = region.ecs();
    int desired = dr.desiredCount();
    Instant repointed = recovery.repointedInstant();
    List<Service> found = ecs.describeServices(b -> b.cluster(dr.cluster()).services(dr.services())).services();
    List<DrService> done = new ArrayList<>();
    Recovery out = recovery;
    for (String name : dr.services()) {
      String target = RegionSettings.target(region.drRegion(), dr.cluster() + "/" + name);
      Optional<Service> service = found.stream().filter(s -> name.equals(s.serviceName())
          && "ACTIVE".equals(s.status())).findFirst();
      if (service.isPresent() && service.get().desiredCount() == desired && newerThan(service.get(), repointed)) {
        done.add(new DrService(name, "unchanged", desired, service.get().runningCount()));
        out = out.log(entry("skipped", name + " already at " + desired + " in " + dr.cluster() + " since the repoint"));
        continue;
      }
      if (service.isPresent()) {
        UpdateServiceRequest request = UpdateServiceRequest.builder().cluster(dr.cluster()).service(name)
            .desiredCount(desired).forceNewDeployment(true).build();
        Mutation<?> sent = mutate(out, "ecs", "UpdateService", target, request, () -> ecs.updateService(request));
        out = sent.recovery();
        done.add(new DrService(name, sent.sent() ? "updated" : "planned", desired, service.get().runningCount()));
        continue;
      }
      CreateServiceRequest request = create(dr, name, desired);
      Mutation<?> sent = mutate(out, "ecs", "CreateService", target, request, () -> ecs.createService(request));
      out = sent.recovery();
      done.add(new DrService(name, sent.sent() ? "created" : "planned", desired, 0));
    }
    DrServices services = new DrServices(dr.cluster(), done, recovery.dryRun(), 0);
    return out.update(RegionState.PART, s -> RegionState.of(s).withServices(services)).log(entry("scaled",
        String.join(", ", done.stream().map(d -> d.name() + " " + d.action() + " to " + d.desired()).toList())
            + " in " + dr.cluster() + " (" + region.drRegion() + ")"));
  }

  /** A deployment started after the secret was repointed already runs with the new value. */
  private static boolean newerThan(Service service, Instant repointed) {
    if (repointed == null) {
      return true;
    }
    return service.deployments().stream().filter(d -> "PRIMARY".equals(d.status())).map(Deployment::createdAt)
        .anyMatch(t -> t != null && !t.isBefore(repointed));
  }

  /** The runbook's create-service, attached to the service's DR target group when it has one. */
  private CreateServiceRequest create(RegionSettings.DrServices dr, String name, int desired) {
    CreateServiceRequest.Builder b = CreateServiceRequest.builder().cluster(dr.cluster()).serviceName(name)
        .taskDefinition(name).desiredCount(desired).launchType(LaunchType.FARGATE)
        .networkConfiguration(NetworkConfiguration.builder().awsvpcConfiguration(AwsVpcConfiguration.builder()
            .subnets(dr.subnets()).securityGroups(dr.securityGroups()).assignPublicIp(AssignPublicIp.DISABLED)
            .build()).build());
    String targetGroup = dr.targetGroups().get(name);
    if (targetGroup != null) {
      ContainerDefinition container = ecs.describeTaskDefinition(r -> r.taskDefinition(name)).taskDefinition()
          .containerDefinitions().stream().filter(c -> !c.portMappings().isEmpty()).findFirst()
          .orElseThrow(() -> new StepFailedError("task definition " + name + " in " + region.drRegion()
              + " has no container with a port to attach to " + targetGroup));
      b.loadBalancers(LoadBalancer.builder().targetGroupArn(targetGroupArn(targetGroup))
          .containerName(container.name()).containerPort(container.portMappings().get(0).containerPort()).build());
    }
    return b.build();
  }

  private String targetGroupArn(String nameOrArn) {
    if (nameOrArn.startsWith("arn:")) {
      return nameOrArn;
    }
    return elb.describeTargetGroups(r -> r.names(nameOrArn)).targetGroups().stream().findFirst()
        .orElseThrow(() -> new StepFailedError("target group " + nameOrArn + " not found in " + region.drRegion()))
        .targetGroupArn();
  }
}
