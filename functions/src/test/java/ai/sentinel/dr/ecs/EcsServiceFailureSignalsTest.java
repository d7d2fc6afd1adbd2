package ai.sentinel.dr.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.support.Signals;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.EventClassifier;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ECS service failure (Scenario 3): target group and service alarms, ECS events, manual payloads. */
class EcsServiceFailureSignalsTest {
  private final Signals signals = Signals.standard();

  private Classification classify(String file) {
    return signals.classify(file);
  }

  private Classification classifyText(String json) {
    return signals.classifyText(json);
  }

  // ---- Scenario 3: ECS -------------------------------------------------------------------------------------------

  @Test
  void targetGroupAlarmStartsEcsRecoveryOnTheServiceOfThatTargetGroup() throws Exception {
    Classification viaEventBridge = classify("alarm-eventbridge-alb-unhealthy-hosts.json");
    assertEquals("ecs-service-failure", viaEventBridge.scenario());
    assertEquals("sentinel-api", viaEventBridge.resource());
    Classification viaSns = classify("alarm-sns-alb-unhealthy-hosts.json");
    assertEquals("sentinel-api", viaSns.resource());
    assertEquals(viaEventBridge.dedupKey(), viaSns.dedupKey(), "one transition, one recovery");
    assertTrue(classify("alarm-eventbridge-alb-other-target-group.json").reason().contains("billing-api"));
  }

