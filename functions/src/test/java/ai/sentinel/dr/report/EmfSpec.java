package ai.sentinel.dr.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A checker for CloudWatch Embedded Metric Format log lines, written from the specification ("Specification:
 * Embedded metric format", CloudWatch User Guide, and its JSON schema) plus CloudWatch's own limits on namespaces,
 * metric names and dimension values. Returns every violation found; an empty list means valid.
 */
final class EmfSpec {
  private static final ObjectMapper STRICT = new ObjectMapper();
  private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
      "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
      "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
      "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
      "None");
  /** CloudWatch namespaces: these characters, at least one non-space, and AWS/ is reserved. */
  private static final Pattern NAMESPACE = Pattern.compile("[0-9A-Za-z._#:/ -]{1,255}");
  private static final Set<String> METADATA_MEMBERS = Set.of("Timestamp", "CloudWatchMetrics", "LogGroupName",
      "LogStreamName");

  private EmfSpec() {}

  static List<String> violations(String line) {
    List<String> v = new ArrayList<>();
    if (line.contains("\n") || line.contains("\r")) {
      v.add("a LogEvent is one line");
    }
    if (line.getBytes(StandardCharsets.UTF_8).length > 256 * 1024) {
      v.add("larger than a CloudWatch Logs event");
    }
    JsonNode root;
    try {
      root = STRICT.readTree(line);
    } catch (Exception e) {
      v.add("not JSON: " + e.getMessage());
      return v;
    }
    if (root == null || !root.isObject()) {
      v.add("the root must be a JSON object");
      return v;
    }
    JsonNode aws = root.get("_aws");
    if (aws == null || !aws.isObject()) {
      v.add("_aws must be an object");
      return v;
    }
    aws.fieldNames().forEachRemaining(n -> {
      if (!METADATA_MEMBERS.contains(n)) {
        v.add("_aws has an unknown member " + n);
      }
    });
    JsonNode ts = aws.get("Timestamp");
    if (ts == null || !ts.isIntegralNumber() || ts.asLong() <= 0) {
      v.add("_aws.Timestamp must be a positive integer (epoch ms)");
    }
    JsonNode directives = aws.get("CloudWatchMetrics");
    if (directives == null || !directives.isArray() || directives.isEmpty()) {
      v.add("_aws.CloudWatchMetrics must be a non-empty array");
      return v;
    }
    for (JsonNode d : directives) {
      directive(root, d, v);
    }
    return v;
  }

  private static void directive(JsonNode root, JsonNode d, List<String> v) {
    if (!d.isObject()) {
      v.add("a MetricDirective must be an object");
      return;
    }
    for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
      String n = it.next();
      if (!Set.of("Namespace", "Dimensions", "Metrics").contains(n)) {
        v.add("MetricDirective has an unknown member " + n);
      }
    }
    JsonNode ns = d.get("Namespace");
    if (ns == null || !ns.isTextual() || !NAMESPACE.matcher(ns.asText()).matches() || ns.asText().isBlank()
        || ns.asText().startsWith("AWS/")) {
      v.add("invalid Namespace " + ns);
    }
    Set<String> dimensionKeys = new HashSet<>();
    JsonNode sets = d.get("Dimensions");
    if (sets == null || !sets.isArray() || sets.isEmpty()) {
      v.add("Dimensions must be an array of at least one DimensionSet");
    } else {
      for (JsonNode set : sets) {
        if (!set.isArray() || set.size() > 30) {
          v.add("a DimensionSet is an array of at most 30 keys: " + set);
          continue;
        }
        for (JsonNode key : set) {
          if (!key.isTextual() || key.asText().isEmpty() || key.asText().length() > 250) {
            v.add("a dimension key is a string of 1-250 characters: " + key);
            continue;
          }
          dimensionKeys.add(key.asText());
          JsonNode target = root.get(key.asText());
          if (target == null || !target.isTextual()) {
            v.add("dimension " + key + " must be a root member with a string value, got " + target);
          } else if (target.asText().isBlank() || target.asText().length() > 1024
              || !target.asText().matches("[\\x20-\\x7E]+")) {
            v.add("dimension " + key + " value must be 1-1024 printable ASCII characters: " + target);
          }
        }
      }
    }
    JsonNode metrics = d.get("Metrics");
    if (metrics == null || !metrics.isArray() || metrics.size() > 100) {
      v.add("Metrics must be an array of at most 100 MetricDefinitions");
      return;
    }
    Set<String> names = new HashSet<>();
    for (JsonNode m : metrics) {
      if (!m.isObject()) {
        v.add("a MetricDefinition must be an object");
        continue;
      }
      m.fieldNames().forEachRemaining(n -> {
        if (!Set.of("Name", "Unit", "StorageResolution").contains(n)) {
          v.add("MetricDefinition has an unknown member " + n);
        }
      });
      JsonNode name = m.get("Name");
      if (name == null || !name.isTextual() || name.asText().isEmpty() || name.asText().length() > 255) {
        v.add("a metric Name is a string of 1-255 characters: " + name);
        continue;
      }
      if (!names.add(name.asText())) {
        v.add("metric " + name + " defined twice");
      }
      if (dimensionKeys.contains(name.asText())) {
        v.add("metric " + name + " is also a dimension");
      }
      JsonNode unit = m.get("Unit");
      if (unit != null && (!unit.isTextual() || !UNITS.contains(unit.asText()))) {
        v.add("metric " + name + " has an invalid Unit " + unit);
      }
      JsonNode resolution = m.get("StorageResolution");
      if (resolution != null && !(resolution.isInt() && (resolution.asInt() == 1 || resolution.asInt() == 60))) {
        v.add("metric " + name + " has an invalid StorageResolution " + resolution);
      }
      JsonNode target = root.get(name.asText());
      boolean numeric = target != null && (target.isNumber() || target.isArray() && target.size() <= 100
          && target.size() > 0 && allNumbers(target));
      if (!numeric) {
        v.add("metric " + name + " must be a root member with a numeric value, got " + target);
      }
    }
  }

  private static boolean allNumbers(JsonNode array) {
    for (JsonNode n : array) {
      if (!n.isNumber()) {
        return false;
      }
    }
    return true;
  }
}
