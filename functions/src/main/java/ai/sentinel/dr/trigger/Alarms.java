package ai.sentinel.dr.trigger;

import static ai.sentinel.dr.trigger.Fields.first;
import static ai.sentinel.dr.trigger.Fields.object;
import static ai.sentinel.dr.trigger.Fields.optionalText;
import static ai.sentinel.dr.trigger.Fields.quote;
import static ai.sentinel.dr.trigger.Fields.text;
import static ai.sentinel.dr.trigger.Fields.textOrNull;
import static ai.sentinel.dr.trigger.Fields.truncate;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.EventTimes;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.trigger.SignalRules.AlarmMetric;
import ai.sentinel.dr.trigger.SignalRules.AlarmTarget;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * CloudWatch alarm state changes, delivered by EventBridge or by SNS (reshaped to EventBridge's detail, so one code
 * path judges both): only ALARM starts, and never an alarm a recovery put up itself ({@link SignalRules#ownAlarm});
 * {@code ALARM_ROUTES} names the scenario by alarm name, else the first metric a scenario's rules recognise as its own
 * ({@link SignalRules#watchedBy}) does.
 */
public final class Alarms {
  private final DrConfig config;
  private final List<EventClassifier.Bound> scenarios;

  Alarms(DrConfig config, List<EventClassifier.Bound> scenarios) {
    this.config = config;
    this.scenarios = scenarios;
  }

  Classification classify(JsonNode detail, String via, String envelopeTime) {
    String name = text(detail, "alarmName");
    String shown = quote(name); // reasons quote input, never echo it whole
    JsonNode state = object(detail, "state");
    String value = text(state, "value");
    String timestamp = optionalText(state, "timestamp");
    String dedup = "alarm:" + name + ":" + EventTimes.normalize(timestamp == null || timestamp.isEmpty()
        ? envelopeTime : timestamp);
    if (!"ALARM".equals(value)) {
      return Classification.ignore(null, null, dedup, "alarm " + shown + " is " + quote(value)
          + ": only ALARM starts a recovery");
    }
    if (state.hasNonNull("actionsSuppressedBy")) {
      return Classification.ignore(null, null, dedup, "alarm " + shown + " has its actions suppressed by "
          + quote(state.get("actionsSuppressedBy").asText()));
    }
    // before routes and metrics: an alarm a recovery put up itself is watched by people, never a new signal
    for (EventClassifier.Bound scenario : scenarios) {
      String own = scenario.rules().ownAlarm(scenario.context(), name);
      if (own != null) {
        return Classification.ignore(null, null, dedup, own);
      }
    }
    String routed = config.alarmRoutes().get(name);
    Target target;
    if (routed != null) {
      // a route names a recovery; the Testing Schedule's tests are never started by an alarm
      EventClassifier.Bound scenario = scenarios.stream().filter(s -> !s.scenario().test()
          && s.scenario().id().equals(routed)).findFirst().orElse(null);
      if (scenario == null) {
        return Classification.reject("ALARM_ROUTES sends " + name + " to unknown scenario '" + routed + "'");
      }
      target = new Target(scenario, scenario.rules().routedAlarm(scenario.context(), name, detail, "alarm " + name
          + " is routed to " + routed + " by ALARM_ROUTES"));
    } else {
      target = watched(name, detail);
      if (target == null) {
        return Classification.ignore(null, null, dedup, "alarm " + shown + " watches no protected resource"
            + describeMetrics(detail) + " and has no route in ALARM_ROUTES");
      }
    }
    String summary = name + " in ALARM: " + truncate(state.path("reason").asText(""), 300);
    Trigger trigger = new Trigger("alarm", via, name,
        EventTimes.normalize(timestamp == null ? envelopeTime : timestamp), summary);
    return target.scenario().context().start(target.alarm().resource(), dedup, target.alarm().why(), trigger);
  }

  /** The scenario an alarm starts, and on what. */
  private record Target(EventClassifier.Bound scenario, AlarmTarget alarm) {}

  /** The first of the alarm's metrics that a scenario recognises as watching its protected resource, or null. */
  private Target watched(String name, JsonNode detail) {
    for (AlarmMetric metric : metrics(name, detail)) {
      if (metric.namespace() == null) {
        continue;
      }
      for (EventClassifier.Bound scenario : scenarios) {
        AlarmTarget target = scenario.rules().watchedBy(scenario.context(), metric);
        if (target != null) {
          return new Target(scenario, target);
        }
      }
    }
    return null;
  }

  /** " (it watches AWS/ElastiCache CacheClusterId=billing-cache, ...)" for reasons, or "" without metrics. */
  public static String describeMetrics(JsonNode detail) {
    List<String> seen = new ArrayList<>();
    for (JsonNode m : detail.path("configuration").path("metrics")) {
      JsonNode metric = m.path("metricStat").path("metric");
      if (!metric.isObject()) {
        continue;
      }
      StringBuilder b = new StringBuilder(first(textOrNull(metric, "namespace"), "?"));
      metric.path("dimensions").fields().forEachRemaining(d -> b.append(' ').append(quote(d.getKey())).append('=')
          .append(quote(d.getValue().asText())));
      seen.add(b.toString());
    }
    return seen.isEmpty() ? "" : " (it watches " + truncate(String.join(", ", seen), 300) + ")";
  }

  /** The metrics of an alarm's EventBridge detail, in order, for a scenario that needs more than one. */
  public static List<AlarmMetric> metrics(String alarmName, JsonNode detail) {
    List<AlarmMetric> out = new ArrayList<>();
    for (JsonNode m : detail.path("configuration").path("metrics")) {
      JsonNode metric = m.path("metricStat").path("metric");
      out.add(new AlarmMetric(alarmName, textOrNull(metric, "namespace"), textOrNull(metric, "name"),
          metric.path("dimensions")));
    }
    return out;
  }

  /** The SNS alarm message, reshaped like EventBridge's detail so one code path routes both. */
  static JsonNode detailFromSns(JsonNode body) {
    ObjectNode detail = Json.object();
    detail.put("alarmName", text(body, "AlarmName"));
    ObjectNode state = detail.putObject("state");
    state.put("value", text(body, "NewStateValue"));
    state.put("reason", body.path("NewStateReason").asText(""));
    state.put("timestamp", body.path("StateChangeTime").asText(""));
    ObjectNode configuration = detail.putObject("configuration");
    if (body.has("AlarmRule")) {
      configuration.put("alarmRule", body.path("AlarmRule").asText());
    }
    var metrics = configuration.putArray("metrics");
    JsonNode trigger = body.path("Trigger");
    if (trigger.has("Namespace")) {
      ObjectNode metric = metrics.addObject().putObject("metricStat").putObject("metric");
      metric.put("namespace", trigger.path("Namespace").asText());
      metric.put("name", trigger.path("MetricName").asText());
      metric.set("dimensions", dimensions(trigger.path("Dimensions")));
    }
    for (JsonNode m : trigger.path("Metrics")) {
      JsonNode stat = m.path("MetricStat").path("Metric");
      if (stat.isObject()) {
        ObjectNode metric = metrics.addObject().putObject("metricStat").putObject("metric");
        metric.put("namespace", stat.path("Namespace").asText());
        metric.put("name", stat.path("MetricName").asText());
        metric.set("dimensions", dimensions(stat.path("Dimensions")));
      }
    }
    return detail;
  }

  private static ObjectNode dimensions(JsonNode list) {
    ObjectNode out = Json.object();
    for (JsonNode d : list) {
      String name = d.has("name") ? d.path("name").asText() : d.path("Name").asText();
      String value = d.has("value") ? d.path("value").asText() : d.path("Value").asText();
      out.put(name, value);
    }
    return out;
  }
}
