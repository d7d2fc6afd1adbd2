package ai.sentinel.dr.ecs;

import java.util.function.Consumer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.ecs.EcsState.Diagnosis;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.support.Fixtures;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;

/** Scenario 3 test data: the dev environment with ECS settings, services, deployments, recoveries. */
final class Ecs {
  static final String CLUSTER = "sentinel-production";
  static final String API = "sentinel-api";
  static final String WORKER = "sentinel-celery";
  static final String TD_PREFIX = "arn:aws:ecs:us-east-1:123456789012:task-definition/";
  static final String TG_ARN =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/sentinel-api-tg/6d0ecf831eec9f09";
  /** Diagnose ran at the fixed clock's time. */
  static final Instant DIAGNOSED = Fixtures.NOW;

  private Ecs() {}

  static Map<String, String> env() {
    Map<String, String> env = Fixtures.env();
    return Fixtures.withSection(env, "ecs", s -> {
      s.putObject("desiredCounts").put("sentinel-api", 3).put("sentinel-celery", 2);
      s.putObject("targetGroups").put("sentinel-api", "sentinel-api-tg");
      s.put("stablePolls", 3);
    });
  }

  static DrConfig config() {
    return DrConfig.fromEnv(env());
  }

  /** The ECS environment with its ecs settings edited. */
  static DrConfig config(Consumer<ObjectNode> ecs) {
    return DrConfig.fromEnv(Fixtures.withSection(env(), "ecs", ecs));
  }

  static DrConfig config(Map<String, String> overrides) {
    Map<String, String> env = env();
    env.putAll(overrides);
    return DrConfig.fromEnv(env);
  }

  static Deps deps(Object... clients) {
    return Fixtures.deps(config(), clients);
  }

  static String td(String family, int revision) {
    return TD_PREFIX + family + ":" + revision;
  }

  static String td(int revision) {
    return td(API, revision);
  }

  static Deployment deployment(String id, String status, int revision, int running, int desired, Instant createdAt,
      String rolloutState) {
    return Deployment.builder().id(id).status(status).taskDefinition(td(revision)).runningCount(running)
        .desiredCount(desired).createdAt(createdAt).rolloutState(rolloutState).build();
  }

  static Deployment primary(String id, int revision, Instant createdAt) {
    return deployment(id, "PRIMARY", revision, 0, 3, createdAt, "IN_PROGRESS");
  }

  static Service service(String name, int running, int desired, int revision, Deployment... deployments) {
    return Service.builder().serviceName(name).clusterArn("arn:aws:ecs:us-east-1:123456789012:cluster/" + CLUSTER)
        .status("ACTIVE").runningCount(running).desiredCount(desired).pendingCount(0).taskDefinition(td(revision))
        .deployments(deployments).build();
  }

  /** One service with one PRIMARY deployment on the revision. */
  static Service steady(String name, int running, int desired, int revision) {
    return service(name, running, desired, revision,
        deployment("ecs-svc/steady", "PRIMARY", revision, running, desired, Instant.parse("2026-01-10T00:00:00Z"),
            "COMPLETED"));
  }

  /** DescribeServices answers with these (whichever service is asked for). */
  static void reports(EcsClient ecs, Service... services) {
    when(ecs.describeServices(any(DescribeServicesRequest.class)))
        .thenReturn(DescribeServicesResponse.builder().services(services).build());
  }

  static Recovery recovery(boolean dryRun) {
    return recovery(API, dryRun);
  }

  static Recovery recovery(String service, boolean dryRun) {
    return Recovery.start("ecs-service-failure", service, "ecs-service-failure-" + service + "-0123456789abcdef", "dev",
        new Trigger("ecs-task-stopped", "eventbridge", "task-1", "2026-01-17T10:02:11.482Z", "test"),
        new Options(null, null, null, dryRun, 30, 5));
  }

  static Diagnosis diagnosis(int revision) {
    return new Diagnosis(td(revision), 3, 0, 0, List.of(), List.of(), List.of(), "test", DIAGNOSED.toString(), null);
  }

  /** As Diagnose leaves it. */
  static Recovery diagnosed(String service, boolean dryRun, int revision) {
    return recovery(service, dryRun).with(EcsState.PART, EcsState.diagnosed(CLUSTER, service, diagnosis(revision)));
  }

  /** In a phase, after some polls, with the phase's deployment. */
  static Recovery inPhase(String phase, int polls, String deploymentId, int revision, boolean dryRun) {
    EcsState state = EcsState.diagnosed(CLUSTER, API, diagnosis(revision))
        .started(phase, new EcsState.Deployment(deploymentId, td(revision), "2026-01-17T10:05:00Z"));
    for (int i = 0; i < polls; i++) {
      state = state.polled(false, false, "0/3 running, 2 deployment(s)", "test");
    }
    return recovery(API, dryRun).with(EcsState.PART, state);
  }

  /** WaitForStability gave up on the forced deployment of the revision. */
  static Recovery rollbackDue(int revision, boolean dryRun) {
    EcsState state = inPhase("redeploy", 2, "ecs-svc/forced", revision, dryRun).part(EcsState.PART)
        .polled(false, true, "0/3 running, 2 deployment(s)", "sentinel-api:" + revision
            + " not stable after 3 polls (window of 3 x 30 s): 0/3 running, 2 deployment(s); rolling back");
    return recovery(API, dryRun).with(EcsState.PART, state);
  }
}
