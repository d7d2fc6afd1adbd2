package ai.sentinel.dr.drill.security;

import static ai.sentinel.dr.drill.security.SecurityChecks.check;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.security.HeightenedMonitoring;
import ai.sentinel.dr.security.MonitoringState;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;

/**
 * The drill's checks of the heightened monitoring, read from the local cloud: the temporary alarms exist with the
 * recorded thresholds and page the on-call topic; the one-time schedule ends the window at the recorded time, deletes
 * itself after it ran and targets the removal function with exactly those alarms. moto stores schedules but never
 * runs them, so the drill then does what EventBridge Scheduler does when the time comes: invokes the target with the
 * schedule's input (through the gateway, as a Lambda Invoke) and, ActionAfterCompletion being DELETE, deletes the
 * schedule; the temporary alarms must then be gone and every other alarm still there.
 */
final class MonitoringChecks {
  private MonitoringChecks() {}

  static boolean confirm(LocalSentinel sentinel, Recovery recovery, PrintStream out) {
    MonitoringState m = recovery.part(MonitoringState.PART);
    if (m == null || m.alarms().isEmpty()) {
      return check(out, false, "heightened monitoring: none recorded");
    }
    List<String> names = m.alarms().stream().map(MonitoringState.Alarm::name).toList();
    List<MetricAlarm> found = alarms(sentinel, names);
    String topic = sentinel.deployment.topicEndingWith("-notifications");
    boolean alarmsOk = found.size() == names.size() && found.stream().allMatch(a -> a.alarmActions().contains(topic)
        && m.alarms().stream().anyMatch(r -> r.name().equals(a.alarmName()) && r.threshold() == a.threshold()));
    boolean ok = check(out, alarmsOk, "heightened monitoring until " + m.until() + ": " + found.size() + " of "
        + names.size() + " temporary alarms in CloudWatch, paging " + topic + ": " + found.stream()
        .map(a -> a.alarmName() + " " + a.metricName() + " >= " + a.threshold()).toList());
    GetScheduleResponse s = sentinel.aws.scheduler.getSchedule(b -> b.name(m.schedule()));
    String at = "at(" + LocalDateTime.ofInstant(Instant.parse(m.until()), ZoneOffset.UTC)
        .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")) + ")";
    JsonNode input = Json.tree(s.target().input()).path("scheduled");
    List<String> inputAlarms = new ArrayList<>();
    input.path("alarms").forEach(n -> inputAlarms.add(n.asText()));
    String end = sentinel.deployment.functionFor(HeightenedMonitoring.class);
    boolean scheduleOk = at.equals(s.scheduleExpression()) && "UTC".equals(s.scheduleExpressionTimezone())
        && s.actionAfterCompletion() == ActionAfterCompletion.DELETE && s.target().arn().contains(":function:" + end)
        && inputAlarms.equals(names);
    ok &= check(out, scheduleOk, "removal schedule " + s.name() + ": " + s.scheduleExpression() + " "
        + s.scheduleExpressionTimezone() + ", after completion " + s.actionAfterCompletionAsString() + ", target "
        + s.target().arn() + " with " + inputAlarms.size() + " alarm(s)");
    // what Scheduler does at the end of the window (moto never fires a schedule)
    int othersBefore = otherAlarms(sentinel, names);
    var answer = sentinel.aws.lambda.invoke(b -> b.functionName(s.target().arn())
        .payload(SdkBytes.fromUtf8String(s.target().input())));
    if (s.actionAfterCompletion() == ActionAfterCompletion.DELETE) {
      sentinel.aws.scheduler.deleteSchedule(b -> b.name(s.name()));
    }
    List<MetricAlarm> left = alarms(sentinel, names);
    int othersAfter = otherAlarms(sentinel, names);
    ok &= check(out, answer.functionError() == null && left.isEmpty() && othersAfter == othersBefore && gone(sentinel,
        s.name()), "window ended (schedule fired by the drill): " + end + " answered "
        + answer.payload().asUtf8String() + "; temporary alarms left " + left.size() + ", other alarms "
        + othersBefore + " -> " + othersAfter + ", schedule deleted");
    return ok;
  }

  private static List<MetricAlarm> alarms(LocalSentinel sentinel, List<String> names) {
    return sentinel.aws.cloudWatch.describeAlarms(b -> b.alarmNames(names)).metricAlarms().stream()
        .filter(a -> names.contains(a.alarmName())).toList();
  }

  private static int otherAlarms(LocalSentinel sentinel, List<String> names) {
    return (int) sentinel.aws.cloudWatch.describeAlarmsPaginator(b -> b.maxRecords(100)).metricAlarms().stream()
        .filter(a -> !names.contains(a.alarmName())).count();
  }

  private static boolean gone(LocalSentinel sentinel, String schedule) {
    try {
      sentinel.aws.scheduler.getSchedule(b -> b.name(schedule));
      return false;
    } catch (ResourceNotFoundException e) {
      return true;
    }
  }
}
