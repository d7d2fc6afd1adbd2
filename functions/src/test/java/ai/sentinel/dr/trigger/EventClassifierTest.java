package ai.sentinel.dr.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.event.ruler.Machine;

class EventClassifierTest {
  private final EventClassifier classifier = new EventClassifier(Fixtures.config(), Fixtures.CLOCK);

  private Classification classify(String file) throws Exception {
    return classifier.classify(Files.readAllBytes(Fixtures.events().resolve(file)));
  }

  private Classification classifyText(String json) {
    return classifier.classify(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Every sample in events/ gets the action and scenario its row in events/index.json promises. */
  @TestFactory
  Stream<DynamicTest> everySampleIsClassifiedAsDocumented() throws Exception {
    JsonNode index = Json.MAPPER.readTree(Fixtures.events().resolve("index.json").toFile());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode row : index) {
      String file = row.get("file").asText();
      tests.add(DynamicTest.dynamicTest(file, () -> {
        Classification c = classify(file);
        assertEquals(row.get("action").asText(), c.action(), file + ": " + c.reason());
        if (row.has("scenario")) {
          assertEquals(row.get("scenario").asText(), c.scenario(), file);
        }
        assertNotNull(c.reason(), file);
      }));
    }
    assertTrue(tests.size() >= 20, "events/index.json lists the samples");
    return tests.stream();
  }

  /**
   * Every EventBridge sample matches exactly the rules its row lists, with the patterns this environment deploys
   * (the CDK tests check the same against the synthesized template).
   */
  @TestFactory
  Stream<DynamicTest> everyEventBridgeSampleMatchesExactlyItsListedRules() throws Exception {
    Machine machine = new Machine();
    for (TriggerPatterns.Rule rule : TriggerPatterns.of(EventClassifier.scope(Fixtures.config()))) {
      machine.addRule(rule.id(), rule.pattern());
    }
    JsonNode index = Json.MAPPER.readTree(Fixtures.events().resolve("index.json").toFile());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode row : index) {
      if (!"eventbridge".equals(row.get("envelope").asText())) {
        continue;
      }
      String file = row.get("file").asText();
      tests.add(DynamicTest.dynamicTest(file, () -> {
        Set<String> expected = new TreeSet<>();
        row.get("rules").forEach(r -> expected.add(r.asText()));
        String event = Files.readString(Fixtures.events().resolve(file));
        assertEquals(expected, new TreeSet<>(machine.rulesForJSONEvent(event)), file);
      }));
    }
    return tests.stream();
  }

  @Test
  void runbookAlarmRoutesToScenarioOneOnTheInstance() throws Exception {
    Classification c = classify("alarm-eventbridge-rds-connections.json");
    assertEquals("start", c.action());
    assertEquals("database-failure", c.scenario());
    assertEquals("sentinel-db", c.resource());
    assertEquals("alarm", c.trigger().kind());
    assertEquals("2026-01-17T10:02:11.482Z", c.trigger().time());
  }

  @Test
  void alarmWithoutNameRouteStillRoutesByTheMetricItWatches() {
    EventClassifier noRoutes = new EventClassifier(ai.sentinel.dr.common.DrConfig.fromEnv(
        withEnv("ALARM_ROUTES", "{}")), Fixtures.CLOCK);
    Classification c = noRoutes.classify(readUnchecked("alarm-eventbridge-rds-connections.json"));
    assertEquals("start", c.action(), c.reason());
    assertTrue(c.reason().contains("DBInstanceIdentifier=sentinel-db"), c.reason());
  }

  @Test
  void sameAlarmTransitionViaEventBridgeAndSnsHasOneDedupKey() throws Exception {
    Classification viaEventBridge = classify("alarm-eventbridge-rds-connections.json");
    Classification viaSns = classify("alarm-sns-rds-connections.json");
    assertEquals(viaEventBridge.dedupKey(), viaSns.dedupKey());
    assertEquals("sns", viaSns.trigger().source());
  }

  @Test
  void differentSignalsHaveDifferentDedupKeys() throws Exception {
    assertNotEquals(classify("rds-eventbridge-failover-started.json").dedupKey(),
        classify("rds-eventbridge-failover-completed.json").dedupKey());
  }

