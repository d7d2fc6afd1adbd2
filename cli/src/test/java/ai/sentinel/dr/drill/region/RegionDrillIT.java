package ai.sentinel.dr.drill.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.HealthLines;
import ai.sentinel.dr.drill.LocalEventBus;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CloudTemplate;
import ai.sentinel.dr.wait.ReadyEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ./sentinel drill region-failure} and {@code region-failback} on one local cloud with both stacks of the
 * local environment (the DR stack in eu-west-1): the failover rejected at its gate changes nothing, then approved it
 * fails over with every check read back from the cloud, then the failback returns the platform to us-east-1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegionDrillIT {
  private static final int POLL_SECONDS = 10;
  private static LocalSentinel sentinel;
  private static List<CloudTemplate> stacks;

  @BeforeAll
  static void start() throws Exception {
    List<CloudTemplate> all = Templates.stacks(RepoPaths.root(), "local", List.of());
    assertEquals(3, all.size(), "local deploys the DR region's stack (cdk.json local.dr) and, with local.dr.failback, "
        + "the primary region's forwarding stack");
    assertEquals("eu-west-1", all.get(1).region());
    assertEquals("us-east-1", all.get(2).region());
    stacks = all;
    // pollSeconds 10 (local: 1): a wait that ends well before it was ended by the event, not by its timeout
    sentinel = LocalSentinel.start(all, Map.of(DrConfig.Vars.POLL_SECONDS, Integer.toString(POLL_SECONDS)),
        Files.createTempDirectory("region-drill-it-"));
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  private static Drill.Result drill(LocalSentinel on, String scenario, boolean dryRun, Drill.Gate gate,
      StringBuilder output) throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try {
      return Drill.of(on, scenario, new PrintStream(buffer, true, StandardCharsets.UTF_8)).run(dryRun, gate);
    } finally {
      output.append(buffer.toString(StandardCharsets.UTF_8));
      System.out.println(buffer.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  @Order(1)
  void aRejectedFailoverChangesNothingAndThePrimaryComesBack() throws Exception {
    RegionSeed seed = sentinel.part(RegionSeed.class);
    StringBuilder output = new StringBuilder();
    Drill.Result result = drill(sentinel, "region-failure", false, Drill.Gate.rejectAs("it-oncall"), output);
    assertTrue(result.rejected(), output.toString());
    assertTrue(output.toString().contains("REJECTION HONORED"), output.toString());
    assertTrue(RegionChecks.drInstance(seed).isEmpty(), "no DR instance");
    assertTrue(RegionChecks.record(seed).get(0).aliasTarget().dnsName().startsWith(RegionSeed.PRIMARY_ALB));
    assertEquals(RegionSeed.PRIMARY_ALB, RegionChecks.origin(seed));
    // the outage is a drill's fault, not AWS state: it ends with the drill
    assertFalse(seed.primary().rds().describeDBInstances().dbInstances().isEmpty(), "us-east-1 answers again");
  }

  @Test
  @Order(2)
  void theApprovedFailoverMovesThePlatformAndEveryCheckIsReadBackFromTheCloud() throws Exception {
    StringBuilder output = new StringBuilder();
    // the DR restore and the DR services' rollout take a few seconds, and the launcher sends RDS's and ECS's events
    // in eu-west-1 when they are done (moto_launcher.py E1, E2)
    sentinel.cloud.setReadiness(Map.of("rdsRestoreSeconds", 3.0, "ecsRolloutSeconds", 3.0, "ecsScaleSeconds", 3.0));
    int before = sentinel.events.deliveries().size();
    Drill.Result result;
    try {
      result = drill(sentinel, "region-failure", false, Drill.Gate.approveAs("it-oncall"), output);
    } finally {
      sentinel.cloud.setReadiness(Map.of("rdsRestoreSeconds", 0.0, "ecsRolloutSeconds", 0.0, "ecsScaleSeconds", 0.0));
    }
    assertTrue(result.passed(), output.toString());
    String out = output.toString();
    // issue 15 in the DR region: the waits for the DR instance and the DR services were woken by the events, through
    // the DR stack's own rules and WaitResponder (the primary's rules never see eu-west-1's events)
    List<LocalEventBus.Delivery> ready = sentinel.events.deliveries().stream().skip(before)
        .filter(d -> d.via().contains("ready-")).toList();
    assertTrue(ready.stream().allMatch(d -> d.function().contains("region-wait-responder")), ready.toString());
    // ECS sends two events per service (deployment completed, steady state): whichever comes first wakes the wait
    for (List<String> rules : List.of(List.of(ReadyEvents.RDS_INSTANCE),
        List.of(ReadyEvents.ECS_DEPLOYMENT, ReadyEvents.ECS_STEADY_STATE))) {
      assertTrue(ready.stream().anyMatch(d -> rules.stream().anyMatch(r -> d.via().endsWith(r))
          && d.answer().contains("\"woke\"")), rules + " woke no DR wait: " + ready);
    }
    for (String check : List.of("PASS  DR instance sentinel-db-dr", "PASS  DR secret", "PASS  DR services",
        "PASS  DR targets", "PASS  DNS", "PASS  CloudFront", "PASS  customers notified once",
        "PASS  nothing created in us-east-1")) {
      assertTrue(out.contains(check), check + "\n" + out);
    }
    assertTrue(out.contains("FAILED OVER to the DR region and VERIFIED"), out);
    assertTrue(out.contains("region us-east-1 DOWN"), out);
    // issue 14: the drill's health check after the recovery reads where the platform now runs, the DR region, and
    // passes what the failover touched there: the DR instance (through the DR secret), the DR services, the DR
    // target group and /health through the DR endpoint
    assertTrue(out.contains("health after the recovery: ") && out.lines().anyMatch(l -> l.startsWith(
        "health after the recovery: ") && l.contains("in the DR region eu-west-1")), out);
    Map<String, String> after = HealthLines.at(out, "after the recovery");
    for (String check : List.of("RDS status", "ECS services", "ALB health", "API health")) {
      assertTrue(after.getOrDefault(check, "").startsWith("PASS  "), check + " after the recovery: " + after
          + "\n" + out);
    }
    assertTrue(after.get("RDS status").startsWith("PASS  " + RegionSeed.DR_INSTANCE + " available"), after.toString());
    assertTrue(after.get("ECS services").startsWith("PASS  " + RegionSeed.DR_CLUSTER + ": "), after.toString());
    assertTrue(after.get("ALB health").startsWith("PASS  " + RegionSeed.DR_TARGET_GROUP + " "), after.toString());
    assertTrue(after.get("API health").contains("/dr/health HTTP 200"), after.toString());
  }

  @Test
  @Order(3)
  void theFailbackAfterItReturnsTrafficToThePrimaryAndDecommissionsDr() throws Exception {
    StringBuilder output = new StringBuilder();
    // the replica's copy into us-east-1, the new primary instance's restore and the primary services' restart take a
    // few seconds (E9, E1, E2), and their events happen in us-east-1
    sentinel.cloud.setReadiness(Map.of("rdsRestoreSeconds", 3.0, "ecsRolloutSeconds", 3.0, "ecsScaleSeconds", 3.0,
        "rdsCopySeconds", 3.0));
    int before = sentinel.events.deliveries().size();
    int forwardedBefore = sentinel.events.forwarded().size();
    Drill.Result result;
    try {
      result = drill(sentinel, "region-failback", false, Drill.Gate.approveAs("it-oncall"), output);
    } finally {
      sentinel.cloud.setReadiness(Map.of("rdsRestoreSeconds", 0.0, "ecsRolloutSeconds", 0.0, "ecsScaleSeconds", 0.0,
          "rdsCopySeconds", 0.0));
    }
    assertTrue(result.passed(), output.toString());
    String out = output.toString();
    // issue 15 in the failback: us-east-1's events about sentinel-db-failback and the primary services were forwarded
    // by <env>-sentinel-dr-region-events to eu-west-1's bus, where the DR WaitResponder woke the failback's waits
    List<LocalEventBus.Delivery> forwarded = sentinel.events.forwarded().stream().skip(forwardedBefore).toList();
    assertTrue(forwarded.stream().allMatch(d -> d.via().startsWith("local-sentinel-dr-region-events-")
        && d.function().equals("event-bus:eu-west-1")), forwarded.toString());
    List<LocalEventBus.Delivery> woke = sentinel.events.deliveries().stream().skip(before)
        .filter(d -> d.function().contains("region-wait-responder") && d.answer().contains("\"woke\"")
            && "us-east-1".equals(d.event().path("region").asText())).toList();
    assertTrue(woke.stream().anyMatch(d -> d.answer().contains("rds-instance:sentinel-db-failback#available")),
        "the new primary's restored event woke no failback wait: " + woke + "\nforwarded: " + forwarded);
    assertTrue(woke.stream().anyMatch(d -> d.answer().contains("ecs-service:sentinel-api#stable")),
        "the primary services' events woke no failback wait: " + woke + "\nforwarded: " + forwarded);
    // the replica: RDS's "Finished copy of snapshot" (RDS-EVENT-0060) in us-east-1, forwarded, woke 'Wait for replica',
    // and the poll after it ran within a second of the copy completing (pollSeconds is 10, the copy took 3 s)
    LocalEventBus.Delivery copied = forwarded.stream().filter(d -> d.via().endsWith(ReadyEvents.RDS_SNAPSHOT)
        && "RDS-EVENT-0060".equals(d.event().path("detail").path("EventID").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("the replica's copy-finished event was not forwarded: " + forwarded));
    assertTrue(woke.stream().anyMatch(d -> d.answer().contains("rds-snapshot:sentinel-db-dr-failback-")),
        "the copy's event woke no failback wait: " + woke);
    software.amazon.awssdk.services.sfn.SfnClient sfn = sentinel.stacks.stream().map(st -> st.aws())
        .filter(a -> a.region.id().equals("eu-west-1")).findFirst().orElseThrow().sfn;
    java.time.Instant pollAfter = ai.sentinel.dr.drill.ExecutionWatcher.history(sfn, result.executionArn()).stream()
        .filter(e -> e.type() == software.amazon.awssdk.services.sfn.model.HistoryEventType.TASK_STATE_ENTERED
            && "ReplicateToPrimary".equals(e.stateEnteredEventDetails().name())
            && !e.timestamp().isBefore(copied.at().minusMillis(50))).map(e -> e.timestamp()).findFirst()
        .orElseThrow(() -> new AssertionError("no ReplicateToPrimary after the copy finished"));
    long lag = java.time.Duration.between(copied.at(), pollAfter).toMillis();
    System.out.println("[replica wait] poll " + lag + " ms after the copy finished");
    assertTrue(lag < 1000, "the poll after 'Wait for replica' came " + lag + " ms after the copy finished");
    for (String check : List.of("PASS  new primary instance", "PASS  primary secret", "PASS  DNS",
        "PASS  CloudFront", "PASS  DR instance decommissioned", "PASS  DR services back to standby")) {
      assertTrue(out.contains(check), check + "\n" + out);
    }
    assertTrue(out.contains("FAILED BACK to the primary region and VERIFIED"), out);
    // issue 14: the health check after the failback judges the new primary instance the primary's secret names,
    // with the primary services and /health
    Map<String, String> after = HealthLines.at(out, "after the recovery");
    for (String check : List.of("RDS status", "ECS services", "ALB health", "API health")) {
      assertTrue(after.getOrDefault(check, "").startsWith("PASS  "), check + " after the recovery: " + after
          + "\n" + out);
    }
    assertTrue(after.get("RDS status").startsWith("PASS  " + RegionSeed.FAILBACK_INSTANCE + " available"),
        after.toString());
  }

  /**
   * What either recovery could change, read from the cloud: both regions' inventories, the DR instance, both database
   * secrets (as digests: values never shown), the DR services' desired counts, the DR snapshots, DNS, the CloudFront
   * origin and SES's delivery attempts.
   */
  private static Map<String, String> state(LocalSentinel on, RegionSeed seed) throws Exception {
    Map<String, String> state = new java.util.TreeMap<>();
    state.put("primary", RegionChecks.Inventory.of(seed.primary(), on.config).items().toString());
    state.put("dr", RegionChecks.Inventory.of(seed.dr(), on.config).items().toString());
    state.put("dr instance", RegionChecks.drInstance(seed).map(i -> i.dbInstanceStatus()).orElse("none"));
    for (var region : Map.of("primary secret", seed.primary(), "dr secret", seed.dr()).entrySet()) {
      byte[] value = region.getValue().secrets().getSecretValue(b -> b.secretId("sentinel/database-url"))
          .secretString().getBytes(StandardCharsets.UTF_8);
      state.put(region.getKey(), java.util.HexFormat.of().formatHex(java.security.MessageDigest
          .getInstance("SHA-256").digest(value)));
    }
    state.put("dr services", seed.dr().ecs().listServices(b -> b.cluster(RegionSeed.DR_CLUSTER)).serviceArns()
        .stream().sorted().map(arn -> arn + " desired " + seed.dr().ecs().describeServices(b -> b
            .cluster(RegionSeed.DR_CLUSTER).services(arn)).services().get(0).desiredCount()).toList().toString());
    state.put("dr snapshots", seed.dr().rds().describeDBSnapshots().dbSnapshots().stream()
        .map(x -> x.dbSnapshotIdentifier()).sorted().toList().toString());
    state.put("dns", RegionChecks.record(seed).stream().map(r -> r.setIdentifier() + " " + r.weight() + " "
        + r.aliasTarget().dnsName()).toList().toString());
    state.put("origin", RegionChecks.origin(seed));
    state.put("ses delivery attempts", Integer.toString(seed.deliveryAttempts()));
    return state;
  }

  /**
   * Dry-runs of the failover, then of the failback from the state a failover leaves, on a cloud of their own: a plan
   * through every step, nothing changed in either region (DR secret, DR services and SES included).
   */
  @Test
  @Order(4)
  void aDryRunPlansTheFailoverAndChangesNothing() throws Exception {
    try (LocalSentinel dry = LocalSentinel.start(stacks, Map.of(DrConfig.Vars.DRY_RUN, "true"),
        Files.createTempDirectory("region-drill-it-dry-"))) {
      RegionSeed seed = dry.part(RegionSeed.class);
      Map<String, String> before = state(dry, seed);
      StringBuilder output = new StringBuilder();
      Drill.Result result = drill(dry, "region-failure", true, Drill.Gate.none(), output);
      assertTrue(result.passed(), output.toString());
      assertTrue(output.toString().contains("DRY-RUN OK"), output.toString());
      List<String> plan = result.recovery().plan().stream().map(c -> c.api() + " " + c.target()).toList();
      assertTrue(plan.contains("RestoreDBInstanceFromDBSnapshot eu-west-1:sentinel-db-dr"), plan.toString());
      assertTrue(RegionChecks.drInstance(seed).isEmpty(), "no DR instance");
      assertTrue(RegionChecks.record(seed).get(0).aliasTarget().dnsName().startsWith(RegionSeed.PRIMARY_ALB));
      assertEquals(RegionSeed.PRIMARY_ALB, RegionChecks.origin(seed));
      assertEquals(before, state(dry, seed), "the failover's dry-run changed something");
      assertEquals("0", before.get("ses delivery attempts"));

      // the failback's dry-run, from the platform as a failover leaves it (seeded by the drill's own injection)
      new RegionFailbackDrill().inject(dry, System.out);
      Map<String, String> failedOver = state(dry, seed);
      assertEquals("available", failedOver.get("dr instance"));
      StringBuilder back = new StringBuilder();
      Drill.Result failback = drill(dry, "region-failback", true, Drill.Gate.none(), back);
      assertTrue(failback.passed(), back.toString());
      assertTrue(back.toString().contains("DRY-RUN OK"), back.toString());
      List<String> planned = failback.recovery().plan().stream().map(c -> c.api() + " " + c.target()).toList();
      System.out.println("[failback dry-run plan] " + planned);
      assertTrue(planned.contains("RestoreDBInstanceFromDBSnapshot us-east-1:sentinel-db-failback")
          && planned.contains("DeleteDBInstance eu-west-1:sentinel-db-dr"), "the failback planned its changes: "
          + planned);
      assertEquals(failedOver, state(dry, seed), "the failback's dry-run changed something");
    }
  }
}
