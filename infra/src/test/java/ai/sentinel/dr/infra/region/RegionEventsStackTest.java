package ai.sentinel.dr.infra.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.Synth;
import ai.sentinel.dr.wait.ReadyEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.event.ruler.Ruler;

/**
 * Issue 15 in the failback: {@code <env>-sentinel-dr-region-events}, in the primary region, forwards to the DR region's
 * bus exactly the RDS and ECS ready events that name the failback's new primary instance and its primary services,
 * with the ready rules' own patterns, so that the DR stack's ready rules and WaitResponder see them; the primary
 * region's other events stay there, and the stack can do nothing but forward.
 */
class RegionEventsStackTest {
  private static final String ACCOUNT = "123456789012";
  private final RegionSynth dev = RegionSynth.of("dev");
  private final JsonNode json = Synth.JSON.valueToTree(Template.fromStack(stack()).toJSON());

  private RegionEventsStack stack() {
    return dev.stacks().stream().filter(RegionEventsStack.class::isInstance).map(RegionEventsStack.class::cast)
        .findFirst().orElseThrow(() -> new AssertionError("dev (with dr.failback) has no forwarding stack"));
  }

  /** Every Fn::Join and Ref rendered, the partition and account as a deployment gives them. */
  private static JsonNode rendered(JsonNode value) {
    if (value.isObject() && (value.has("Fn::Join") || value.has("Ref") || value.has("Fn::GetAtt"))) {
      return JsonNodeFactory.instance.textNode(Synth.render(value).replace("<Ref:AWS::Partition>", "aws")
          .replace("<Ref:AWS::AccountId>", ACCOUNT));
    }
    if (value.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      value.fields().forEachRemaining(e -> out.set(e.getKey(), rendered(e.getValue())));
      return out;
    }
    if (value.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      value.forEach(v -> out.add(rendered(v)));
      return out;
    }
    return value;
  }

  private Map<String, JsonNode> resources(String type) {
    Map<String, JsonNode> out = new TreeMap<>();
    json.path("Resources").fields().forEachRemaining(e -> {
      if (type.equals(e.getValue().path("Type").asText())) {
        out.put(e.getKey(), e.getValue().path("Properties"));
      }
    });
    return out;
  }

  /** The forwarding rules by name, rendered. */
  private Map<String, JsonNode> rules() {
    Map<String, JsonNode> out = new TreeMap<>();
    resources("AWS::Events::Rule").values().forEach(r -> out.put(r.path("Name").asText(), rendered(r)));
    return out;
  }

  private static String rdsEvent(String instance, String eventId) {
    return "{\"version\":\"0\",\"id\":\"1\",\"detail-type\":\"RDS DB Instance Event\",\"source\":\"aws.rds\","
        + "\"account\":\"" + ACCOUNT + "\",\"time\":\"2026-01-17T10:00:00Z\",\"region\":\"us-east-1\",\"resources\":"
        + "[\"arn:aws:rds:us-east-1:" + ACCOUNT + ":db:" + instance + "\"],\"detail\":{\"EventCategories\":"
        + "[\"notification\"],\"SourceType\":\"DB_INSTANCE\",\"SourceArn\":\"arn:aws:rds:us-east-1:" + ACCOUNT + ":db:"
        + instance + "\",\"Date\":\"2026-01-17T10:00:00Z\",\"Message\":\"Restored from snapshot\","
        + "\"SourceIdentifier\":\"" + instance + "\",\"EventID\":\"" + eventId + "\"}}";
  }

  private static String ecsEvent(String cluster, String service) {
    return "{\"version\":\"0\",\"id\":\"2\",\"detail-type\":\"ECS Service Action\",\"source\":\"aws.ecs\","
        + "\"account\":\"" + ACCOUNT + "\",\"time\":\"2026-01-17T10:00:00Z\",\"region\":\"us-east-1\",\"resources\":"
        + "[\"arn:aws:ecs:us-east-1:" + ACCOUNT + ":service/" + cluster + "/" + service + "\"],\"detail\":"
        + "{\"eventType\":\"INFO\",\"eventName\":\"SERVICE_STEADY_STATE\",\"clusterArn\":\"arn:aws:ecs:us-east-1:"
        + ACCOUNT + ":cluster/" + cluster + "\"}}";
  }

