package ai.sentinel.dr.infra;

import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.common.SettingsSection.ScheduledTest;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.common.SettingsSections;
import ai.sentinel.dr.database.UpdateSecret;
import ai.sentinel.dr.ecs.DeployPreviousVersion;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Node;

/**
 * One deployment environment, as declared under {@code context.environments.<name>} in cdk.json and selected with
 * {@code -c env=<name>}. Validated as a whole when loaded ({@link EnvironmentReader}): every problem is reported at
 * once, each naming the environment and the field, so a bad cdk.json fails the synth instead of a recovery at 3 a.m.
 * The shared settings are fields here; each runbook scenario's section is its own record ({@link #settings}).
 *
 * @param name             environment name (dev, prod...): prefix of every resource name
 * @param account          12-digit AWS account to pin the stack to, or null for the deploying credentials' account
 * @param region           AWS region
 * @param dryRun           recoveries record their mutating calls instead of sending them
 * @param notificationEmails on-call addresses subscribed to the notification topic (may be empty)
 * @param alarmRoutes      CloudWatch alarm name to scenario id
 * @param healthUrl        https URL checked by Verify, or null
 * @param pollSeconds      Wait between status polls
 * @param maxPolls         polls before a wait loop gives up
 * @param vpc              subnets and security groups for the Verify functions, or null
 * @param logRetentionDays retention of every log group (one of CloudWatch's allowed values)
 * @param safety           approval gates, per-resource lock lease and attempt budget (defaults when absent)
 * @param drills           the Testing Schedule's scheduled tests; each is off unless the environment sets it
 * @param sections         the scenarios' settings sections it has, in {@link SettingsSections#ALL}'s order
 */
