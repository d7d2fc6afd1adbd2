package ai.sentinel.dr.infra;

import ai.sentinel.dr.common.ConfigReader;
import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.common.SettingsSection.ScheduledTest;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.common.SettingsSections;
import ai.sentinel.dr.infra.EnvironmentConfig.Budget;
import ai.sentinel.dr.infra.EnvironmentConfig.Drills;
import ai.sentinel.dr.infra.EnvironmentConfig.InvalidConfigException;
import ai.sentinel.dr.infra.EnvironmentConfig.Safety;
import ai.sentinel.dr.infra.EnvironmentConfig.Vpc;
import ai.sentinel.dr.report.Objectives;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Validates one cdk.json environment and builds its {@link EnvironmentConfig}: the shared fields here, each scenario's
 * section by its own settings record ({@link SettingsSection#reader()}), every problem collected before failing.
 */
final class EnvironmentReader {
  private static final Pattern ENV_NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d");
  private static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8,17}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Set<String> COMMON_FIELDS = Set.of("account", "region", "dryRun", "notifications",
      "alarmRoutes", "healthUrl", "pollSeconds", "maxPolls", "vpc", "logRetentionDays", "safety", "drills");
  private static final Set<String> SAFETY_FIELDS = Set.of("approvalSteps", "approvalTimeoutMinutes", "budget",
      "lockLeaseMinutes", "maxSignalAgeMinutes", "approvalRepageMinutes");
  // a signal's age: at least the few minutes alarms and redeliveries take, at most a week (older is a replay)
  private static final int MIN_SIGNAL_AGE_MINUTES = 5;
  private static final int MAX_SIGNAL_AGE_MINUTES = 7 * 24 * 60;
  private static final Set<String> BUDGET_FIELDS = Set.of("maxAttempts", "windowHours");
  private static final Pattern GATEABLE = Pattern.compile(String.join("|", Safety.GATEABLE_STEPS));
  // a Standard execution lives at most a year: a longer gate or lease could never end; also keeps seconds in an int
  private static final int MAX_MINUTES = 365 * 24 * 60;
  private static final int MAX_HOURS = 365 * 24;

  private final String env;
  private final JsonNode root;
  private final ConfigReader config;

  private EnvironmentReader(String env, JsonNode root) {
    this.env = env;
    this.root = root;
    this.config = new ConfigReader(root);
  }

  /** Environment {@code env} from its cdk.json object, or every problem it has. */
  static EnvironmentConfig read(String env, JsonNode root) {
    return new EnvironmentReader(env, root).read();
  }

  private EnvironmentConfig read() {
    if (!ENV_NAME.matcher(env).matches() || env.length() > EnvironmentConfig.ENV_NAME_MAX) {
      config.problem("the environment name must be lower-case letters, digits and single hyphens, starting with a "
          + "letter, at most " + EnvironmentConfig.ENV_NAME_MAX + " characters (it prefixes every resource name)");
    }
    if (!root.isObject()) {
      throw new InvalidConfigException("Environment '" + env + "' in cdk.json must be a JSON object");
    }
    config.unknownFields(root, "", knownFields());
    String account = config.optionalText(root, "account", ACCOUNT, "a 12-digit AWS account id as a string");
    String region = config.text(root, "region", REGION, "an AWS region such as us-east-1");
    config.region(region);
    boolean dryRun = config.bool(root, "dryRun");
    List<Settings> sections = sections();

    JsonNode notifications = config.object(root, "notifications");
    List<String> emails = notifications == null ? null
        : config.list(notifications, "notifications.emails", EMAIL, "e-mail addresses", true);
    Map<String, String> routes = alarmRoutes();
    String healthUrl = healthUrl();
    int pollSeconds = config.positive(root, "pollSeconds");
    int maxPolls = config.positive(root, "maxPolls");
    Vpc vpc = vpc();
    int retention = retention();
    Safety safety = safety();
    leaseOutlivesTheLongestRecovery(safety, pollSeconds, maxPolls);
    Drills drills = drills(sections);

    if (!config.problems().isEmpty()) {
      throw new InvalidConfigException("Invalid environment '" + env + "' in cdk.json:\n  - "
          + String.join("\n  - ", config.problems()));
    }
    return new EnvironmentConfig(env, account, region, dryRun, emails, routes, healthUrl, pollSeconds, maxPolls, vpc,
        retention, safety, drills, sections);
  }

  private static Set<String> knownFields() {
    Set<String> known = new HashSet<>(COMMON_FIELDS);
    for (SettingsSection<?> section : SettingsSections.ALL) {
      known.add(section.name());
      known.addAll(section.topLevelFields());
    }
    return known;
  }

  /** Every scenario's section, read by its record; then the secrets no two of them may share. */
  private List<Settings> sections() {
    List<Settings> sections = new ArrayList<>();
    Map<String, String> secretOwners = new LinkedHashMap<>();
    for (SettingsSection<?> section : SettingsSections.ALL) {
      JsonNode node = root.get(section.name());
      if (node == null || (node.isNull() && !section.required())) {
        if (section.required()) {
          config.problem(section.name() + " is missing");
        }
        continue;
      }
      Settings settings = section.reader().read(node, config);
      if (settings == null) {
        continue;
      }
      sections.add(settings);
      settings.secrets().forEach((field, secret) -> {
        String owner = secretOwners.putIfAbsent(secret, section.name());
        if (owner != null) {
          config.problem(section.name() + "." + field + " must not be the " + owner + "'s secret '" + secret
              + "': each recovery repoints its own URL");
        }
      });
    }
    return sections;
  }

  /** The optional {@code drills} section: each entry belongs to a scenario's section, and is off unless set. */
  private Drills drills(List<Settings> sections) {
    JsonNode node = root.get("drills");
    if (node == null || node.isNull()) {
      return Drills.OFF;
    }
    List<SettingsSection<?>> owners = SettingsSections.ALL.stream().filter(s -> s.drill() != null).toList();
    if (!node.isObject()) {
      config.problem("drills must be an object {" + owners.stream().map(s -> s.drill().field())
          .collect(Collectors.joining(", ")) + ", " + Drills.FULL_SIMULATION + "}");
      return Drills.OFF;
    }
    java.util.Set<String> known = owners.stream().map(s -> s.drill().field()).collect(Collectors.toSet());
    known.add(Drills.FULL_SIMULATION);
    config.unknownFields(node, "drills.", known);
    Map<String, ScheduledTest> tests = new LinkedHashMap<>();
    for (SettingsSection<?> owner : owners) {
      ScheduledTest test = drill(node, owner, sections);
      if (test != null) {
        tests.put(owner.drill().field(), test);
      }
    }
    // the quarterly exercise of every scenario at once: no scenario owns it
    String simulation = config.schedule(node, "drills." + Drills.FULL_SIMULATION);
    if (simulation != null && simulation.matches("rate\\(\\s*\\d+\\s+(minute|minutes|hour|hours)\\s*\\)")) {
      // every recovery drilled at once, each with its lock, timeline, report and on-call message: not hourly
      config.problem("drills." + Drills.FULL_SIMULATION + " drills every recovery at once: schedule it at most daily "
          + "(the runbook's is quarterly, e.g. cron(0 6 15 3/3 ? *)), got " + simulation);
      simulation = null;
    }
    return new Drills(tests, simulation);
  }

  private <T extends Settings> ScheduledTest drill(JsonNode drills, SettingsSection<T> owner,
      List<Settings> sections) {
    String field = owner.drill().field();
    JsonNode entry = drills.get(field);
    if (entry == null || entry.isNull()) {
      return null;
    }
    T settings = sections.stream().filter(owner.type()::isInstance).map(owner.type()::cast).findFirst()
        .orElse(null);
    ScheduledTest test = owner.drill().reader().read(drills, "drills." + field, config, settings);
    if (test != null && settings == null) {
      config.problem("drills." + field + " is set but no " + owner.name() + " is configured");
    }
    return test;
  }

  /** The optional {@code safety} section; every field it leaves out takes its default. */
  private Safety safety() {
    JsonNode node = root.get("safety");
    if (node == null || node.isNull()) {
      return Safety.DEFAULTS;
    }
    if (!node.isObject()) {
      config.problem("safety must be an object {approvalSteps, approvalTimeoutMinutes, budget, lockLeaseMinutes, "
          + "maxSignalAgeMinutes}");
      return Safety.DEFAULTS;
    }
    config.unknownFields(node, "safety.", SAFETY_FIELDS);
    Safety d = Safety.DEFAULTS;
    List<String> steps = node.has("approvalSteps") ? config.list(node, "safety.approvalSteps", GATEABLE,
        "gate-able step names, one of " + Safety.GATEABLE_STEPS, true) : d.approvalSteps();
    int timeout = config.optionalPositive(node, "safety.approvalTimeoutMinutes", d.approvalTimeoutMinutes(),
        MAX_MINUTES);
    Budget budget = d.budget();
    JsonNode budgetNode = node.get("budget");
    if (budgetNode != null && !budgetNode.isNull()) {
      if (!budgetNode.isObject()) {
        config.problem("safety.budget must be an object {maxAttempts, windowHours}");
      } else {
        config.unknownFields(budgetNode, "safety.budget.", BUDGET_FIELDS);
        budget = new Budget(
            config.optionalPositive(budgetNode, "safety.budget.maxAttempts", d.budget().maxAttempts(),
                Integer.MAX_VALUE),
            config.optionalPositive(budgetNode, "safety.budget.windowHours", d.budget().windowHours(), MAX_HOURS));
      }
    }
    int lease = config.optionalPositive(node, "safety.lockLeaseMinutes", d.lockLeaseMinutes(), MAX_MINUTES);
    return new Safety(steps, timeout, budget, lease, maxSignalAge(node), repage(node, timeout));
  }

  /**
   * The lease (and with it every execution's timeout) must cover the approval gate, the longest wait (every wait loop
   * polls at most maxPolls times, pollSeconds apart) and the steps' allowance: a shorter lease frees the resource
   * while its recovery may still change it.
   */
  private void leaseOutlivesTheLongestRecovery(Safety safety, int pollSeconds, int maxPolls) {
    long waitSeconds = (long) pollSeconds * maxPolls;
    if (pollSeconds > 0 && maxPolls > 0 && waitSeconds > safety.maxWaitSeconds()) {
      config.problem("safety.lockLeaseMinutes (" + safety.lockLeaseMinutes() + ") must be at least "
          + "safety.approvalTimeoutMinutes (" + safety.approvalTimeoutMinutes() + ") + the longest wait, pollSeconds x "
          + "maxPolls (" + pollSeconds + " x " + maxPolls + " s = " + (waitSeconds + 59) / 60 + " min) + "
          + Safety.STEPS_ALLOWANCE_MINUTES + " min for the steps: the lock would expire while the recovery still "
          + "waits");
    }
  }

  /**
   * safety.approvalRepageMinutes: absent, none; else at least 1 and less than the approval timeout (a re-page after
   * the gate gave up would page for nothing).
   */
  private int repage(JsonNode safety, int timeout) {
    String path = "safety.approvalRepageMinutes";
    int minutes = config.optionalPositive(safety, path, 0, MAX_MINUTES);
    if (minutes > 0 && minutes >= timeout) {
      config.problem(path + " (" + minutes + ") must be less than safety.approvalTimeoutMinutes (" + timeout
          + "): an unanswered gate is re-paged while it still waits");
    }
    return minutes;
  }

  /** safety.maxSignalAgeMinutes: 5 min to a week, 60 when absent. */
  private int maxSignalAge(JsonNode safety) {
    String path = "safety.maxSignalAgeMinutes";
    int age = config.optionalPositive(safety, path, Safety.DEFAULT_MAX_SIGNAL_AGE_MINUTES, MAX_SIGNAL_AGE_MINUTES);
    if (age < MIN_SIGNAL_AGE_MINUTES) {
      config.problem(path + " must be at least " + MIN_SIGNAL_AGE_MINUTES + " (alarms and redeliveries take minutes "
          + "to arrive), got " + age);
    }
    return age;
  }

  private Map<String, String> alarmRoutes() {
    Map<String, String> routes = new LinkedHashMap<>();
    JsonNode node = root.get("alarmRoutes");
    if (node == null || node.isNull()) {
      config.problem("alarmRoutes is missing (use {} for none)");
      return routes;
    }
    if (!node.isObject()) {
      config.problem("alarmRoutes must be an object of alarm name -> scenario id");
      return routes;
    }
    node.fields().forEachRemaining(route -> {
      String field = "alarmRoutes." + route.getKey();
      if (route.getKey().isBlank()) {
        config.problem("alarmRoutes has an empty alarm name");
      } else if (!route.getValue().isTextual()) {
        config.problem(field + " must be a scenario id string (one of " + Objectives.RUNBOOK_SCENARIOS + ")");
      } else if (!Objectives.RUNBOOK_SCENARIOS.contains(route.getValue().asText())) {
        config.problem(field + " names unknown scenario '" + route.getValue().asText() + "' (known: "
            + Objectives.RUNBOOK_SCENARIOS + ")");
      } else {
        routes.put(route.getKey(), route.getValue().asText());
      }
    });
    return routes;
  }

  private String healthUrl() {
    JsonNode node = root.get("healthUrl");
    if (node == null || node.isNull()) {
      return null;
    }
    String problem = "healthUrl must be an https URL with a host, got " + node;
    if (!node.isTextual()) {
      config.problem(problem);
      return null;
    }
    try {
      URI uri = new URI(node.asText());
      if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
        config.problem(problem);
        return null;
      }
      return uri.toString();
    } catch (URISyntaxException e) {
      config.problem(problem);
      return null;
    }
  }

  private Vpc vpc() {
    JsonNode node = root.get("vpc");
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      config.problem("vpc must be an object {subnetIds: [...], securityGroupIds: [...]}");
      return null;
    }
    return new Vpc(config.list(node, "vpc.subnetIds", SUBNET, "subnet ids (subnet-...)", false),
        config.list(node, "vpc.securityGroupIds", ConfigReader.SECURITY_GROUP, "security group ids (sg-...)",
            false));
  }

  private int retention() {
    JsonNode node = root.get("logRetentionDays");
    String allowed = "one of " + LogRetention.TABLE.keySet();
    if (node == null || node.isNull()) {
      config.problem("logRetentionDays is missing (" + allowed + ")");
      return 0;
    }
    if (!ConfigReader.isInteger(node) || !LogRetention.TABLE.containsKey(node.asInt())) {
      config.problem("logRetentionDays must be " + allowed + ", got " + node);
      return 0;
    }
    return node.asInt();
  }
}