  private List<String> forwardedBy(String event) throws Exception {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> rule : rules().entrySet()) {
      if (Ruler.matchesRule(event, rule.getValue().path("EventPattern").toString())) {
        out.add(rule.getKey());
      }
    }
    return out;
  }

  @Test
  void itIsASmallStackInThePrimaryRegionWithTheForwardingRulesAndTheirRoleOnly() {
    assertEquals("dev-sentinel-dr-region-events", stack().getStackName());
    assertEquals("us-east-1", stack().getRegion());
    Map<String, Integer> types = new TreeMap<>();
    json.path("Resources").forEach(r -> types.merge(r.path("Type").asText(), 1, Integer::sum));
    types.remove("AWS::CDK::Metadata");
    assertEquals(Map.of("AWS::Events::Rule", 4, "AWS::IAM::Role", 1), types);
    List<String> ids = new ArrayList<>(ReadyEvents.rules().stream().map(r -> r.id()).toList());
    ids.add(ReadyEvents.RDS_SNAPSHOT);
    assertEquals(ids.stream().map(id -> "dev-sentinel-dr-region-events-" + id).sorted().toList(),
        List.copyOf(rules().keySet()));
  }

  @Test
  void eachRuleForwardsToTheDrRegionsDefaultBusWithTheRoleThatMayOnlyPutEventsThere() {
    String bus = "arn:aws:events:eu-west-1:" + ACCOUNT + ":event-bus/default";
    String roleId = resources("AWS::IAM::Role").keySet().iterator().next();
    for (JsonNode rule : rules().values()) {
      assertEquals("ENABLED", rule.path("State").asText());
      assertEquals(1, rule.path("Targets").size(), rule.toString());
      JsonNode target = rule.path("Targets").get(0);
      assertEquals(bus, target.path("Arn").asText());
      assertEquals("<GetAtt:" + roleId + ".Arn>", target.path("RoleArn").asText());
    }
    JsonNode role = rendered(resources("AWS::IAM::Role").get(roleId));
    assertEquals("events.amazonaws.com", role.path("AssumeRolePolicyDocument").path("Statement").get(0)
        .path("Principal").path("Service").asText());
    assertEquals(1, role.path("Policies").size());
    JsonNode statements = role.path("Policies").get(0).path("PolicyDocument").path("Statement");
    assertEquals(1, statements.size());
    assertEquals("events:PutEvents", statements.get(0).path("Action").asText());
    assertEquals(bus, statements.get(0).path("Resource").asText());
  }

  @Test
  void onlyTheFailbacksInstanceAndServicesReadyEventsAreForwardedAndTheDrStackWakesOnThem() throws Exception {
    String restored = rdsEvent("sentinel-db-failback", "RDS-EVENT-0008");
    assertEquals(List.of("dev-sentinel-dr-region-events-" + ReadyEvents.RDS_INSTANCE), forwardedBy(restored));
    assertEquals(List.of("dev-sentinel-dr-region-events-" + ReadyEvents.RDS_INSTANCE),
        forwardedBy(restored.replace("\"SourceIdentifier\":\"sentinel-db-failback\"",
            "\"SourceIdentifier\":\"rds:sentinel-db-failback\"")));
    for (String service : List.of("sentinel-api", "sentinel-celery")) {
      assertEquals(List.of("dev-sentinel-dr-region-events-" + ReadyEvents.ECS_STEADY_STATE),
          forwardedBy(ecsEvent("sentinel-production", service)));
    }
    // the primary's own recoveries' events, a routine RDS event and another cluster's service stay in the primary
    assertEquals(List.of(), forwardedBy(rdsEvent("sentinel-db-recovery", "RDS-EVENT-0008")));
    assertEquals(List.of(), forwardedBy(rdsEvent("sentinel-db-failback", "RDS-EVENT-0006")));
    assertEquals(List.of(), forwardedBy(ecsEvent("other-cluster", "sentinel-api")));
    // forwarded as is (region us-east-1), it matches the DR stack's own deployed ready rule for its WaitResponder
    boolean drRuleMatches = false;
    for (JsonNode rule : dev.properties("AWS::Events::Rule")) {
      if (rule.path("Name").asText().equals("dev-sentinel-dr-region-" + ReadyEvents.RDS_INSTANCE)) {
        drRuleMatches = Ruler.matchesRule(restored, rule.path("EventPattern").toString());
      }
    }
    assertTrue(drRuleMatches, "the DR stack's ready rule does not take the forwarded event");
  }

  @Test
  void anEnvironmentWithoutAFailbackGetsNoForwardingStackAndCdkNagFindsNothing() {
    assertFalse(RegionSynth.of("prod").stacks().stream().anyMatch(RegionEventsStack.class::isInstance));
    assertEquals(List.of(), Annotations.fromStack(stack()).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))
        .stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList());
    assertTrue(Json.write(json).contains("sentinel-db-failback"));
  }

  @Test
  void theReplicasCopyFinishedEventIsForwardedAndTheDrStacksSnapshotRuleTakesIt() throws Exception {
    // RDS sends "Finished copy of snapshot" (RDS-EVENT-0060) in the copy's region, us-east-1 here
    String copied = java.nio.file.Files.readString(java.nio.file.Path.of("..", "events",
        "rds-eventbridge-snapshot-copy-finished.json"));
    assertEquals(List.of("dev-sentinel-dr-region-events-" + ReadyEvents.RDS_SNAPSHOT), forwardedBy(copied));
    assertEquals(List.of("dev-sentinel-dr-region-events-" + ReadyEvents.RDS_SNAPSHOT), forwardedBy(copied.replace(
        "\"SourceIdentifier\": \"sentinel-db-dr-failback-", "\"SourceIdentifier\": \"rds:sentinel-db-dr-failback-")));
    assertEquals(List.of(), forwardedBy(copied.replace("sentinel-db-dr-failback-", "sentinel-db-nightly-")));
    boolean drRuleMatches = false;
    for (JsonNode rule : dev.properties("AWS::Events::Rule")) {
      if (rule.path("Name").asText().equals("dev-sentinel-dr-region-" + ReadyEvents.RDS_SNAPSHOT)) {
        drRuleMatches = Ruler.matchesRule(copied, rule.path("EventPattern").toString());
      }
    }
    assertTrue(drRuleMatches, "the DR stack's snapshot rule does not take the forwarded event");
  }
}