  @Test
  void rdsSourceIdentifierWithPrefixAndNoEventIdIsOurs() throws Exception {
    Classification c = classify("rds-eventbridge-failure-prefixed-no-event-id.json");
    assertEquals("start", c.action(), c.reason());
    assertEquals("sentinel-db", c.resource());
    assertTrue(c.dedupKey().contains("no-event-id"), c.dedupKey());
  }

  @Test
  void rdsNotificationViaSnsTakesEventIdFromTheUrl() throws Exception {
    Classification c = classify("rds-sns-failover-completed.json");
    assertEquals("RDS-EVENT-0049", c.trigger().id());
    assertEquals("2026-01-17T10:03:02.870Z", c.trigger().time());
  }

  @Test
  void rdsMessageTextIsNeverUsedForMatching() {
    // a backup event whose message talks about failover is still a backup event
    String event = new String(readUnchecked("rds-eventbridge-backup.json"), StandardCharsets.UTF_8)
        .replace("Finished DB Instance backup.", "failover failure shutdown");
    assertEquals("ignore", classifyText(event).action());
  }

  @Test
  void suppressedCompositeAlarmIsIgnoredWithTheReason() throws Exception {
    Classification c = classify("alarm-eventbridge-composite-suppressed.json");
    assertEquals("ignore", c.action());
    assertTrue(c.reason().contains("suppressed by WaitPeriod"), c.reason());
  }

  @Test
  void okAndInsufficientDataAreIgnored() throws Exception {
    assertTrue(classify("alarm-eventbridge-rds-connections-ok.json").reason().contains("is OK"));
    assertTrue(classify("alarm-eventbridge-rds-insufficient-data.json").reason().contains("INSUFFICIENT_DATA"));
    assertTrue(classify("alarm-sns-rds-connections-ok.json").reason().contains("is OK"));
  }

  @Test
  void manualPayloadCarriesItsOptions() throws Exception {
    Classification c = classify("manual-database-restore-snapshot-dry-run.json");
    assertEquals("B", c.options().option());
    assertEquals("latest", c.options().snapshotId());
    assertTrue(c.options().dryRun());
    assertEquals("manual:database-failure:INC-1234-restore-plan", c.dedupKey());
    Classification pitr = classify("manual-database-point-in-time.json");
    assertEquals("C", pitr.options().option());
    assertEquals("2026-01-17T10:00:00Z", pitr.options().restoreTime());
    assertEquals(60, pitr.options().pollSeconds());
  }

  @Test
  void manualDefaultsComeFromTheEnvironment() throws Exception {
    Classification c = classify("manual-database-failure.json");
    assertEquals(null, c.options().option());
    assertEquals(false, c.options().dryRun());
    assertEquals(30, c.options().pollSeconds());
    assertEquals(5, c.options().maxPolls());
  }

  @Test
  void manualFieldOrderDoesNotChangeIdentity() {
    assertEquals(classifyText("{\"runbook\":\"database-failure\",\"option\":\"B\"}").dedupKey(),
        classifyText("{\"option\":\"B\",\"runbook\":\"database-failure\"}").dedupKey());
  }

  @Test
  void badInputIsRejectedWithAClearReason() throws Exception {
    assertTrue(classify("invalid-malformed-json.json").reason().startsWith("malformed JSON"));
    assertTrue(classify("invalid-wrong-types.json").reason().contains("'dryRun' must be true or false"));
    assertTrue(classify("invalid-unknown-envelope.json").reason().startsWith("unknown envelope"));
    assertTrue(classify("invalid-unknown-runbook.json").reason().contains("unknown runbook 'printer-on-fire'"));
    assertTrue(classify("invalid-unprotected-resource.json").reason().contains("billing-db"));
    assertTrue(classifyText("[1,2]").reason().contains("JSON object"));
    assertTrue(classifyText("").reason().contains("empty"));
    assertTrue(classifyText("{\"runbook\":\"database-failure\",\"pollSeconds\":0}").reason()
        .contains("pollSeconds"));
    assertTrue(classifyText("{\"runbook\":\"database-failure\",\"option\":\"Z\"}").reason().contains("A, B or C"));
    assertTrue(classifyText("{\"runbook\":\"database-failure\",\"restoreTime\":\"yesterday\"}").reason()
        .contains("ISO-8601"));
    assertTrue(classifyText("{\"runbook\":\"database-failure\",\"extra\":1}").reason().contains("unknown field"));
    assertTrue(classifyText("{\"runbook\":5}").reason().contains("'runbook' must be a string"));
    assertTrue(classifyText("{\"source\":\"aws.rds\",\"detail-type\":\"RDS DB Instance Event\",\"detail\":[]}")
        .reason().contains("'detail' must be an object"));
    assertTrue(classifyText("{\"Records\":[]}").reason().contains("exactly one record"));
  }

