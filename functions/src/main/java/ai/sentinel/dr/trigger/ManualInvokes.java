package ai.sentinel.dr.trigger;

import static ai.sentinel.dr.trigger.Fields.bool;
import static ai.sentinel.dr.trigger.Fields.integer;
import static ai.sentinel.dr.trigger.Fields.optionalText;
import static ai.sentinel.dr.trigger.Fields.text;
import static ai.sentinel.dr.trigger.Fields.truncate;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.EventTimes;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.trigger.Fields.BadInput;
import ai.sentinel.dr.trigger.SignalRules.ManualRequest;
import ai.sentinel.dr.trigger.SignalRules.ManualTarget;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Manual payloads ({@code aws lambda invoke}, drills, the Testing Schedule): the common fields are read and checked
 * here, the runbook's own fields and its resource by its {@link SignalRules#manual}. Any field no one declares is
 * refused.
 */
final class ManualInvokes {
  /** Fields every manual payload may carry, whatever the runbook. */
  private static final List<String> COMMON_FIELDS = List.of("runbook", "resource", "dryRun", "drill", "pollSeconds",
      "maxPolls", "requestId", "reason");
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");

  private final DrConfig config;
  private final Clock clock;
  private final Origin origin;
  private final List<EventClassifier.Bound> scenarios;
  /** Every scenario's own fields, in registry order. */
  private final Set<String> scenarioFields = new LinkedHashSet<>();
  /** Those of them that take any JSON value (passed on as JSON text). */
  private final Set<String> jsonFields = new LinkedHashSet<>();
  private final Set<String> allowed = new LinkedHashSet<>(COMMON_FIELDS);

  ManualInvokes(DrConfig config, Clock clock, List<EventClassifier.Bound> scenarios) {
    this.config = config;
    this.clock = clock;
    this.scenarios = scenarios;
    this.origin = new Origin(config);
    scenarios.forEach(s -> scenarioFields.addAll(s.rules().manualFields()));
    scenarios.forEach(s -> jsonFields.addAll(s.rules().manualJsonFields()));
    scenarioFields.addAll(jsonFields);
    allowed.addAll(scenarioFields);
  }

