package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/**
 * CloudWatch's part that the local cloud lacks, for one region: moto stores alarms and metric data but never turns log
 * lines into metrics and never evaluates an alarm. Here an EMF log line (Lambda's stdout on AWS) becomes its metric
 * data (PutMetricData, and a datapoint kept here), and a metric alarm is evaluated as CloudWatch does it: the last
 * EvaluationPeriods datapoints, ALARM when DatapointsToAlarm of them breach the threshold, missing ones treated as
 * TreatMissingData says. On a change the state is set in moto (SetAlarmState) and CloudWatch's "Alarm State Change"
 * event goes to the local EventBridge, where the deployed rules route it.
 *
 * <p>Time is compressed: each EMF line is one evaluation period (a drill cannot wait M minutes, and the schedule that
 * spaces a probe's runs one period apart does not run locally). Only alarms on one metric (no math, no composite).
 */
public final class LocalAlarms implements Consumer<String> {
  private final LocalAws aws;
  private final Consumer<byte[]> eventBridge;
  private final List<Datapoint> datapoints = new CopyOnWriteArrayList<>();

  /** One EMF value: its metric, dimensions and value. */
  record Datapoint(String namespace, String metric, Map<String, String> dimensions, double value, Instant at) {}

  /**
   * @param aws         clients in the alarms' region
   * @param eventBridge where state changes go, as the launcher's events do ({@code {"eventBridge": event}})
   */
  public LocalAlarms(LocalAws aws, Consumer<byte[]> eventBridge) {
    this.aws = aws;
    this.eventBridge = eventBridge;
  }

  /** Creates the alarm from its template properties ({@link LocalDeployment#alarm}). */
  public void put(JsonNode p) {
    aws.cloudWatch.putMetricAlarm(b -> b.alarmName(p.path("AlarmName").asText())
        .alarmDescription(p.path("AlarmDescription").asText(null))
        .namespace(p.path("Namespace").asText()).metricName(p.path("MetricName").asText())
        .dimensions(dimensions(p.path("Dimensions")))
        .statistic(p.path("Statistic").asText("Average")).period(p.path("Period").asInt(60))
        .evaluationPeriods(p.path("EvaluationPeriods").asInt(1))
        .datapointsToAlarm(p.path("DatapointsToAlarm").asInt(p.path("EvaluationPeriods").asInt(1)))
        .threshold(p.path("Threshold").asDouble())
        .comparisonOperator(p.path("ComparisonOperator").asText())
        .treatMissingData(p.path("TreatMissingData").asText("missing")));
  }

  private static List<Dimension> dimensions(JsonNode list) {
    List<Dimension> out = new ArrayList<>();
    list.forEach(d -> out.add(Dimension.builder().name(d.path("Name").asText()).value(d.path("Value").asText())
        .build()));
    return out;
  }

  /** A log line: its EMF metrics, if it has any, become metric data. */
  @Override
  public void accept(String line) {
    JsonNode root;
    try {
      root = Json.tree(line);
    } catch (RuntimeException e) {
      return;
    }
    JsonNode aws = root.path("_aws");
    if (!aws.isObject()) {
      return;
    }
    Instant at = Instant.ofEpochMilli(aws.path("Timestamp").asLong(System.currentTimeMillis()));
    for (JsonNode directive : aws.path("CloudWatchMetrics")) {
      for (JsonNode set : directive.path("Dimensions")) {
        Map<String, String> dims = new TreeMap<>();
        set.forEach(d -> dims.put(d.asText(), root.path(d.asText()).asText()));
        for (JsonNode metric : directive.path("Metrics")) {
          String name = metric.path("Name").asText();
          if (!root.path(name).isNumber()) {
            continue;
          }
          Datapoint point = new Datapoint(directive.path("Namespace").asText(), name, dims,
              root.path(name).asDouble(), at);
          datapoints.add(point);
          this.aws.cloudWatch.putMetricData(b -> b.namespace(point.namespace()).metricData(m -> m.metricName(name)
              .value(point.value()).timestamp(at).dimensions(dims.entrySet().stream().map(e -> Dimension.builder()
                  .name(e.getKey()).value(e.getValue()).build()).toList())));
        }
      }
    }
  }

  /**
   * Evaluates {@code alarmName} on its metric's datapoints so far (one per period) and returns its state; a change is
   * set in moto and sent to EventBridge.
   */
  public StateValue evaluate(String alarmName) {
    MetricAlarm alarm = aws.cloudWatch.describeAlarms(b -> b.alarmNames(alarmName)).metricAlarms().get(0);
    Map<String, String> dims = new TreeMap<>();
    alarm.dimensions().forEach(d -> dims.put(d.name(), d.value()));
    List<Double> values = datapoints.stream().filter(d -> d.namespace().equals(alarm.namespace())
        && d.metric().equals(alarm.metricName()) && d.dimensions().equals(dims)).map(Datapoint::value).toList();
    int periods = alarm.evaluationPeriods();
    List<Double> window = values.subList(Math.max(0, values.size() - periods), values.size());
    long breaching = window.stream().filter(v -> breaches(alarm.comparisonOperator(), v, alarm.threshold())).count();
    // missing datapoints (fewer runs than periods) count as TreatMissingData says
    int missing = periods - window.size();
    if ("breaching".equals(alarm.treatMissingData())) {
      breaching += missing;
    }
    int needed = alarm.datapointsToAlarm() == null ? periods : alarm.datapointsToAlarm();
    StateValue next = breaching >= needed ? StateValue.ALARM
        : window.isEmpty() && "missing".equals(alarm.treatMissingData()) ? StateValue.INSUFFICIENT_DATA
        : StateValue.OK;
    if (next != alarm.stateValue()) {
      String reason = "Threshold Crossed: " + breaching + " out of the last " + periods + " datapoints " + window
          + " breached the threshold (" + alarm.threshold() + ") (local evaluation: one datapoint per EMF line)";
      aws.cloudWatch.setAlarmState(b -> b.alarmName(alarmName).stateValue(next).stateReason(reason));
      MetricAlarm changed = aws.cloudWatch.describeAlarms(b -> b.alarmNames(alarmName)).metricAlarms().get(0);
      ObjectNode envelope = Json.object();
      envelope.set("eventBridge", Json.tree(new String(AlarmEvents.stateChange(changed, LocalAws.ACCOUNT,
          aws.region.id()), StandardCharsets.UTF_8)));
      eventBridge.accept(Json.bytes(envelope));
    }
    return next;
  }

  private static boolean breaches(ComparisonOperator operator, double value, double threshold) {
    return switch (operator) {
      case GREATER_THAN_OR_EQUAL_TO_THRESHOLD -> value >= threshold;
      case GREATER_THAN_THRESHOLD -> value > threshold;
      case LESS_THAN_THRESHOLD -> value < threshold;
      case LESS_THAN_OR_EQUAL_TO_THRESHOLD -> value <= threshold;
      default -> throw new IllegalArgumentException("not evaluated locally: " + operator);
    };
  }
}