  @Test
  void oversizePayloadIsRejectedBeforeParsing() {
    byte[] big = new byte[EventClassifier.MAX_BYTES + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    Classification c = classifier.classify(big);
    assertEquals("reject", c.action());
    assertTrue(c.reason().contains("256 KB"), c.reason());
  }

  @Test
  void executionNamesAreValidAndStable() {
    String a = ExecutionNames.of("database-failure", "sentinel-db", "alarm:x:2026");
    assertEquals(a, ExecutionNames.of("database-failure", "sentinel-db", "alarm:x:2026"));
    assertTrue(a.matches("[A-Za-z0-9_-]{1,80}"), a);
    String long1 = ExecutionNames.of("database-failure", "x".repeat(200) + ":/weird", "k");
    assertTrue(long1.matches("[A-Za-z0-9_-]{1,80}"), long1);
  }

  // ---- Scenario 2: Redis -----------------------------------------------------------------------------------------

  @Test
  void cacheAlarmsOnTheClusterOrAMemberNodeStartRedisRecoveryOnTheCluster() throws Exception {
    for (String file : List.of("alarm-eventbridge-redis-cpu.json", "alarm-eventbridge-redis-member-node.json",
        "alarm-sns-redis-connections.json")) {
      Classification c = classify(file);
      assertEquals("start", c.action(), file + ": " + c.reason());
      assertEquals("redis-failure", c.scenario(), file);
      assertEquals("sentinel-redis", c.resource(), file + ": the recovery acts on the cluster, not the node");
      assertEquals("alarm", c.trigger().kind(), file);
    }
    assertTrue(classify("alarm-eventbridge-redis-member-node.json").reason()
        .contains("CacheClusterId=sentinel-redis-002 (a node of sentinel-redis)"));
  }

  @Test
  void membersAreMatchedPreciselyAndTheRecoveryClusterIsNeverOne() {
    TriggerPatterns.Scope scope = EventClassifier.scope(Fixtures.config());
    for (String member : List.of("sentinel-redis", "sentinel-redis-001", "sentinel-redis-006",
        "sentinel-redis-0001-002")) {
      assertTrue(scope.isRedisMember(member), member);
    }
    for (String other : List.of("sentinel-redis-recovery", "sentinel-redis-01", "sentinel-redis-0abc",
        "sentinel-redis2", "billing-redis-001", "sentinel-redis-001-recovery", "")) {
      assertFalse(scope.isRedisMember(other), other);
    }
    // the deployed pattern matches on the prefix sentinel-redis-0; the classifier still refuses what is no member
    String lookalike = new String(readUnchecked("alarm-eventbridge-redis-cpu.json"), StandardCharsets.UTF_8)
        .replace("\"CacheClusterId\": \"sentinel-redis\"", "\"CacheClusterId\": \"sentinel-redis-0ld\"");
    Classification c = classifyText(lookalike);
    assertEquals("ignore", c.action(), c.reason());
    assertTrue(c.reason().contains("CacheClusterId=sentinel-redis-0ld"), c.reason());
  }

  @Test
  void alarmsOnOurRecoveryClusterOrAnotherCacheAreIgnored() throws Exception {
    assertTrue(classify("alarm-eventbridge-redis-recovery-cluster.json").reason()
        .contains("CacheClusterId=sentinel-redis-recovery"));
    assertTrue(classify("alarm-eventbridge-other-cache.json").reason().contains("billing-redis-001"));
  }

  @Test
  void withoutARedisClusterCacheSignalsStartNothingAndRedisRequestsAreRefused() {
    Map<String, String> env = Fixtures.env();
    env.remove("REDIS_CLUSTER_ID");
    env.remove("REDIS_SECRET_ID");
    EventClassifier noRedis = new EventClassifier(ai.sentinel.dr.common.DrConfig.fromEnv(env), Fixtures.CLOCK);
    Classification alarm = noRedis.classify(readUnchecked("alarm-eventbridge-redis-cpu.json"));
    assertEquals("ignore", alarm.action(), alarm.reason());
    Classification notification = noRedis.classify(readUnchecked("elasticache-sns-provisioning-failed.json"));
    assertEquals("ignore", notification.action());
    assertTrue(notification.reason().contains("REDIS_CLUSTER_ID is not set"), notification.reason());
    Classification manual = noRedis.classify(readUnchecked("manual-redis-failure.json"));
    assertEquals("reject", manual.action());
    assertTrue(manual.reason().contains("redis-failure is not deployed in this environment"), manual.reason());
    env.put("ALARM_ROUTES", "{\"sentinel-redis-engine-cpu\":\"redis-failure\"}");
    Classification routed = new EventClassifier(ai.sentinel.dr.common.DrConfig.fromEnv(env), Fixtures.CLOCK)
        .classify(readUnchecked("alarm-eventbridge-redis-cpu.json"));
    assertEquals("reject", routed.action());
    assertTrue(routed.reason().contains("REDIS_CLUSTER_ID is not set"), routed.reason());
  }

  @Test
  void elastiCacheFailureNotificationStartsRedisRecovery() throws Exception {
    Classification c = classify("elasticache-sns-provisioning-failed.json");
    assertEquals("start", c.action(), c.reason());
    assertEquals("sentinel-redis", c.resource());
    assertEquals("elasticache-event", c.trigger().kind());
    assertEquals("sns", c.trigger().source());
    assertEquals("CacheClusterProvisioningFailed", c.trigger().id());
    assertEquals("2026-01-17T10:02:58.144Z", c.trigger().time());
    assertEquals("elasticache:sentinel-redis:CacheClusterProvisioningFailed:2026-01-17T10:02:58.144Z",
        c.dedupKey());
  }

  @Test
  void routineOrServingElastiCacheNotificationsAreIgnoredWithTheirReason() throws Exception {
    assertTrue(classify("elasticache-sns-snapshot-complete.json").reason().contains("routine"));
    assertTrue(classify("elasticache-sns-failover-complete.json").reason().contains("routine"));
    assertTrue(classify("elasticache-sns-node-replaced.json").reason().contains("routine"));
    assertTrue(classify("elasticache-sns-other-cache.json").reason().contains("not the protected cluster"));
    assertTrue(classify("elasticache-sns-recovery-cluster.json").reason().contains("own recovery creates"));
    Classification replacing = classifyText(cacheNotification("{\"ElastiCache:CacheNodeReplaceStarted\":"
        + "\"sentinel-redis-001\"}"));
    assertEquals("ignore", replacing.action());
    assertTrue(replacing.reason().contains("replacing a degraded node by itself"), replacing.reason());
    Classification deleted = classifyText(cacheNotification("{\"ElastiCache:DeleteCacheClusterComplete\":"
        + "\"sentinel-redis\"}"));
    assertEquals("ignore", deleted.action());
    assertTrue(deleted.reason().contains("invoke redis-failure by hand"), deleted.reason());
    Classification unknown = classifyText(cacheNotification("{\"ElastiCache:SomethingNew\":\"sentinel-redis\"}"));
    assertEquals("ignore", unknown.action());
    assertTrue(unknown.reason().contains("not a documented ElastiCache failure notification"), unknown.reason());
  }

  @Test
  void elastiCacheNotificationNamingTheGroupAndTheNodeIsOurs() {
    Classification c = classifyText(cacheNotification("{\"ElastiCache:CacheClusterProvisioningFailed\":"
        + "\"sentinel-redis-002\",\"Replication Group ID\":\"sentinel-redis\"}"));
    assertEquals("start", c.action(), c.reason());
    assertEquals("sentinel-redis", c.resource());
  }

  @Test
  void manualRedisTakesASnapshotNameAndRefusesDatabaseOptions() throws Exception {
    Classification c = classify("manual-redis-named-snapshot-dry-run.json");
    assertEquals("sentinel-redis", c.resource());
    assertEquals("automatic.sentinel-redis-2026-01-17-03-00", c.options().snapshotId());
    assertNull(c.options().option());
    assertNull(c.options().restoreTime());
    assertTrue(c.options().dryRun());
    assertEquals("latest", classify("manual-redis-failure.json").options().snapshotId());
    assertTrue(classify("invalid-redis-restore-time.json").reason().contains("no point-in-time restore"));
    assertTrue(classifyText("{\"runbook\":\"redis-failure\",\"option\":\"B\"}").reason()
        .startsWith("option applies to database-failure only"));
    assertTrue(classifyText("{\"runbook\":\"redis-failure\",\"resource\":\"billing-redis\"}").reason()
        .contains("redis-failure covers sentinel-redis"));
    assertTrue(classifyText("{\"runbook\":\"redis-failure\",\"snapshotId\":\"../etc\"}").reason()
        .contains("ElastiCache snapshot name"));
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
    env.put("ECS_TARGET_GROUPS", "{\"sentinel-api\":\"arn:aws:elasticloadbalancing:us-east-1:123456789012:"
        + "targetgroup/sentinel-api/73e2d6bc24d8a067\",\"billing-api\":\"billing-api\"}");
    EventClassifier byArn = new EventClassifier(ai.sentinel.dr.common.DrConfig.fromEnv(env), Fixtures.CLOCK);
    assertEquals("sentinel-api", byArn.classify(readUnchecked("alarm-eventbridge-alb-unhealthy-hosts.json"))
        .resource());
    String otherGroupSameName = new String(readUnchecked("alarm-eventbridge-alb-unhealthy-hosts.json"),
        StandardCharsets.UTF_8).replace("73e2d6bc24d8a067", "ffffffffffffffff");
    assertEquals("ignore", byArn.classify(otherGroupSameName.getBytes(StandardCharsets.UTF_8)).action(),
        "a recreated target group with the same name is not the configured ARN");
    TriggerPatterns.Scope scope = EventClassifier.scope(ai.sentinel.dr.common.DrConfig.fromEnv(env));
    assertNull(scope.serviceOfTargetGroup("targetgroup/billing-api/0f6b3c7a9d2e4b11"),
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
    EventClassifier routed = new EventClassifier(ai.sentinel.dr.common.DrConfig.fromEnv(env), Fixtures.CLOCK);
    Classification byTargetGroup = routed.classify(readUnchecked("alarm-eventbridge-alb-unhealthy-hosts.json"));
    assertEquals("sentinel-api", byTargetGroup.resource());
    assertTrue(byTargetGroup.reason().contains("routed to ecs-service-failure by ALARM_ROUTES"));
    assertEquals("sentinel-celery", routed.classify(readUnchecked("alarm-eventbridge-ecs-service-cpu.json"))
        .resource());
    Classification noService = routed.classify(readUnchecked("alarm-eventbridge-redis-cpu.json"));
    assertEquals("reject", noService.action());
    assertTrue(noService.reason().contains("names no protected service"), noService.reason());
    assertTrue(noService.reason().contains("CacheClusterId=sentinel-redis"), noService.reason());
    // the route wins over the metric, but an SNS copy is judged the same way
    Classification sns = routed.classify(readUnchecked("alarm-sns-rds-connections.json"));
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
    String running = new String(readUnchecked("ecs-eventbridge-task-stopped-essential-exit.json"),
        StandardCharsets.UTF_8).replace("\"lastStatus\": \"STOPPED\",\n    \"overrides\"",
        "\"lastStatus\": \"RUNNING\",\n    \"overrides\"");
    Classification c = classifyText(running);
    assertEquals("ignore", c.action());
    assertTrue(c.reason().contains("is RUNNING"), c.reason());
  }

  @Test
  void sameTaskStoppingTwiceIsOneSignalAndTwoTasksAreTwo() throws Exception {
    String event = new String(readUnchecked("ecs-eventbridge-task-stopped-essential-exit.json"),
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
    String otherCluster = new String(readUnchecked("ecs-eventbridge-service-placement-failure-old-arn.json"),
        StandardCharsets.UTF_8).replace("cluster/sentinel-production", "cluster/sentinel-staging");
    Classification c = classifyText(otherCluster);
    assertEquals("ignore", c.action());
    assertTrue(c.reason().contains("cluster sentinel-staging"), c.reason());
    String oldArnNoCluster = new String(readUnchecked("ecs-eventbridge-deployment-failed.json"),
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
    String noResources = new String(readUnchecked("ecs-eventbridge-deployment-failed.json"), StandardCharsets.UTF_8)
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

  @Test
  void aDrillIsItsOwnTriggerKindAndItsOwnSignal() throws Exception {
    Classification drill = classify("manual-drill-redis-failure.json");
    assertEquals("drill", drill.trigger().kind());
    assertEquals("manual", drill.trigger().source());
    assertEquals("drill:redis-failure:drill-2026-01-redis", drill.dedupKey());
    assertTrue(drill.reason().startsWith("drill of redis-failure"), drill.reason());
    Classification ecsDrill = classify("manual-drill-ecs-service-failure.json");
    assertEquals("sentinel-celery", ecsDrill.resource());
    assertTrue(ecsDrill.options().dryRun());
    // the same request as a drill and as a real invoke are two signals
    assertNotEquals(classifyText("{\"runbook\":\"database-failure\",\"requestId\":\"r1\"}").dedupKey(),
        classifyText("{\"runbook\":\"database-failure\",\"requestId\":\"r1\",\"drill\":true}").dedupKey());
    assertTrue(classifyText("{\"runbook\":\"database-failure\",\"drill\":\"yes\"}").reason()
        .contains("'drill' must be true or false"));
  }

  @Test
  void anEventNoDeployedRuleMatchesNeverStarts() {
    // a task STOPPED for a failure but without clusterArn: our analysis would accept the service, the rule does not
    String noCluster = new String(readUnchecked("ecs-eventbridge-task-stopped-essential-exit.json"),
        StandardCharsets.UTF_8).replace("\"clusterArn\": \"arn:aws:ecs:us-east-1:123456789012:cluster/"
        + "sentinel-production\",", "");
    Classification c = classifyText(noCluster);
    assertEquals("ignore", c.action(), c.reason());
  }

  private String cacheNotification(String message) {
    String sample = new String(readUnchecked("elasticache-sns-snapshot-complete.json"), StandardCharsets.UTF_8);
    JsonNode tree = Json.tree(sample);
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("Records").get(0).get("Sns")).put("Message", message);
    return Json.write(tree);
  }

  private static byte[] readUnchecked(String file) {
    try {
      return Files.readAllBytes(Fixtures.events().resolve(file));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static java.util.Map<String, String> withEnv(String key, String value) {
    java.util.Map<String, String> env = Fixtures.env();
    env.put(key, value);
    return env;
  }

  @Test
  void theSnapshotRestoreTestIsAlwaysADrillOnTheProtectedDatabase() {
    Classification c = classifyText("{\"runbook\":\"database-restore-test\",\"reason\":\"monthly 2026-02\"}");
    assertEquals(Classification.START, c.action(), c.reason());
    assertEquals("database-restore-test", c.scenario());
    assertEquals("sentinel-db", c.resource());
    assertEquals("drill", c.trigger().kind(), "a Testing Schedule test is a drill whoever starts it");
    assertEquals(Classification.REJECT, classifyText("{\"runbook\":\"database-restore-test\",\"option\":\"A\"}")
        .action());
    assertEquals(Classification.REJECT, classifyText("{\"runbook\":\"database-restore-test\","
        + "\"resource\":\"other-db\"}").action());
  }
}