  @Test
  void targetGroupsConfiguredByArnMatchExactlyTheirDimension() {
    Map<String, String> env = Fixtures.env();
    Fixtures.withSection(env, "ecs", s -> s.putObject("targetGroups").put("sentinel-api",
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/sentinel-api/73e2d6bc24d8a067")
        .put("billing-api", "billing-api"));
    EventClassifier byArn = new EventClassifier(DrConfig.fromEnv(env), Fixtures.CLOCK);
    assertEquals("sentinel-api", byArn.classify(Signals.read("alarm-eventbridge-alb-unhealthy-hosts.json"))
        .resource());
    String otherGroupSameName = new String(Signals.read("alarm-eventbridge-alb-unhealthy-hosts.json"),
        StandardCharsets.UTF_8).replace("73e2d6bc24d8a067", "ffffffffffffffff");
    assertEquals("ignore", byArn.classify(otherGroupSameName.getBytes(StandardCharsets.UTF_8)).action(),
        "a recreated target group with the same name is not the configured ARN");
    assertNull(EcsScope.of(DrConfig.fromEnv(env)).serviceOfTargetGroup("targetgroup/billing-api/0f6b3c7a9d2e4b11"),
        "a target group of a service we do not protect routes nothing");
  }

  @Test
  void ecsServiceAlarmNeedsTheProtectedClusterAndService() throws Exception {
    Classification c = classify("alarm-eventbridge-ecs-service-cpu.json");
    assertEquals("sentinel-celery", c.resource());
    assertTrue(classify("alarm-eventbridge-ecs-other-cluster.json").reason().contains("ClusterName=sentinel-staging"));
  }

  @Test
  void alarmRoutedToEcsTakesTheServiceFromItsDimensionsOrIsRejected() {
    Map<String, String> env = Fixtures.env();
    env.put("ALARM_ROUTES", "{\"sentinel-api-unhealthy-hosts\":\"ecs-service-failure\","
        + "\"sentinel-redis-engine-cpu\":\"ecs-service-failure\",\"sentinel-celery-cpu\":\"ecs-service-failure\","
        + "\"sentinel-rds-connections\":\"ecs-service-failure\"}");
    EventClassifier routed = new EventClassifier(DrConfig.fromEnv(env), Fixtures.CLOCK);
    Classification byTargetGroup = routed.classify(Signals.read("alarm-eventbridge-alb-unhealthy-hosts.json"));
    assertEquals("sentinel-api", byTargetGroup.resource());
    assertTrue(byTargetGroup.reason().contains("routed to ecs-service-failure by ALARM_ROUTES"));
    assertEquals("sentinel-celery", routed.classify(Signals.read("alarm-eventbridge-ecs-service-cpu.json"))
        .resource());
    Classification noService = routed.classify(Signals.read("alarm-eventbridge-redis-cpu.json"));
    assertEquals("reject", noService.action());
    assertTrue(noService.reason().contains("names no protected service"), noService.reason());
    assertTrue(noService.reason().contains("CacheClusterId=sentinel-redis"), noService.reason());
    // the route wins over the metric, but an SNS copy is judged the same way
    Classification sns = routed.classify(Signals.read("alarm-sns-rds-connections.json"));
    assertEquals("reject", sns.action());
  }

  @Test
  void taskStoppedByAFailureStartsEcsRecoveryOnItsService() throws Exception {
    Classification c = classify("ecs-eventbridge-task-stopped-essential-exit.json");
    assertEquals("start", c.action(), c.reason());
    assertEquals("sentinel-api", c.resource());
    assertEquals("ecs-event", c.trigger().kind());
    assertEquals("EssentialContainerExited", c.trigger().id());
    assertEquals("2026-01-17T10:01:12.512Z", c.trigger().time(), "when the task stopped");
    assertEquals("ecs-task:sentinel-api:5f2b9c1d0e3a4b6c8d7e9f0a1b2c3d4e", c.dedupKey());
    assertEquals("sentinel-celery", classify("ecs-eventbridge-task-failed-to-start.json").resource());
  }

  @Test
  void tasksStoppedByScaleInOrAUserOrElsewhereAreIgnoredWithTheReason() throws Exception {
    assertTrue(classify("ecs-eventbridge-task-stopped-scale-in.json").reason().contains("scale-in"));
    assertTrue(classify("ecs-eventbridge-task-stopped-by-user.json").reason().contains("stopped by a user"));
    assertTrue(classify("ecs-eventbridge-task-other-cluster.json").reason()
        .contains("cluster sentinel-staging, not the protected cluster sentinel-production"));
    assertTrue(classify("ecs-eventbridge-task-other-service.json").reason().contains("billing-api"));
    String running = new String(Signals.read("ecs-eventbridge-task-stopped-essential-exit.json"),
        StandardCharsets.UTF_8).replace("\"lastStatus\": \"STOPPED\",\n    \"overrides\"",
        "\"lastStatus\": \"RUNNING\",\n    \"overrides\"");
    Classification c = classifyText(running);
    assertEquals("ignore", c.action());
    assertTrue(c.reason().contains("is RUNNING"), c.reason());
  }

  @Test
  void sameTaskStoppingTwiceIsOneSignalAndTwoTasksAreTwo() throws Exception {
    String event = new String(Signals.read("ecs-eventbridge-task-stopped-essential-exit.json"),
        StandardCharsets.UTF_8);
    // ECS may deliver the STOPPED state more than once (a new event id and version each time)
    String again = event.replace("a6d3e2b1-41c7-8f20-6e0b-3c1d2e4f5a01", "ffffffff-41c7-8f20-6e0b-3c1d2e4f5a01")
        .replace("\"version\": 5", "\"version\": 6");
    assertEquals(classifyText(event).dedupKey(), classifyText(again).dedupKey());
    String otherTask = event.replace("5f2b9c1d0e3a4b6c8d7e9f0a1b2c3d4e", "00000000000000000000000000000001");
    assertNotEquals(classifyText(event).dedupKey(), classifyText(otherTask).dedupKey());
  }

  @Test
  void serviceEventsNameTheServiceOnlyInTheirArnInEitherFormat() throws Exception {
    Classification newFormat = classify("ecs-eventbridge-service-task-start-impaired.json");
    assertEquals("sentinel-api", newFormat.resource());
    assertEquals("SERVICE_TASK_START_IMPAIRED", newFormat.trigger().id());
    Classification oldFormat = classify("ecs-eventbridge-service-placement-failure-old-arn.json");
    assertEquals("sentinel-celery", oldFormat.resource());
    Classification noClusterArn = classify("ecs-eventbridge-deployment-failed.json");
    assertEquals("start", noClusterArn.action(), noClusterArn.reason());
    assertEquals("sentinel-api", noClusterArn.resource());
    assertEquals("ecs-deployment:sentinel-api:ecs-svc/4926553416186386918:SERVICE_DEPLOYMENT_FAILED",
        noClusterArn.dedupKey());
    assertEquals(new EcsEvents.ServiceArn("sentinel-production", "sentinel-api"), EcsEvents.ServiceArn.parse(
        "arn:aws:ecs:us-east-1:123456789012:service/sentinel-production/sentinel-api"));
    assertEquals(new EcsEvents.ServiceArn(null, "sentinel-api"), EcsEvents.ServiceArn.parse(
        "arn:aws:ecs:us-east-1:123456789012:service/sentinel-api"));
    assertNull(EcsEvents.ServiceArn.parse("arn:aws:ecs:us-east-1:123456789012:task/sentinel-production/abc"));
    assertNull(EcsEvents.ServiceArn.parse("arn:aws:ecs:us-east-1:123456789012:service/a/b/c"));
  }

  @Test
  void oldFormatArnWithAnotherClusterIsIgnoredAndOneWithoutAnyClusterIsTrusted() throws Exception {
    String otherCluster = new String(Signals.read("ecs-eventbridge-service-placement-failure-old-arn.json"),
        StandardCharsets.UTF_8).replace("cluster/sentinel-production", "cluster/sentinel-staging");
    Classification c = classifyText(otherCluster);
    assertEquals("ignore", c.action());
    assertTrue(c.reason().contains("cluster sentinel-staging"), c.reason());
    String oldArnNoCluster = new String(Signals.read("ecs-eventbridge-deployment-failed.json"),
        StandardCharsets.UTF_8).replace("service/sentinel-production/sentinel-api", "service/sentinel-api");
    Classification trusted = classifyText(oldArnNoCluster);
    assertEquals("start", trusted.action(), trusted.reason());
    assertTrue(trusted.reason().contains("the event names no cluster"), trusted.reason());
  }

  @Test
  void informationalServiceEventsAreIgnoredWithTheReason() throws Exception {
    assertTrue(classify("ecs-eventbridge-service-steady-state.json").reason().contains("informational"));
    assertTrue(classify("ecs-eventbridge-deployment-completed.json").reason().contains("informational"));
    assertTrue(classify("ecs-eventbridge-deployment-rollback-in-progress.json").reason()
        .contains("already rolling back"));
    assertTrue(classify("ecs-eventbridge-service-other-cluster.json").reason().contains("sentinel-staging"));
    assertTrue(classify("ecs-eventbridge-deployment-failed-other-service.json").reason().contains("billing-api"));
    String noResources = new String(Signals.read("ecs-eventbridge-deployment-failed.json"), StandardCharsets.UTF_8)
        .replaceAll("\"resources\": \\[[^\\]]*\\]", "\"resources\": []");
    assertTrue(classifyText(noResources).reason().contains("names no ECS service"),
        classifyText(noResources).reason());
  }

  @Test
  void manualEcsNeedsAProtectedServiceAndNoDatabaseOptions() throws Exception {
    Classification c = classify("manual-ecs-service-failure.json");
    assertEquals("sentinel-api", c.resource());
    assertEquals("manual", c.trigger().kind());
    assertTrue(classify("invalid-ecs-no-resource.json").reason().contains("one of [sentinel-api, sentinel-celery]"));
    assertTrue(classifyText("{\"runbook\":\"ecs-service-failure\",\"resource\":\"billing-api\"}").reason()
        .contains("not a protected service"));
    assertTrue(classifyText("{\"runbook\":\"ecs-service-failure\",\"resource\":\"sentinel-api\","
        + "\"snapshotId\":\"x\"}").reason().contains("do not apply to ecs-service-failure"));
    assertNotEquals(classify("manual-ecs-service-failure.json").dedupKey(),
        classifyText("{\"runbook\":\"ecs-service-failure\",\"resource\":\"sentinel-celery\"}").dedupKey());
  }
}