public record EnvironmentConfig(
    String name,
    String account,
    String region,
    boolean dryRun,
    List<String> notificationEmails,
    Map<String, String> alarmRoutes,
    String healthUrl,
    int pollSeconds,
    int maxPolls,
    Vpc vpc,
    int logRetentionDays,
    Safety safety,
    Drills drills,
    List<Settings> sections) {

  /** Context key selecting the environment ({@code -c env=dev}). */
  public static final String ENV_CONTEXT = "env";
  /** Context key holding every environment's settings (cdk.json {@code context.environments}). */
  public static final String ENVIRONMENTS_CONTEXT = "environments";
  // 18: the longest function name, <env>-sentinel-dr-database-restore-scratch-instance, then fits Lambda's 64
  static final int ENV_NAME_MAX = 18;
  /** CloudWatch Logs retention values CDK accepts, in days; INFINITE is deliberately not offered. */
  static final Map<Integer, RetentionDays> RETENTION = LogRetention.TABLE;

  /** Where the Verify functions run when they must reach the database or the cache. */
  public record Vpc(List<String> subnetIds, List<String> securityGroupIds) {
    public Vpc {
      subnetIds = List.copyOf(subnetIds);
      securityGroupIds = List.copyOf(securityGroupIds);
    }
  }

  /**
   * What keeps automation from doing harm: gates, locks and budgets (cdk.json {@code safety}, optional).
   *
   * @param approvalSteps          steps a human must approve before they run (a subset of {@link #GATEABLE_STEPS})
   * @param approvalTimeoutMinutes how long a gate waits for an answer before the recovery stops, changing nothing
   * @param budget                 automatic recoveries allowed per resource before the on-call is paged instead
   * @param lockLeaseMinutes       a per-resource lock not released after this long (crashed run) is free again
   * @param maxSignalAgeMinutes    an alarm or event older than this starts nothing (a replay, a late redelivery)
   * @param approvalRepageMinutes  a gate still unanswered after this long pages again at higher urgency (0: never);
   *                               less than approvalTimeoutMinutes
   */
  public record Safety(List<String> approvalSteps, int approvalTimeoutMinutes, Budget budget, int lockLeaseMinutes,
      int maxSignalAgeMinutes, int approvalRepageMinutes) {
    /**
     * Steps the state machines can gate; only these may be listed in {@code approvalSteps}. A name gates that step in
     * every state machine that has it: UpdateSecret repoints a scenario's URL secret (Scenarios 1 and 2);
     * DeployPreviousVersion rolls an ECS service back (Scenario 3).
     */
    public static final List<String> GATEABLE_STEPS = List.of(UpdateSecret.class.getSimpleName(),
        DeployPreviousVersion.class.getSimpleName());
    /** maxSignalAgeMinutes when cdk.json sets none: the one hour. */
    public static final int DEFAULT_MAX_SIGNAL_AGE_MINUTES = 60;
    /** Defaults of an environment without a {@code safety} section: no gate, 60 min, 3 per 24 h, 180 min, 60 min. */
    public static final Safety DEFAULTS = new Safety(List.of(), 60, new Budget(3, 24), 180,
        DEFAULT_MAX_SIGNAL_AGE_MINUTES, 0);

    /** Safety without a re-page. */
    public Safety(List<String> approvalSteps, int approvalTimeoutMinutes, Budget budget, int lockLeaseMinutes,
        int maxSignalAgeMinutes) {
      this(approvalSteps, approvalTimeoutMinutes, budget, lockLeaseMinutes, maxSignalAgeMinutes, 0);
    }

    /** This safety with the gates' re-page after {@code minutes} (0: none). */
    public Safety withApprovalRepageMinutes(int minutes) {
      return new Safety(approvalSteps, approvalTimeoutMinutes, budget, lockLeaseMinutes, maxSignalAgeMinutes,
          minutes);
    }

    /** This safety gating {@code steps}, everything else kept. */
    public Safety withApprovalSteps(List<String> steps) {
      return new Safety(steps, approvalTimeoutMinutes, budget, lockLeaseMinutes, maxSignalAgeMinutes,
          approvalRepageMinutes);
    }

    /** Safety with the default maximum signal age. */
    public Safety(List<String> approvalSteps, int approvalTimeoutMinutes, Budget budget, int lockLeaseMinutes) {
      this(approvalSteps, approvalTimeoutMinutes, budget, lockLeaseMinutes, DEFAULT_MAX_SIGNAL_AGE_MINUTES);
    }

    public Safety {
      approvalSteps = List.copyOf(approvalSteps);
    }

    /**
     * What a recovery spends outside its gate and its waits: the responder's start after taking the lock, and the
     * steps between the waits. The execution's timeout is the lease less this, so it ends before its lock can expire.
     */
    public static final int STEPS_ALLOWANCE_MINUTES = 5;

    /** Step Functions' TimeoutSeconds of every state machine: the execution ends before its locks' lease does. */
    public int executionTimeoutMinutes() {
      return lockLeaseMinutes - STEPS_ALLOWANCE_MINUTES;
    }

    /** The longest one wait loop may last (pollSeconds x maxPolls) after the gate and the steps' allowance. */
    public long maxWaitSeconds() {
      return 60L * (lockLeaseMinutes - approvalTimeoutMinutes - STEPS_ALLOWANCE_MINUTES);
    }

    /** Whether {@code step} (a state name such as UpdateSecret) waits for a human's approval. */
    public boolean gates(String step) {
      return approvalSteps.contains(step);
    }
  }

  /** At most {@code maxAttempts} automatic recoveries of one resource within {@code windowHours}. */
  public record Budget(int maxAttempts, int windowHours) {}

  /**
   * The runbook's Testing Schedule, run by EventBridge schedules (cdk.json {@code drills}, optional; every test is off
   * unless set). Each entry belongs to the scenario whose settings section declares its field
   * ({@link SettingsSection#drill()}), e.g. {@code databaseRestoreTest}.
   *
   * @param tests          the scheduled tests by their {@code drills} field
   * @param fullSimulation the quarterly full DR simulation's schedule ({@code drills.fullSimulation}: a dry-run drill
   *                       of every deployed recovery and the region failover, then the leadership summary, in its
   *                       own stack {@link SimulationStack}), or null when it is off
   */
  public record Drills(Map<String, ScheduledTest> tests, String fullSimulation) {
    public static final Drills OFF = new Drills(Map.of());
    /** The cdk.json field of the full DR simulation, beside the scenarios' own tests. */
    public static final String FULL_SIMULATION = "fullSimulation";

    public Drills {
      tests = Collections.unmodifiableMap(new LinkedHashMap<>(tests));
    }

    /** Scheduled tests without the full simulation. */
    public Drills(Map<String, ScheduledTest> tests) {
      this(tests, null);
    }

    /** The test scheduled under {@code drills.<field>}, or null when it is off. */
    public ScheduledTest test(String field) {
      return tests.get(field);
    }

    public boolean any() {
      return !tests.isEmpty() || fullSimulation != null;
    }
  }

  /** A cdk.json environment that cannot be deployed; the message names the environment and every bad field. */
  public static final class InvalidConfigException extends IllegalArgumentException {
    public InvalidConfigException(String message) {
      super(message);
    }
  }

  public EnvironmentConfig {
    notificationEmails = List.copyOf(notificationEmails);
    alarmRoutes = Collections.unmodifiableMap(new TreeMap<>(alarmRoutes));
    safety = safety == null ? Safety.DEFAULTS : safety;
    drills = drills == null ? Drills.OFF : drills;
    sections = List.copyOf(sections);
  }

  // ---- loading (EnvironmentLoader) ---------------------------------------------------------------------------------

  /** The environment selected by {@code -c env=NAME}; see {@link EnvironmentLoader#fromContext}. */
  public static EnvironmentConfig fromContext(Node node, Path cdkJson) {
    return EnvironmentLoader.fromContext(node, cdkJson);
  }

  /** Environment {@code name} from a cdk.json file (for tools that run without the CDK CLI, e.g. the local cloud). */
  public static EnvironmentConfig fromCdkJson(Path cdkJson, String name) {
    return EnvironmentLoader.fromCdkJson(cdkJson, name);
  }

  /** Environment {@code name} from the value of the {@code environments} context (a JSON object). */
  public static EnvironmentConfig load(JsonNode environments, String name) {
    return EnvironmentLoader.load(environments, name);
  }

  // ---- the scenarios' sections -------------------------------------------------------------------------------------

  /** The scenario settings section of {@code type}, when this environment has it (a section may be optional). */
  public <T extends Settings> Optional<T> settings(Class<T> type) {
    return sections.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  /** The scenario settings section of {@code type}, which this environment must have (a required section). */
  public <T extends Settings> T require(Class<T> type) {
    return settings(type).orElseThrow(() -> new InvalidConfigException("Invalid environment '" + name + "': "
        + SettingsSections.of(type).name() + " is missing"));
  }

  /**
   * This environment with {@code replacement} instead of its section of the same type (e.g. the target groups a
   * local cloud created), checked as cdk.json would be.
   *
   * @throws InvalidConfigException when the replacement has a problem
   */
  public EnvironmentConfig with(Settings replacement) {
    List<String> problems = replacement.problems(region);
    if (!problems.isEmpty()) {
      throw new InvalidConfigException("Invalid environment '" + name + "':\n  - " + String.join("\n  - ", problems));
    }
    List<Settings> replaced = new ArrayList<>();
    for (SettingsSection<?> section : SettingsSections.ALL) {
      if (section.type().isInstance(replacement)) {
        replaced.add(replacement);
      } else {
        settings(section.type()).ifPresent(replaced::add);
      }
    }
    return new EnvironmentConfig(name, account, region, dryRun, notificationEmails, alarmRoutes, healthUrl,
        pollSeconds, maxPolls, vpc, logRetentionDays, safety, drills, replaced);
  }

  /**
   * This environment with {@code steps} gated instead of the configured ones (the CLI runs a drill with the gate on).
   *
   * @throws InvalidConfigException when a step cannot be gated
   */
  public EnvironmentConfig withApprovalSteps(List<String> steps) {
    List<String> unknown = steps.stream().filter(s -> !Safety.GATEABLE_STEPS.contains(s)).toList();
    if (!unknown.isEmpty() || steps.stream().distinct().count() != steps.size()) {
      throw new InvalidConfigException("Invalid environment '" + name + "': safety.approvalSteps must hold distinct "
          + "gate-able steps (one of " + Safety.GATEABLE_STEPS + "), got " + steps);
    }
    return withSafety(safety.withApprovalSteps(steps));
  }

  /** This environment without the settings sections of {@code types} (a stack whose functions never read them). */
  public EnvironmentConfig without(java.util.Collection<Class<? extends Settings>> types) {
    return new EnvironmentConfig(name, account, region, dryRun, notificationEmails, alarmRoutes, healthUrl,
        pollSeconds, maxPolls, vpc, logRetentionDays, safety, drills,
        sections.stream().filter(s -> types.stream().noneMatch(t -> t.isInstance(s))).toList());
  }

  /** This environment with other safety settings (drills and tests rehearse e.g. a short approval timeout). */
  public EnvironmentConfig withSafety(Safety newSafety) {
    return new EnvironmentConfig(name, account, region, dryRun, notificationEmails, alarmRoutes, healthUrl,
        pollSeconds, maxPolls, vpc, logRetentionDays, newSafety, drills, sections);
  }

  /** This environment with other scheduled tests (tests of the schedules themselves). */
  public EnvironmentConfig withDrills(Drills newDrills) {
    return new EnvironmentConfig(name, account, region, dryRun, notificationEmails, alarmRoutes, healthUrl,
        pollSeconds, maxPolls, vpc, logRetentionDays, safety, newDrills, sections);
  }

  // ---- derived values ----------------------------------------------------------------------------------------------

  /** Prefix of every physical name: {@code <env>-sentinel-dr}; also the stack name. */
  public String prefix() {
    return name + "-sentinel-dr";
  }

  /**
   * The scenarios this environment deploys a recovery state machine for, in runbook order: those of the settings
   * sections it has (without an optional section, its recovery is not deployed). What STATE_MACHINE_ARNS holds once
   * deployed, with the restore test.
   */
  public List<String> deployedScenarios() {
    List<String> out = new ArrayList<>();
    for (SettingsSection<?> section : SettingsSections.ALL) {
      if (settings(section.type()).isPresent()) {
        out.addAll(section.recoveries());
      }
    }
    return List.copyOf(out);
  }

  public RetentionDays logRetention() {
    return RETENTION.get(logRetentionDays);
  }

  /**
   * The {@link ai.sentinel.dr.common.DrConfig} variables this environment fixes for every function, without any
   * scenario's section ({@link #lambdaEnvironment(Class)}). Deployment-time values are not included:
   * {@code NOTIFY_TOPIC_ARN}, {@code LOCK_TABLE} and {@code STATE_MACHINE_ARNS} (added by the stack, or by a local
   * cloud from its own resources) and {@code AWS_REGION} (set by Lambda).
   */
  public Map<String, String> lambdaEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(Vars.ENVIRONMENT, name);
    env.put(Vars.DRY_RUN, Boolean.toString(dryRun));
    env.put(Vars.ALARM_ROUTES, Json.write(alarmRoutes));
    if (healthUrl != null) {
      env.put(Vars.HEALTH_URL, healthUrl);
    }
    env.put(Vars.POLL_SECONDS, Integer.toString(pollSeconds));
    env.put(Vars.MAX_POLLS, Integer.toString(maxPolls));
    env.put(Vars.LOCK_LEASE_SECONDS, Integer.toString(safety.lockLeaseMinutes() * 60));
    env.put(Vars.MAX_WAIT_SECONDS, Long.toString(safety.maxWaitSeconds()));
    env.put(Vars.MAX_SIGNAL_AGE_SECONDS, Integer.toString(safety.maxSignalAgeMinutes() * 60));
    env.put(Vars.BUDGET_MAX_ATTEMPTS, Integer.toString(safety.budget().maxAttempts()));
    env.put(Vars.BUDGET_WINDOW_SECONDS, Integer.toString(safety.budget().windowHours() * 3600));
    return Collections.unmodifiableMap(env);
  }

  /**
   * The variables of {@code handler}'s function: the common ones plus, as JSON, exactly the settings sections it reads
   * ({@link SettingsSections#readBy}) and this environment has. Lambda allows 4 KB of variables per function.
   */
  public Map<String, String> lambdaEnvironment(Class<?> handler) {
    Map<String, String> env = new LinkedHashMap<>(lambdaEnvironment());
    env.putAll(settingsEnvironment(handler));
    return Collections.unmodifiableMap(env);
  }

  /** Only the settings sections' variables of {@code handler}'s function ({@code SETTINGS_<NAME>}: JSON). */
  public Map<String, String> settingsEnvironment(Class<?> handler) {
    Map<String, String> env = new LinkedHashMap<>();
    for (SettingsSection<?> section : SettingsSections.readBy(handler)) {
      settings(section.type()).ifPresent(s -> env.put(section.variable(), Json.write(s)));
    }
    return env;
  }
}
