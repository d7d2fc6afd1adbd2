package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Log;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/**
 * The end of one incident's heightened monitoring: the EventBridge Scheduler schedule HeightenedMonitoring created
 * invokes HeightenedMonitoring's own function once with {@code {"scheduled": {"incident": "<12 hex>", "alarms":
 * [...]}}} (no function of its own: the stack is close to CloudFormation's 500 resources), which hands it here. It
 * deletes exactly the alarms named there that are that incident's temporary alarms ({@code <env>-sentinel-dr-heightened-<incident>-<kind>} of
 * this environment); any other name is refused and left alone. The alarms are read first and only existing ones are
 * deleted (DeleteAlarms deletes nothing when one name is unknown), so a second run deletes nothing and succeeds. The
 * environment's DRY_RUN only logs what would go. Answers {@code {"deleted": [...], "absent": [...], "refused": [...]}}.
 */
final class EndMonitoring {
  private static final Pattern INCIDENT = Pattern.compile("[0-9a-f]{12}");
  private final Deps deps;

  EndMonitoring(Deps deps) {
    this.deps = deps;
  }

  Map<String, Object> end(JsonNode input) {
    String incident = input.path("incident").asText("");
    if (!INCIDENT.matcher(incident).matches()) {
      throw new IllegalArgumentException("EndMonitoring: 'incident' must be the 12 hex digits of an "
          + "incident, got '" + SecurityIncidentSignals.quote(incident) + "': nothing deleted");
    }
    String prefix = HeightenedMonitoring.alarmPrefix(deps.config().environment(), incident);
    List<String> named = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (JsonNode n : input.path("alarms")) {
      String name = n.asText("");
      Matcher m = HeightenedMonitoring.ALARM.matcher(name);
      if (name.startsWith(prefix) && m.matches() && m.group(1).equals(incident)) {
        if (!named.contains(name)) {
          named.add(name);
        }
      } else {
        refused.add(SecurityIncidentSignals.quote(name));
      }
    }
    CloudWatchClient cw = deps.clients().cloudWatch();
    List<String> existing = named.isEmpty() ? List.of() : cw.describeAlarms(b -> b.alarmNames(named)).metricAlarms()
        .stream().map(MetricAlarm::alarmName).filter(named::contains).toList();
    List<String> absent = named.stream().filter(n -> !existing.contains(n)).toList();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("incident", incident);
    boolean dryRun = deps.config().dryRun();
    if (!existing.isEmpty() && !dryRun) {
      cw.deleteAlarms(b -> b.alarmNames(existing));
    }
    result.put(dryRun ? "wouldDelete" : "deleted", existing);
    result.put("absent", absent);
    result.put("refused", refused);
    Log.info(SecurityIncidentSignals.quote(input.path("execution").asText("heightened-" + incident)), dryRun ? "monitoring.end.planned"
        : "monitoring.ended", Map.of("deleted", existing.toString(), "absent", absent.toString(),
        "refused", refused.toString()));
    return result;
  }
}