  /**
   * @param invocationId the Lambda request id: the identity of an invoke without {@code requestId} (null: a fresh
   *                     one), so re-sending the same payload later is a new request, while the retries of one
   *                     asynchronous invoke (same request id) remain one
   */
  Classification classify(JsonNode root, String invocationId) {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        unknown.add(Fields.quote(field));
      }
    }
    if (!unknown.isEmpty()) {
      throw new BadInput("manual payload has unknown field(s) " + unknown + "; allowed: "
          + allowed.stream().sorted().toList());
    }
    String runbook = text(root, "runbook");
    EventClassifier.Bound scenario = scenarios.stream().filter(s -> s.scenario().id().equals(runbook)).findFirst()
        .orElseThrow(() -> new BadInput("unknown runbook '" + Fields.quote(runbook) + "'; known: " + ids(false)
            + " and the tests " + ids(true)));
    for (String field : jsonFields) {
      // a scenario's typed fields mean nothing to another runbook, which would not refuse them itself
      if (root.has(field) && !scenario.rules().manualJsonFields().contains(field)) {
        throw new BadInput(field + " does not apply to " + Fields.quote(runbook));
      }
    }
    String resource = optionalText(root, "resource");
    Map<String, String> fields = new LinkedHashMap<>();
    for (String field : scenarioFields) {
      JsonNode given = root.get(field);
      String value = jsonFields.contains(field) ? (given == null || given.isNull() ? null : given.toString())
          : optionalText(root, field);
      if (value != null) {
        fields.put(field, value);
      }
    }
    foreignArns(resource, fields);
    boolean dryRun = bool(root, "dryRun", config.dryRun());
    boolean drillAsked = bool(root, "drill", false);
    if (drillAsked && !dryRun && !scenario.scenario().test()) {
      // a drill is reported P4 and spends no attempt: it must not be able to change production (issue 10)
      throw new BadInput("drill: true with a real run of " + runbook + " would change production while it is "
          + "reported as a P4 drill outside the attempt budget: a drill of a recovery is a dry-run (add \"dryRun\": "
          + "true); for a real recovery leave drill out");
    }
    // a test of the Testing Schedule is a drill by nature, whoever starts it: it changes only its scratch resources
    boolean drill = drillAsked || scenario.scenario().test();
    int pollSeconds = integer(root, "pollSeconds", config.pollSeconds(), 1, 3600);
    int maxPolls = integer(root, "maxPolls", config.maxPolls(), 1, 1000);
    if ((long) pollSeconds * maxPolls > config.maxWaitSeconds()) {
      // the lock's lease (and the execution's timeout) must outlive the longest wait, or another recovery could take
      // the resource while this one still waits on it
      throw new BadInput("pollSeconds x maxPolls = " + pollSeconds + " x " + maxPolls + " s is longer than one wait "
          + "may last in " + config.environment() + " (" + config.maxWaitSeconds() + " s: the lock lease less the "
          + "approval timeout and the steps): ask for fewer or shorter polls");
    }
    String requestId = optionalText(root, "requestId");
    if (requestId != null && !REQUEST_ID.matcher(requestId).matches()) {
      throw new BadInput("requestId must be 1-40 letters, digits, '-' or '_'");
    }
    String reasonText = optionalText(root, "reason");
    ManualTarget target = scenario.rules().manual(scenario.context(), new ManualRequest(runbook, resource, fields));
    Instant restoreTo = target.restoreTime() == null ? null : EventTimes.parse(target.restoreTime());
    if (restoreTo != null && restoreTo.isAfter(Instant.now(clock))) {
      throw new BadInput("restoreTime " + restoreTo + " is in the future (now " + Instant.now(clock) + "): there is "
          + "nothing to restore yet; use \"latest\" for the latest restorable time");
    }
    String kind = drill ? "drill" : "manual";
    // without requestId, each invoke is its own request: the same payload sent again is not a duplicate
    String identity = requestId != null ? requestId
        : "invocation-" + (invocationId != null ? invocationId : UUID.randomUUID().toString());
    String dedup = kind + ":" + runbook + ":" + identity;
    String now = Instant.now(clock).toString();
    Trigger trigger = new Trigger(kind, "manual", requestId == null ? kind : requestId, now,
        (drill ? "drill" : "manual invoke") + (reasonText == null ? "" : ": " + truncate(reasonText, 300)),
        target.detail());
    String option = target.option();
    Options options = new Options(option, target.snapshotId() == null ? "latest" : target.snapshotId(),
        target.restoreTime(), dryRun, pollSeconds, maxPolls);
    return Classification.start(runbook, target.resource(), dedup, (drill ? "drill of " : "manual invoke of ")
        + runbook + " on " + target.resource() + (option == null ? "" : " option " + option)
        + (dryRun ? " (dry-run)" : ""), trigger, options);
  }

  /** The ids of the recoveries (test false) or of the Testing Schedule's tests (test true). */
  private List<String> ids(boolean test) {
    return scenarios.stream().map(EventClassifier.Bound::scenario).filter(s -> s.test() == test).map(Scenario::id)
        .toList();
  }

  /** A resource or option given as an ARN must be this stack's account and region: any scenario, any field. */
  private void foreignArns(String resource, Map<String, String> fields) {
    Map<String, String> all = new LinkedHashMap<>();
    if (resource != null) {
      all.put("resource", resource);
    }
    all.putAll(fields);
    all.forEach((field, value) -> {
      String problem = origin.foreignArn(value, field);
      if (problem != null) {
        throw new BadInput(problem + ": a manual invoke acts on this environment's own resources only");
      }
    });
  }
}
