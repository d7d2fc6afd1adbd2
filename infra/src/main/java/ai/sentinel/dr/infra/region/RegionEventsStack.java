package ai.sentinel.dr.infra.region;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.region.FailbackSettings;
import ai.sentinel.dr.region.RegionSettings;
import ai.sentinel.dr.trigger.TriggerPatterns;
import ai.sentinel.dr.wait.ReadyEvents;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * {@code <env>-sentinel-dr-region-events}, a small stack in the primary region, deployed beside the DR stack where
 * cdk.json has {@code dr.failback} (issue 15): the failback's waits for the replica's copy, the new primary instance
 * and the restarted primary services end on RDS's and ECS's own events, which happen on the primary region's
 * EventBridge only (rules are regional; a cross-region snapshot copy's "copy finished" is sent in the destination
 * region). Its rules forward those events, and only those naming the failback's own snapshot, instance and services,
 * to the DR region's default bus, where the DR stack's ready rules hand them to its WaitResponder. Nothing here acts
 * on an event: a forwarded event only wakes a wait, whose poll decides. The primary stack is not touched (it is at
 * the 500-resource limit); this one has the ready rules and the role EventBridge forwards with.
 */
public final class RegionEventsStack extends Stack {
  /** The forwarding rules' names: {@code <env>-sentinel-dr-region-events-<ready rule id>}. */
  private final List<String> ruleNames = new ArrayList<>();

  public RegionEventsStack(Construct scope, EnvironmentConfig config, RegionSettings region) {
    super(scope, name(config), StackProps.builder()
        .stackName(name(config))
        .description("Sentinel DR (" + config.name() + "): forwards the failback's RDS and ECS ready events from "
            + region.primaryRegion() + " to " + region.drRegion() + " (runbook Scenario 4, issue 15)")
        .env(Environment.builder().account(config.account()).region(region.primaryRegion()).build())
        .build());
    Tags.of(this).add("sentinel:environment", config.name());
    Tags.of(this).add("sentinel:component", "dr-region-events");
    FailbackSettings failback = region.requireFailback();
    String drBus = formatArn(ArnComponents.builder().service("events").region(region.drRegion())
        .resource("event-bus").resourceName("default").arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
    Role role = Role.Builder.create(this, "ForwardRole")
        .assumedBy(new ServicePrincipal("events.amazonaws.com"))
        .description("EventBridge forwards the failback's ready events to " + region.drRegion() + "'s default bus")
        .inlinePolicies(Map.of("PutEventsOnTheDrBus", PolicyDocument.Builder.create().statements(List.of(
            PolicyStatement.Builder.create().actions(List.of("events:PutEvents")).resources(List.of(drBus))
                .build())).build()))
        .build();
    List<TriggerPatterns.Rule> forwarded = new ArrayList<>(ReadyEvents.rules());
    // the replica's copy: RDS says "Finished copy of snapshot" (RDS-EVENT-0060) in the copy's region, this one
    forwarded.add(ReadyEvents.rdsSnapshot(region.failbackSnapshotPrefix()));
    for (TriggerPatterns.Rule rule : forwarded) {
      String ruleName = name(config) + "-" + rule.id();
      CfnRule.Builder.create(this, "Forward-" + rule.id())
          .name(ruleName)
          .description("Forwards to " + region.drRegion() + ": " + rule.description())
          .eventPattern(pattern(rule, failback, region))
          .state("ENABLED")
          .targets(List.of(CfnRule.TargetProperty.builder().id("dr-bus").arn(drBus).roleArn(role.getRoleArn())
              .build()))
          .build();
      ruleNames.add(ruleName);
    }
  }

  /**
   * The ready rule's own pattern (the one the DR stack's rule and WaitResponder match), narrowed to the failback's
   * resources: the new primary instance by its SourceIdentifier (bare and with RDS's "rds:" prefix), the primary
   * services by their ARNs, the replica's copy by its name (the snapshot rule is narrowed already). The primary
   * region's other recoveries keep their events to themselves.
   */
  private Map<String, Object> pattern(TriggerPatterns.Rule rule, FailbackSettings failback, RegionSettings region) {
    ObjectNode pattern = (ObjectNode) Json.tree(rule.pattern());
    if (rule.id().equals(ReadyEvents.RDS_SNAPSHOT)) {
      // already narrowed to the failback's snapshot names
    } else if (rule.id().equals(ReadyEvents.RDS_INSTANCE)) {
      ArrayNode ids = ((ObjectNode) pattern.path("detail")).putArray("SourceIdentifier");
      ids.add(failback.instanceId()).add("rds:" + failback.instanceId());
    } else {
      ArrayNode arns = pattern.putArray("resources");
      for (String service : failback.primaryServices()) {
        arns.add(formatArn(ArnComponents.builder().service("ecs").region(region.primaryRegion()).resource("service")
            .resourceName(failback.primaryCluster() + "/" + service).arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
            .build()));
      }
    }
    return Json.MAPPER.convertValue(pattern,
        new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() {});
  }

  /** {@code <env>-sentinel-dr-region-events}. */
  public static String name(EnvironmentConfig config) {
    return RegionStack.prefix(config) + "-events";
  }

  public List<String> ruleNames() {
    return List.copyOf(ruleNames);
  }
}
