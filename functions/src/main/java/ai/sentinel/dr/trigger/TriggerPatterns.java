package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import ai.sentinel.dr.wait.ReadyEvents;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The EventBridge patterns of every trigger, in one place: the CDK app deploys exactly these as rules, and the
 * responders match incoming EventBridge events against the same patterns with AWS's event-ruler, so what is deployed
 * and what is handled cannot drift apart. The alarm rule is shared (alarms routed by name, plus each scenario's
 * {@link SignalRules#alarmMetrics} less the alarms recoveries put up themselves, {@link SignalRules#ownAlarmWildcard});
 * every other rule is a scenario's own ({@link SignalRules#rules}).
 */
public final class TriggerPatterns {
  /** The shared alarm rule's id; the CDK app names its rules after their ids. */
  public static final String ALARM_STATE_CHANGE = "alarm-state-change";

  /** The responder the alarm rule targets (simple class name in ai.sentinel.dr.trigger). */
  public static final String ALARM_RESPONDER = AlarmResponder.class.getSimpleName();

  /**
   * One trigger rule.
   *
   * @param id          rule id
   * @param responder   handler that the rule targets (simple class name in ai.sentinel.dr.trigger)
   * @param description what it catches, for the rule's description
   * @param pattern     EventBridge pattern JSON
   */
  public record Rule(String id, String responder, String description, String pattern) {}

  private TriggerPatterns() {}

  /**
   * The rules of this environment: the alarm rule, then each registered scenario's, in registry order, then the
   * ready events that wake waiting recoveries ({@link ReadyEvents}).
   */
  public static List<Rule> of(DrConfig config) {
    List<Rule> rules = new ArrayList<>();
    rules.add(new Rule(ALARM_STATE_CHANGE, ALARM_RESPONDER,
        "CloudWatch alarms on the protected resources entering ALARM", alarmPattern(config)));
    for (Scenario scenario : ScenarioRegistry.all()) {
      rules.addAll(scenario.signals().rules(new SignalContext(scenario.id(), config)));
    }
    // the events that end a wait loop early (routine: they start nothing)
    rules.addAll(ReadyEvents.rules());
    return List.copyOf(rules);
  }

  private static String alarmPattern(DrConfig config) {
    ObjectNode root = Json.object();
    root.putArray("source").add("aws.cloudwatch");
    root.putArray("detail-type").add("CloudWatch Alarm State Change");
    ObjectNode detail = root.putObject("detail");
    detail.putObject("state").putArray("value").add("ALARM");
    // alarms explicitly routed by name, plus alarms watching a protected resource's metrics
    List<ObjectNode> branches = new ArrayList<>();
    if (!config.alarmRoutes().isEmpty()) {
      ObjectNode byName = Json.object();
      ArrayNode names = byName.putArray("alarmName");
      config.alarmRoutes().keySet().stream().sorted().forEach(names::add);
      branches.add(byName);
    }
    String own = ownAlarms(config);
    for (Scenario scenario : ScenarioRegistry.all()) {
      for (SignalRules.MetricMatch match : scenario.signals().alarmMetrics(new SignalContext(scenario.id(),
          config))) {
        branches.add(metricBranch(match, own));
      }
    }
    if (branches.size() == 1) {
      detail.setAll(branches.get(0));
    } else {
      ArrayNode or = detail.putArray("$or");
      branches.forEach(or::add);
    }
    return root.toString();
  }

  /**
   * The wildcard of the alarms the recoveries put up themselves ({@link SignalRules#ownAlarmWildcard}), or null.
   * EventBridge documents one wildcard per {@code anything-but}, and values listed for one field match when any
   * does: two scenarios' wildcards could not both be left out of one branch.
   */
  private static String ownAlarms(DrConfig config) {
    List<String> wildcards = ScenarioRegistry.all().stream().map(s -> s.signals().ownAlarmWildcard(
        new SignalContext(s.id(), config))).filter(java.util.Objects::nonNull).distinct().toList();
    if (wildcards.size() > 1) {
      throw new IllegalStateException("the alarm rule can leave out one wildcard of alarm names, got " + wildcards);
    }
    return wildcards.isEmpty() ? null : wildcards.get(0);
  }

  /**
   * A branch matching one metric of the alarm in these namespaces with these dimensions (and names, where given),
   * unless the alarm's name
   * matches {@code own} (null: none). Alarms routed by name are listed exactly and keep their branch as they are.
   */
  private static ObjectNode metricBranch(SignalRules.MetricMatch match, String own) {
    ObjectNode branch = Json.object();
    if (own != null) {
      branch.putArray("alarmName").addObject().putObject("anything-but").put("wildcard", own);
    }
    ObjectNode metric = branch.putObject("configuration").putObject("metrics").putObject("metricStat")
        .putObject("metric");
    ArrayNode ns = metric.putArray("namespace");
    match.namespaces().forEach(ns::add);
    if (!match.names().isEmpty()) {
      ArrayNode names = metric.putArray("name");
      match.names().forEach(names::add);
    }
    if (match.dimensions() != null) {
      metric.set("dimensions", match.dimensions().deepCopy());
    }
    return branch;
  }
}
