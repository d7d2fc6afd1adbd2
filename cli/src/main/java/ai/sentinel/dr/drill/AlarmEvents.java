package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/**
 * The "CloudWatch Alarm State Change" event CloudWatch sends to EventBridge for an alarm, built from the alarm as
 * the local cloud describes it (moto changes the alarm's state but emits no event, so the drill delivers it).
 */
public final class AlarmEvents {
  private static final DateTimeFormatter ALARM_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx").withZone(ZoneOffset.UTC);

  private AlarmEvents() {}

  public static byte[] stateChange(MetricAlarm alarm, String account, String region) {
    Instant changed = alarm.stateUpdatedTimestamp() == null ? Instant.now() : alarm.stateUpdatedTimestamp();
    ObjectNode event = Json.object();
    event.put("version", "0");
    event.put("id", UUID.nameUUIDFromBytes((alarm.alarmName() + changed).getBytes(StandardCharsets.UTF_8))
        .toString());
    event.put("detail-type", "CloudWatch Alarm State Change");
    event.put("source", "aws.cloudwatch");
    event.put("account", account);
    event.put("time", changed.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    event.put("region", region);
    event.putArray("resources").add(alarm.alarmArn());
    ObjectNode detail = event.putObject("detail");
    detail.put("alarmName", alarm.alarmName());
    ObjectNode state = detail.putObject("state");
    state.put("value", alarm.stateValueAsString());
    state.put("reason", alarm.stateReason() == null ? "" : alarm.stateReason());
    state.put("timestamp", ALARM_TIME.format(changed));
    ObjectNode previous = detail.putObject("previousState");
    previous.put("value", "OK");
    previous.put("reason", "");
    previous.put("timestamp", ALARM_TIME.format(changed.minusSeconds(300)));
    ObjectNode configuration = detail.putObject("configuration");
    configuration.put("description", alarm.alarmDescription() == null ? "" : alarm.alarmDescription());
    ObjectNode metricStat = configuration.putArray("metrics").addObject().put("id", "m1").put("returnData", true)
        .putObject("metricStat");
    ObjectNode metric = metricStat.putObject("metric");
    metric.put("namespace", alarm.namespace());
    metric.put("name", alarm.metricName());
    ObjectNode dimensions = metric.putObject("dimensions");
    alarm.dimensions().forEach(d -> dimensions.put(d.name(), d.value()));
    metricStat.put("period", alarm.period() == null ? 300 : alarm.period());
    metricStat.put("stat", alarm.statisticAsString() == null ? "Average" : alarm.statisticAsString());
    return Json.bytes(event);
  }
}
