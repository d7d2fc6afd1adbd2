package ai.sentinel.dr.common;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads one cdk.json environment field by field, collecting every problem instead of stopping at the first, so that
 * a bad cdk.json is reported whole. Each problem names the field by its path ({@code ecs.cluster}); the caller
 * adds the environment's name. The shared part of the environment and every scenario's settings section read through
 * one instance.
 */
public final class ConfigReader {
  public static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
  public static final Pattern SECURITY_GROUP = Pattern.compile("sg-[0-9a-f]{8,17}");
  private static final Pattern SCHEDULE = Pattern.compile("(cron|rate)\\([^()]{1,200}\\)");

  private final JsonNode root;
  private final List<String> problems = new ArrayList<>();
  private String region;

  /** @param root the environment's object ({@code environments.<env>}) */
  public ConfigReader(JsonNode root) {
    this.root = root;
  }

  /** The environment's object: what a section checks beside itself (e.g. whether a vpc is configured). */
  public JsonNode root() {
    return root;
  }

  /** The environment's region once read and valid, else null. */
  public String region() {
    return region;
  }

  public void region(String valid) {
    this.region = valid;
  }

  public void problem(String problem) {
    problems.add(problem);
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }

  public void unknownFields(JsonNode node, String prefix, Set<String> known) {
    node.fieldNames().forEachRemaining(f -> {
      if (!known.contains(f)) {
        problems.add("unknown field '" + prefix + f + "' (known: " + new TreeSet<>(known) + ")");
      }
    });
  }

  /** A Secrets Manager secret's name (IAM is scoped to its name, so never its ARN). */
  public String secretName(JsonNode parent, String path) {
    if (parent.path(leaf(path)).asText("").startsWith("arn:")) {
      problems.add(path + " must be the secret's name, not its ARN (IAM is scoped to name-??????)");
      return null;
    }
    return text(parent, path, SECRET_NAME, "a Secrets Manager secret name");
  }

  /** The object at {@code field}, or null (reported once, its fields are not) when it is missing. */
  public JsonNode object(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isObject()) {
      problems.add(field + (node == null ? " is missing" : " must be an object"));
      return null;
    }
    return node;
  }

  /** The object at {@code path}, or null when absent (not a problem) or not an object (reported). */
  public JsonNode optionalObject(JsonNode parent, String path, String what) {
    JsonNode node = parent.get(leaf(path));
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      problems.add(path + " must be an object of " + what + ", got " + node);
      return null;
    }
    return node;
  }

  public String text(JsonNode parent, String path, Pattern pattern, String what) {
    return text(parent, path, pattern, what, Integer.MAX_VALUE);
  }

  public String text(JsonNode parent, String path, Pattern pattern, String what, int max) {
    JsonNode node = parent.get(leaf(path));
    if (node == null || node.isNull()) {
      problems.add(path + " is missing (" + what + ")");
      return null;
    }
    if (!node.isTextual() || !pattern.matcher(node.asText()).matches() || node.asText().length() > max) {
      problems.add(path + " must be " + what + ", got " + node);
      return null;
    }
    return node.asText();
  }

  public String optionalText(JsonNode parent, String path, Pattern pattern, String what) {
    JsonNode node = parent.get(leaf(path));
    return node == null || node.isNull() ? null : text(parent, path, pattern, what);
  }

  public List<String> list(JsonNode parent, String path, Pattern pattern, String what, boolean mayBeEmpty) {
    JsonNode node = parent.get(leaf(path));
    List<String> out = new ArrayList<>();
    if (node == null || !node.isArray()) {
      problems.add(path + (node == null ? " is missing" : " must be a list") + " (" + what + ")");
      return out;
    }
    if (node.isEmpty() && !mayBeEmpty) {
      problems.add(path + " must not be empty (" + what + ")");
    }
    for (JsonNode item : node) {
      if (!item.isTextual() || !pattern.matcher(item.asText()).matches()) {
        problems.add(path + " must hold " + what + ", got " + item);
      } else if (out.contains(item.asText())) {
        problems.add(path + " lists " + item + " twice");
      } else {
        out.add(item.asText());
      }
    }
    return out;
  }

  public boolean bool(JsonNode parent, String path) {
    JsonNode node = parent.get(leaf(path));
    if (node == null || !node.isBoolean()) {
      problems.add(path + (node == null ? " is missing" : " must be true or false, got " + node));
      return false;
    }
    return node.asBoolean();
  }

  public int positive(JsonNode parent, String path) {
    JsonNode node = parent.get(leaf(path));
    if (node == null || !isInteger(node) || node.asLong() < 1 || node.asLong() > Integer.MAX_VALUE) {
      problems.add(path + (node == null ? " is missing (an integer >= 1)" : " must be an integer >= 1, got "
          + node));
      return 0;
    }
    return node.asInt();
  }

  /** An integer in [1, max] at {@code path}, or {@code absent} when the field is not there. */
  public int optionalPositive(JsonNode parent, String path, int absent, int max) {
    JsonNode node = parent.get(leaf(path));
    if (node == null || node.isNull()) {
      return absent;
    }
    if (!isInteger(node) || node.asLong() < 1 || node.asLong() > max) {
      problems.add(path + " must be an integer from 1 to " + max + ", got " + node);
      return absent;
    }
    return node.asInt();
  }

  /** An EventBridge schedule expression at {@code path}, or null when absent or reported. */
  public String schedule(JsonNode parent, String path) {
    JsonNode node = parent.get(leaf(path));
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual() || !SCHEDULE.matcher(node.asText()).matches()) {
      problems.add(path + " must be an EventBridge schedule expression like cron(0 3 1 * ? *) or rate(7 days), "
          + "got " + node);
      return null;
    }
    return node.asText();
  }

  /** Integers may arrive as doubles (30.0) when the context passed through the CDK CLI. */
  public static boolean isInteger(JsonNode node) {
    return node.isIntegralNumber() || (node.isNumber() && node.asDouble() == Math.rint(node.asDouble()));
  }

  private static String leaf(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }
}
