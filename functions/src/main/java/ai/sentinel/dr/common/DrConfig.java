package ai.sentinel.dr.common;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a handler needs to know about the environment it protects, read once at init from environment
 * variables (set by the CDK app from cdk.json). A missing required variable fails fast and names itself. The
 * scenarios' own settings arrive one section per variable ({@link SettingsSection#variable()}), only in the functions
 * that read them: {@link #settings(Class)}.
 *
 * @param environment     SENTINEL_ENV: dev, staging, prod...
 * @param region          AWS_REGION
 * @param dryRun          DRY_RUN: default for every recovery in this environment
 * @param topicArn        NOTIFY_TOPIC_ARN: SNS topic for outcomes and escalations
 * @param stateMachines   STATE_MACHINE_ARNS: JSON object scenario id -> state machine ARN (responders only)
 * @param alarmRoutes     ALARM_ROUTES: JSON object alarm name -> scenario id, overrides metric-based routing
 * @param healthUrl       HEALTH_URL: optional API health URL checked by verification
 * @param pollSeconds     POLL_SECONDS: default Wait between status polls
 * @param maxPolls        MAX_POLLS: polls before a wait loop gives up
 * @param lockTable       LOCK_TABLE: DynamoDB table of per-resource locks and attempt counts (null: not deployed)
 * @param lockLeaseSeconds LOCK_LEASE_SECONDS: a lock not released after this long (crashed run) is free again
 * @param maxWaitSeconds   MAX_WAIT_SECONDS: the longest one wait loop may last (pollSeconds x maxPolls) within the
 *                         lease, after the approval timeout and the steps themselves (the CDK app computes it)
 * @param budgetMaxAttempts BUDGET_MAX_ATTEMPTS: automatic recoveries per resource per window before escalating
 * @param budgetWindowSeconds BUDGET_WINDOW_SECONDS: the window of that budget
 * @param maxSignalAgeSeconds MAX_SIGNAL_AGE_SECONDS: an alarm or event older than this starts nothing (a replay)
 * @param waitTable       WAIT_TABLE: DynamoDB table of the task tokens of waiting recoveries (null: waits only poll)
 * @param reportBucket    REPORT_BUCKET: where the Report step stores reports; the functions that page are given it
 *                        too, to link the report a page is about (null: not given, no link)
 * @param sections        the scenarios' settings this function was given (SETTINGS_&lt;SECTION&gt;: JSON), in
 *                        {@link SettingsSections#ALL}'s order
 */
public record DrConfig(
    String environment,
    String region,
    boolean dryRun,
    String topicArn,
    Map<String, String> stateMachines,
    Map<String, String> alarmRoutes,
    String healthUrl,
    int pollSeconds,
    int maxPolls,
    String lockTable,
    int lockLeaseSeconds,
    int maxWaitSeconds,
    int budgetMaxAttempts,
    int budgetWindowSeconds,
    int maxSignalAgeSeconds,
    String waitTable,
    String reportBucket,
    List<Settings> sections) {

  public DrConfig {
    sections = List.copyOf(sections);
  }

  /** The variable names, in one place, so the CDK app sets exactly what is read here. */
  public static final class Vars {
    public static final String ENVIRONMENT = "SENTINEL_ENV";
    public static final String REGION = "AWS_REGION";
    public static final String DRY_RUN = "DRY_RUN";
    public static final String NOTIFY_TOPIC_ARN = "NOTIFY_TOPIC_ARN";
    public static final String STATE_MACHINE_ARNS = "STATE_MACHINE_ARNS";
    public static final String ALARM_ROUTES = "ALARM_ROUTES";
    public static final String HEALTH_URL = "HEALTH_URL";
    public static final String POLL_SECONDS = "POLL_SECONDS";
    public static final String MAX_POLLS = "MAX_POLLS";
    public static final String LOCK_TABLE = "LOCK_TABLE";
    public static final String LOCK_LEASE_SECONDS = "LOCK_LEASE_SECONDS";
    public static final String MAX_WAIT_SECONDS = "MAX_WAIT_SECONDS";
    public static final String BUDGET_MAX_ATTEMPTS = "BUDGET_MAX_ATTEMPTS";
    public static final String BUDGET_WINDOW_SECONDS = "BUDGET_WINDOW_SECONDS";
    public static final String MAX_SIGNAL_AGE_SECONDS = "MAX_SIGNAL_AGE_SECONDS";
    public static final String WAIT_TABLE = "WAIT_TABLE";
    public static final String REPORT_BUCKET = "REPORT_BUCKET";

    private Vars() {}
  }

  /** Signals older than this (1 h) start nothing unless the environment says otherwise. */
  public static final int DEFAULT_MAX_SIGNAL_AGE_SECONDS = 3600;

  public static DrConfig fromEnv(Map<String, String> env) {
    Reader r = new Reader(env);
    List<Settings> sections = new ArrayList<>();
    for (SettingsSection<?> section : SettingsSections.ALL) {
      r.optional(section.variable()).ifPresent(json -> sections.add(r.section(section, json)));
    }
    return new DrConfig(
        r.required(Vars.ENVIRONMENT),
        r.required(Vars.REGION),
        r.bool(Vars.DRY_RUN, false),
        r.required(Vars.NOTIFY_TOPIC_ARN),
        r.map(Vars.STATE_MACHINE_ARNS),
        r.map(Vars.ALARM_ROUTES),
        r.optional(Vars.HEALTH_URL).orElse(null),
        r.integer(Vars.POLL_SECONDS, 30),
        r.integer(Vars.MAX_POLLS, 60),
        r.optional(Vars.LOCK_TABLE).orElse(null),
        r.integer(Vars.LOCK_LEASE_SECONDS, 3 * 3600),
        // the defaults' lease (3 h) less the default approval timeout (1 h) and the steps' allowance (5 min)
        r.integer(Vars.MAX_WAIT_SECONDS, 3 * 3600 - 3600 - 300),
        r.integer(Vars.BUDGET_MAX_ATTEMPTS, 3),
        r.integer(Vars.BUDGET_WINDOW_SECONDS, 24 * 3600),
        r.integer(Vars.MAX_SIGNAL_AGE_SECONDS, DEFAULT_MAX_SIGNAL_AGE_SECONDS),
        r.optional(Vars.WAIT_TABLE).orElse(null),
        r.optional(Vars.REPORT_BUCKET).orElse(null),
        sections);
  }

  /** State machine for a scenario, or a clear error when this environment does not deploy it. */
  public String stateMachineFor(String scenario) {
    String arn = stateMachines.get(scenario);
    if (arn == null) {
      throw new ConfigException("no state machine configured for scenario '" + scenario + "' in "
          + Vars.STATE_MACHINE_ARNS + " (configured: " + stateMachines.keySet() + ")");
    }
    return arn;
  }

  /** The settings section of {@code type}, when this function was given it (and the environment has it). */
  public <T extends Settings> Optional<T> settings(Class<T> type) {
    return sections.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  /** The settings section of {@code type}, or a clear error naming the variable this function lacks. */
  public <T extends Settings> T require(Class<T> type) {
    return settings(type).orElseThrow(() -> {
      SettingsSection<T> section = SettingsSections.of(type);
      return new ConfigException("missing environment variable " + section.variable() + " (the " + section.name()
          + " settings of the " + environment + " environment)");
    });
  }

  /**
   * Blast radius: may a runbook step mutate this resource? Only resources the environment config names (or that a
   * runbook derives from them, like the restore targets) are allowed: the notification topic, and what one of this
   * function's settings sections allows.
   */
  public boolean allows(String service, String target) {
    if (target == null) {
      return false;
    }
    if ("sns".equals(service)) {
      return target.equals(topicArn);
    }
    return sections.stream().anyMatch(s -> s.allows(service, target));
  }

  /** The lock table, or a clear error where a handler cannot run safely without it. */
  public String requireLockTable() {
    if (lockTable == null) {
      throw new ConfigException("missing environment variable " + Vars.LOCK_TABLE
          + ": recoveries are not started without per-resource locks");
    }
    return lockTable;
  }

  /** Thrown at init: the function cannot run with this configuration. */
  public static final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
      super(message);
    }
  }

  private record Reader(Map<String, String> env) {
    Optional<String> optional(String name) {
      String v = env.get(name);
      return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    String required(String name) {
      return optional(name).orElseThrow(() -> new ConfigException("missing environment variable " + name));
    }

    boolean bool(String name, boolean dflt) {
      return optional(name).map(v -> switch (v.toLowerCase()) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new ConfigException(name + " must be true or false, got '" + v + "'");
      }).orElse(dflt);
    }

    int integer(String name, int dflt) {
      return optional(name).map(v -> {
        try {
          int n = Integer.parseInt(v);
          if (n <= 0) {
            throw new ConfigException(name + " must be a positive integer, got '" + v + "'");
          }
          return n;
        } catch (NumberFormatException e) {
          throw new ConfigException(name + " must be a positive integer, got '" + v + "'");
        }
      }).orElse(dflt);
    }

    <T extends Settings> T section(SettingsSection<T> section, String json) {
      try {
        T settings = Json.MAPPER.readValue(json, section.type());
        if (settings == null) {
          throw new ConfigException(section.variable() + " must be a JSON object");
        }
        return settings;
      } catch (java.io.IOException e) {
        throw new ConfigException(section.variable() + " must be the JSON of the " + section.name()
            + " settings: " + e.getMessage());
      }
    }

    Map<String, String> map(String name) {
      Map<String, String> out = new LinkedHashMap<>();
      optional(name).ifPresent(v -> {
        JsonNode node;
        try {
          node = Json.MAPPER.readTree(v);
        } catch (Exception e) {
          throw new ConfigException(name + " must be a JSON object of strings: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
          throw new ConfigException(name + " must be a JSON object of strings");
        }
        node.fields().forEachRemaining(f -> {
          if (!f.getValue().isTextual()) {
            throw new ConfigException(name + "." + f.getKey() + " must be a string");
          }
          out.put(f.getKey(), f.getValue().asText());
        });
      });
      return Map.copyOf(out);
    }
  }
}
