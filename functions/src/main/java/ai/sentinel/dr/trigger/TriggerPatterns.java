package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The EventBridge patterns of every trigger, in one place: the CDK app deploys exactly these as rules, and the
 * responders match incoming EventBridge events against the same patterns with AWS's event-ruler, so what is deployed
 * and what is handled cannot drift apart.
 */
public final class TriggerPatterns {
  /** Rule ids; the CDK app names its rules after them. */
  public static final String ALARM_STATE_CHANGE = "alarm-state-change";
  public static final String RDS_INSTANCE_EVENT = "rds-instance-event";

  /** RDS event categories that signal a database failure or a failover (never matched on the free-text Message). */
  public static final List<String> RDS_FAILURE_CATEGORIES = List.of("failover", "failure", "availability");

  /**
   * What the patterns are scoped to, from the environment config.
   *
   * @param dbInstanceId protected RDS instance
   * @param alarmRoutes  alarm name -> scenario overrides
   */
  public record Scope(String dbInstanceId, Map<String, String> alarmRoutes) {}

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

  public static List<Rule> of(Scope scope) {
    List<Rule> rules = new ArrayList<>();
    rules.add(new Rule(ALARM_STATE_CHANGE, "AlarmResponder",
        "CloudWatch alarms on the protected resources entering ALARM", alarmPattern(scope)));
    rules.add(new Rule(RDS_INSTANCE_EVENT, "RdsEventResponder",
        "RDS failover/failure/availability events of " + scope.dbInstanceId(), rdsPattern(scope)));
    return List.copyOf(rules);
  }

  private static String alarmPattern(Scope scope) {
    ObjectNode root = Json.object();
    root.putArray("source").add("aws.cloudwatch");
    root.putArray("detail-type").add("CloudWatch Alarm State Change");
    ObjectNode detail = root.putObject("detail");
    detail.putObject("state").putArray("value").add("ALARM");
    // alarms watching the instance's metrics, plus alarms explicitly routed by name
    ObjectNode byDimension = Json.object();
    ObjectNode metric = byDimension.putObject("configuration").putObject("metrics").putObject("metricStat")
        .putObject("metric");
    metric.putArray("namespace").add("AWS/RDS");
    metric.putObject("dimensions").putArray("DBInstanceIdentifier").add(scope.dbInstanceId());
    if (scope.alarmRoutes().isEmpty()) {
      detail.setAll(byDimension);
    } else {
      ObjectNode byName = Json.object();
      ArrayNode names = byName.putArray("alarmName");
      scope.alarmRoutes().keySet().stream().sorted().forEach(names::add);
      ArrayNode or = detail.putArray("$or");
      or.add(byName);
      or.add(byDimension);
    }
    return root.toString();
  }

  private static String rdsPattern(Scope scope) {
    ObjectNode root = Json.object();
    root.putArray("source").add("aws.rds");
    root.putArray("detail-type").add("RDS DB Instance Event");
    ObjectNode detail = root.putObject("detail");
    // SourceIdentifier arrives both bare and with the "rds:" prefix
    detail.putArray("SourceIdentifier").add(scope.dbInstanceId()).add("rds:" + scope.dbInstanceId());
    ArrayNode categories = detail.putArray("EventCategories");
    RDS_FAILURE_CATEGORIES.forEach(categories::add);
    return root.toString();
  }
}
