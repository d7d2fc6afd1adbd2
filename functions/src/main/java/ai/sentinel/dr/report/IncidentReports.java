package ai.sentinel.dr.report;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.errors.ErrorCauses;
import ai.sentinel.dr.database.DatabaseState;
import ai.sentinel.dr.database.DatabaseState.Diagnosis;
import ai.sentinel.dr.database.DatabaseState.Restore;
import ai.sentinel.dr.ecs.EcsState;
import ai.sentinel.dr.redis.CacheState;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.report.IncidentReport.ActionItem;
import ai.sentinel.dr.report.IncidentReport.Metrics;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.IncidentReport.Verdict;
import ai.sentinel.dr.report.IncidentReport.VerificationResult;
import ai.sentinel.dr.report.Objectives.Objective;
import ai.sentinel.dr.trigger.Scenarios;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the post-incident report of one recovery from its document and the execution's times. Works on whatever the
 * document holds when it is called: a dry-run, a recovery that failed before Diagnose, a document without a trigger
 * time. Unknown values stay unknown (null, "n/a" or the template's placeholder); this class never throws on a partial
 * document.
 *
 * <p>Severity rule, first match wins:
 * <ol>
 *   <li>P4: a drill (dry-run, or a trigger of kind "drill"): no production incident;</li>
 *   <li>P1: the automatic recovery FAILED: the outage lasts until a human recovers it;</li>
 *   <li>database-failure: P1 for a complete loss (Option B or C, or the instance not found, or not yet diagnosed:
 *       treated as lost until shown otherwise); P2 for a single-AZ failure (Option A, failover, nothing lost);</li>
 *   <li>region-failure, data-corruption, security-incident: P1; ecs-service-failure: P2; redis-failure: P3 (cache
 *       and queues degraded, data intact); an unknown scenario: P3 until the review sets it.</li>
 * </ol>
 */
public final class IncidentReports {
  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";
  public static final String DRY_RUN = "DRY_RUN";
  public static final String RUNNING = "RUNNING";

  /** The template's placeholders, kept where the document cannot tell. */
  public static final String CUSTOMER_IMPACT_PLACEHOLDER = "[X users / X% requests]";
  public static final String LESSON_PLACEHOLDER = "[Lesson]";
  public static final String ACTION_PLACEHOLDER = "[Action]";
  public static final String OWNER_PLACEHOLDER = "[Name]";
  public static final String DATE_PLACEHOLDER = "[Date]";
  public static final String ROOT_CAUSE_PLACEHOLDER = "[Description of root cause]";

  /** Runbook: "After every incident, complete within 48 hours". */
  public static final Duration REVIEW_WITHIN = Duration.ofHours(48);

  /** Timeline events that are steps taken, for the Resolution section. */
  private static final Set<String> RESOLUTION_EVENTS = Set.of("decided", "approved", "requested", "restoring",
      "repointed", "restarted", "done", "verified", "rolled-back", "scaled", "created", "adopted", "cleaned-up");

  /** The steps whose "verified" entry marks the end of the RTO (Scenario 3 verifies target health). */
  private static final Set<String> VERIFY_STEPS = Set.of("Verify", "VerifyTargets", "VerifyScratchInstance");

  /** Runbook Scenario 2 "Notes": what a Redis recovery loses by design. */
  static final String REDIS_DATA_LOSS = "Redis data is not carried over beyond the snapshot (cache only, accepted "
      + "by the runbook): sessions require re-login and rate-limit counters reset.";

  private static final Map<String, String> SCENARIO_NAMES = Map.of(
      Scenarios.DATABASE_FAILURE, "Database failure",
      Scenarios.REDIS_FAILURE, "Redis failure",
      Scenarios.ECS_SERVICE_FAILURE, "ECS service failure",
      Scenarios.REGION_FAILURE, "Region failure",
      Scenarios.DATA_CORRUPTION, "Data corruption",
      Scenarios.SECURITY_INCIDENT, "Security incident",
      Scenarios.DATABASE_RESTORE_TEST, "Database snapshot restore test");

  private static final Map<String, String> OPTION_NAMES = Map.of(
      "A", "Multi-AZ failover",
      "B", "restore from snapshot",
      "C", "point-in-time recovery");

  private IncidentReports() {}

  /**
   * The report of one recovery.
   *
   * @param recovery       the recovery document as the state machine carries it (may be partial)
   * @param executionArn   Step Functions execution ARN (may be null)
   * @param executionStart when the execution started: the end of "time to detection" (may be null)
   * @param end            when the recovery ended, or now while it runs (may be null)
   * @param status         SUCCEEDED, FAILED, DRY_RUN or RUNNING (TIMED_OUT and ABORTED count as FAILED); the document
   *                       wins where they disagree: an error makes it FAILED, a dry-run DRY_RUN
   */
  public static IncidentReport from(Recovery recovery, String executionArn, Instant executionStart, Instant end,
      String status) {
    Facts f = new Facts(recovery == null ? empty() : recovery, executionArn, executionStart, end, status);
    Rpo rpo = rpo(f);
    Long rto = f.dryRun ? null : ReportTimes.between(f.triggerTime, f.verifiedAt);
    ObjectiveResult rtoResult = rtoResult(f, rto);
    ObjectiveResult rpoResult = rpoResult(f, rpo);
    Metrics metrics = new Metrics(
        ReportTimes.between(f.triggerTime, f.start),
        SUCCEEDED.equals(f.status) ? ReportTimes.between(f.triggerTime, f.end) : null,
        rto,
        rpo.seconds(),
        rpo.basis(),
        recovered(f),
        f.dryRun ? "None (dry-run: nothing was changed)" : CUSTOMER_IMPACT_PLACEHOLDER);
    Instant from = f.triggerTime != null ? f.triggerTime : f.start;
    Long duration = ReportTimes.between(from, f.end);
    Severity severity = severity(f);
    return new IncidentReport(
        title(f),
        f.status,
        f.drill,
        f.dryRun,
        f.r.scenario(),
        f.r.resource(),
        f.r.environment(),
        f.executionName,
        executionArn,
        f.option,
        ReportTimes.date(from != null ? from : f.end),
        ReportTimes.iso(f.triggerTime),
        ReportTimes.iso(f.start),
        ReportTimes.iso(f.end),
        ReportTimes.iso(f.verifiedAt),
        duration,
        durationText(f, from, duration),
        severity.level(),
        severity.reason(),
        impact(f, rpo),
        timeline(f),
        rootCause(f),
        resolution(f),
        lessons(f, rtoResult, rpoResult),
        actionItems(f, rtoResult, rpoResult),
        metrics,
        List.of(rtoResult, rpoResult),
        verification(f));
  }

  /** What the document and the arguments say, read once, every field null-safe. */
  private static final class Facts {
    final Recovery r;
    final String status;
    final boolean dryRun;
    final boolean drill;
    final String option;
    final String executionName;
    final Instant triggerTime;
    final Instant start;
    final Instant end;
    final Instant verifiedAt;
    final Optional<Objective> objective;
    final String errorType;
    final String cause;
    final DatabaseState db;
    final CacheState cache;
    final EcsState ecs;

    Facts(Recovery r, String executionArn, Instant start, Instant end, String status) {
      this.r = r;
      this.status = status(status, r);
      this.dryRun = r.dryRun() || DRY_RUN.equals(this.status) || DRY_RUN.equals(normal(status));
      Trigger t = r.trigger();
      this.drill = dryRun || (t != null && "drill".equalsIgnoreCase(t.kind()));
      this.db = r.part(DatabaseState.PART);
      this.cache = r.part(CacheState.PART);
      this.ecs = r.part(EcsState.PART);
      this.option = option(r);
      this.executionName = r.executionName() != null ? r.executionName() : nameFromArn(executionArn);
      this.triggerTime = t == null ? null : ReportTimes.parse(t.time());
      this.start = start;
      this.end = end;
      this.verifiedAt = r.timeline().stream()
          .filter(e -> e != null && e.step() != null && VERIFY_STEPS.contains(e.step())
              && "verified".equals(e.event()))
          .reduce((a, b) -> b).map(e -> ReportTimes.parse(e.at())).orElse(null);
      this.objective = Objectives.forRecovery(r.scenario(), option);
      this.errorType = errorType(r.error());
      this.cause = cause(r.error());
    }

    boolean failed() {
      return FAILED.equals(status);
    }

    boolean database() {
      return Scenarios.DATABASE_FAILURE.equals(r.scenario()) || restoreTest();
    }

    boolean restoreTest() {
      return Scenarios.DATABASE_RESTORE_TEST.equals(r.scenario());
    }

    boolean redis() {
      return Scenarios.REDIS_FAILURE.equals(r.scenario());
    }

    boolean ecsService() {
      return Scenarios.ECS_SERVICE_FAILURE.equals(r.scenario());
    }

    /** What Diagnose found, whichever scenario ran, or null. */
    String finding() {
      if (db != null && db.diagnosis() != null) {
        return db.diagnosis().rootCause();
      }
      if (cache != null && cache.diagnosis() != null) {
        return cache.diagnosis().finding();
      }
      if (ecs != null && ecs.diagnosis() != null) {
        return ecs.diagnosis().finding();
      }
      return null;
    }

    /** The snapshot a restore used (Scenario 1 Option B, Scenario 2): the RPO is its age. */
    boolean fromSnapshot() {
      return "B".equals(option) || redis();
    }

    Diagnosis diagnosis() {
      return db == null ? null : db.diagnosis();
    }

    Restore restore() {
      return db == null ? null : db.restore();
    }
  }

  private static Recovery empty() {
    return Recovery.start(null, null, null, null, null, null);
  }

  private static String normal(String status) {
    return status == null ? "" : status.trim().toUpperCase(Locale.ROOT);
  }

  private static String status(String given, Recovery r) {
    String s = normal(given);
    if ((r.error() != null && !r.error().isNull()) || Set.of(FAILED, "TIMED_OUT", "ABORTED").contains(s)) {
      return FAILED;
    }
    if (r.dryRun() || DRY_RUN.equals(s)) {
      return DRY_RUN;
    }
    if (SUCCEEDED.equals(s) || RUNNING.equals(s)) {
      return s;
    }
    // no status given: what the document shows
    return r.verification() != null && r.verification().verified() ? SUCCEEDED : RUNNING;
  }

  private static String option(Recovery r) {
    DatabaseState db = r.part(DatabaseState.PART);
    String chosen = db != null && db.decision() != null ? db.decision().option() : null;
    if (chosen == null) {
      Options o = r.options();
      chosen = o == null ? null : o.option();
    }
    return chosen != null && OPTION_NAMES.containsKey(chosen) ? chosen : null;
  }

  private static String nameFromArn(String arn) {
    if (arn == null || arn.isBlank()) {
      return null;
    }
    return arn.substring(arn.lastIndexOf(':') + 1);
  }

  private static String errorType(JsonNode error) {
    if (error == null || error.isNull() || error.isMissingNode()) {
      return null;
    }
    return ErrorCauses.simpleName(error.path("Error").asText(""));
  }

  static String cause(JsonNode error) {
    return ErrorCauses.describe(error);
  }

  private static Boolean recovered(Facts f) {
    if (f.failed()) {
      return false;
    }
    if (SUCCEEDED.equals(f.status)) {
      return f.r.verification() != null && f.r.verification().verified();
    }
    return null;
  }

  // ---------------------------------------------------------------- title, severity, impact

  private static String title(Facts f) {
    String scenario = f.r.scenario() == null ? "Unknown scenario"
        : SCENARIO_NAMES.getOrDefault(f.r.scenario(), f.r.scenario());
    StringBuilder b = new StringBuilder();
    if (f.dryRun) {
      b.append("[DRILL, DRY-RUN] ");
    } else if (f.drill) {
      b.append("[DRILL] ");
    }
    b.append(scenario).append(" on ").append(f.r.resource() == null ? "unknown resource" : f.r.resource());
    if (f.restoreTest()) {
      b.append(" (scratch instance)");
    } else if (f.option != null) {
      b.append(" (Option ").append(f.option).append(": ").append(OPTION_NAMES.get(f.option)).append(')');
    } else if (f.ecs != null && f.ecs.rollback() != null) {
      b.append(" (rolled back to ").append(revision(f.ecs.rollback().to())).append(')');
    }
    if (f.failed()) {
      b.append(" - automatic recovery FAILED");
    } else if (RUNNING.equals(f.status)) {
      b.append(" - in progress");
    }
    return oneLine(b.toString());
  }

  private record Severity(String level, String reason) {}

  private static Severity severity(Facts f) {
    if (f.drill) {
      return new Severity("P4", f.dryRun ? "drill (dry-run): nothing was changed"
          : "drill: a planned exercise, not a production incident");
    }
    if (f.failed()) {
      return new Severity("P1", "automatic recovery failed: the outage lasts until a human recovers it");
    }
    String scenario = f.r.scenario() == null ? "" : f.r.scenario();
    return switch (scenario) {
      case Scenarios.DATABASE_FAILURE -> {
        if ("A".equals(f.option)) {
          yield new Severity("P2", "single-AZ database failure: Multi-AZ failover, no data lost");
        }
        if (f.option != null) {
          yield new Severity("P1", "complete database loss: Option " + f.option + " (" + OPTION_NAMES.get(f.option)
              + ")");
        }
        Diagnosis d = f.diagnosis();
        yield d != null && !d.instanceFound()
            ? new Severity("P1", "complete database loss: the instance was not found")
            : new Severity("P1", "database failure not yet diagnosed: treated as a complete loss until shown "
                + "otherwise");
      }
      case Scenarios.REGION_FAILURE -> new Severity("P1", "region failure: the platform is down in its region");
      case Scenarios.DATA_CORRUPTION -> new Severity("P1", "data corruption: data integrity at risk");
      case Scenarios.SECURITY_INCIDENT -> new Severity("P1", "security incident");
      case Scenarios.ECS_SERVICE_FAILURE -> new Severity("P2", "service outage: API or workers down, data intact");
      case Scenarios.REDIS_FAILURE -> new Severity("P3", "cache and queues degraded, data intact");
      default -> new Severity("P3", "scenario not classified: the review sets the severity");
    };
  }

  private static String impact(Facts f, Rpo rpo) {
    if (f.dryRun) {
      long planned = f.r.plan().size();
      return "None: dry-run drill, nothing was changed (" + planned + " call(s) planned, none sent).";
    }
    StringBuilder b = new StringBuilder(f.drill ? "Drill (failure injected on purpose): " : "");
    String resource = f.r.resource() == null ? "the resource" : f.r.resource();
    if (f.restoreTest()) {
      Restore restore = f.restore();
      return oneLine("None on production: the latest snapshot of " + resource + " was restored into the scratch "
          + "instance " + (restore == null ? "(not created)" : restore.targetInstanceId())
          + " to measure a complete-loss restore; production, its secret and its services were not touched.");
    }
    if (f.database()) {
      Diagnosis d = f.diagnosis();
      if (d == null) {
        b.append("Database ").append(resource).append(" failed (not diagnosed)");
      } else if (!d.instanceFound()) {
        b.append("Database ").append(resource).append(" was lost (DBInstanceNotFound)");
      } else {
        b.append("Database ").append(resource).append(" was '").append(d.status()).append("'")
            .append(d.availabilityZone() == null ? "" : " in " + d.availabilityZone())
            .append(d.multiAz() ? " (Multi-AZ)" : " (single-AZ)");
      }
      List<String> services = f.r.services() == null || f.r.services().names() == null ? List.of()
          : f.r.services().names();
      b.append(services.isEmpty() ? "; the services using it were affected"
          : "; the services using it (" + String.join(", ", services) + ") were affected");
    } else if (f.redis()) {
      CacheState.Diagnosis d = f.cache == null ? null : f.cache.diagnosis();
      b.append("Redis cluster ").append(resource).append(d == null ? " failed (not diagnosed)"
          : !d.found() ? " was lost (CacheClusterNotFound)" : " was '" + d.status() + "'");
      b.append("; API sessions, rate limiting and Celery queues were degraded");
    } else if (f.ecsService()) {
      EcsState.Diagnosis d = f.ecs == null ? null : f.ecs.diagnosis();
      b.append("ECS service ").append(resource);
      if (d == null) {
        b.append(" failed (not diagnosed)");
      } else {
        b.append(" had ").append(d.runningCount()).append('/').append(d.desiredCount()).append(" tasks running");
        int stopped = d.stoppedTasks() == null ? 0 : d.stoppedTasks().size();
        if (stopped > 0) {
          b.append(", ").append(stopped).append(" stopped (")
              .append(oneLine(d.stoppedTasks().get(0).stoppedReason())).append(')');
        }
      }
    } else {
      String scenario = f.r.scenario() == null ? "Unknown scenario"
          : SCENARIO_NAMES.getOrDefault(f.r.scenario(), f.r.scenario());
      b.append(scenario).append(" affecting ").append(resource);
    }
    if (f.triggerTime != null) {
      b.append(" from ").append(ReportTimes.hhmm(f.triggerTime)).append(" UTC");
    }
    if (SUCCEEDED.equals(f.status) && f.verifiedAt != null) {
      b.append(" until the recovery was verified at ").append(ReportTimes.hhmm(f.verifiedAt)).append(" UTC");
    } else if (f.failed()) {
      b.append("; not recovered automatically (the recovery failed")
          .append(f.end == null ? "" : " at " + ReportTimes.hhmm(f.end) + " UTC").append(')');
    } else if (RUNNING.equals(f.status)) {
      b.append("; recovery in progress");
    }
    b.append('.');
    if (f.redis()) {
      b.append(' ').append(REDIS_DATA_LOSS);
    } else if (rpo.seconds() != null) {
      b.append(rpo.seconds() == 0 ? " No data loss expected (" + rpo.basis() + ")."
          : " Writes made in the " + ReportTimes.human(rpo.seconds()) + " before the failure may be lost ("
              + rpo.basis() + ").");
    }
    return oneLine(b.toString());
  }

  private static String durationText(Facts f, Instant from, Long seconds) {
    if (seconds == null) {
      return from == null ? "unknown (no trigger or start time)" : RUNNING.equals(f.status) ? "ongoing" : "unknown";
    }
    String text = ReportTimes.human(seconds) + (RUNNING.equals(f.status) ? " so far" : "") + " ("
        + ReportTimes.hhmm(from) + " to " + ReportTimes.hhmm(f.end) + " UTC)";
    return f.triggerTime == null ? text + ", from the execution start: trigger time unknown" : text;
  }

  // ---------------------------------------------------------------- objectives

  /** The recovery point as a distance before the failure, and what it was. */
  private record Rpo(Long seconds, String basis) {}

  private static Rpo rpo(Facts f) {
    String planned = f.dryRun ? "planned: " : SUCCEEDED.equals(f.status) ? "" : "intended, not reached: ";
    if (f.ecsService()) {
      return new Rpo(0L, "stateless service: its tasks hold no data");
    }
    if (f.redis()) {
      CacheState.SnapshotChoice snapshot = f.cache == null ? null : f.cache.snapshot();
      if (snapshot == null) {
        return new Rpo(null, "no snapshot chosen");
      }
      Instant point = ReportTimes.parse(snapshot.createdAt());
      return recoveryPoint(f, point, planned + "snapshot " + snapshot.name()
          + (point == null ? ", creation time unknown" : " taken " + point));
    }
    if (!f.database() || f.option == null) {
      return new Rpo(null, null);
    }
    if ("A".equals(f.option)) {
      return new Rpo(0L, planned + "Multi-AZ failover: the synchronous standby took over");
    }
    Restore restore = f.restore();
    if (restore == null) {
      return new Rpo(null, "nothing was restored");
    }
    String basis;
    Instant point;
    if ("B".equals(f.option)) {
      point = ReportTimes.parse(restore.snapshotTime());
      basis = "snapshot " + restore.sourceSnapshotId() + (point == null ? ", creation time unknown"
          : " taken " + point);
    } else {
      point = ReportTimes.parse(restore.restoreTime());
      basis = point == null ? "point in time '" + restore.restoreTime() + "' not resolved to a time"
          : "point in time " + point;
    }
    return recoveryPoint(f, point, planned + basis);
  }

  /** The RPO of restoring to {@code point}: its distance before the trigger, described by {@code basis}. */
  private static Rpo recoveryPoint(Facts f, Instant point, String basis) {
    if (point == null || f.triggerTime == null) {
      return new Rpo(null, basis + (f.triggerTime == null ? "; trigger time unknown" : ""));
    }
    // a recovery point after the failure began loses nothing before it
    return new Rpo(Math.max(0, Duration.between(point, f.triggerTime).getSeconds()), basis);
  }

  private static ObjectiveResult rtoResult(Facts f, Long rto) {
    if (f.objective.isEmpty()) {
      return new ObjectiveResult("RTO", null, noObjective(f), null, rto,
          rto == null ? notMeasured(f) : ReportTimes.human(rto), Verdict.NOT_APPLICABLE);
    }
    Objective o = f.objective.get();
    long target = o.rto().getSeconds();
    if (rto != null) {
      return new ObjectiveResult("RTO", o.name(), o.rtoText(), target, rto,
          ReportTimes.human(rto) + " (trigger to verified)", rto <= target ? Verdict.PASS : Verdict.FAIL);
    }
    Long elapsed = ReportTimes.between(f.triggerTime, f.end);
    if (!f.dryRun && (f.failed() || RUNNING.equals(f.status)) && elapsed != null && elapsed > target) {
      // not recovered yet and already past the objective: missed whatever happens next
      return new ObjectiveResult("RTO", o.name(), o.rtoText(), target, null,
          "not recovered " + ReportTimes.human(elapsed) + " after the trigger", Verdict.FAIL);
    }
    return new ObjectiveResult("RTO", o.name(), o.rtoText(), target, null, notMeasured(f), Verdict.NOT_APPLICABLE);
  }

  private static ObjectiveResult rpoResult(Facts f, Rpo rpo) {
    String measured = rpo.seconds() == null ? (rpo.basis() == null ? "not measured" : "not measured: " + rpo.basis())
        : ReportTimes.human(rpo.seconds()) + " (" + rpo.basis() + ")";
    if (f.objective.isEmpty()) {
      return new ObjectiveResult("RPO", null, noObjective(f), null, rpo.seconds(), measured, Verdict.NOT_APPLICABLE);
    }
    Objective o = f.objective.get();
    if (o.rpo() == null) {
      return new ObjectiveResult("RPO", o.name(), o.rpoText(), null, rpo.seconds(), measured,
          Verdict.NOT_APPLICABLE);
    }
    long target = o.rpo().getSeconds();
    Verdict verdict = rpo.seconds() == null ? Verdict.NOT_APPLICABLE
        : rpo.seconds() <= target ? Verdict.PASS : Verdict.FAIL;
    return new ObjectiveResult("RPO", o.name(), o.rpoText(), target, rpo.seconds(), measured, verdict);
  }

  private static String noObjective(Facts f) {
    if (f.database()) {
      return "undetermined (no runbook option chosen)";
    }
    return "none in the runbook";
  }

  private static String notMeasured(Facts f) {
    if (f.dryRun) {
      return "not measured: dry-run, nothing was recovered";
    }
    if (f.failed()) {
      return "not measured: the recovery failed before it was verified";
    }
    if (RUNNING.equals(f.status)) {
      return "not measured yet: recovery in progress";
    }
    if (f.triggerTime == null) {
      return "not measured: trigger time unknown";
    }
    return "not measured: no Verify 'verified' entry in the timeline";
  }

  // ---------------------------------------------------------------- timeline, root cause, resolution

  private static List<String> timeline(Facts f) {
    List<String> lines = new ArrayList<>();
    Trigger t = f.r.trigger();
    if (t != null) {
      lines.add(line(f.triggerTime, "Trigger: " + t.kind() + " via " + t.source() + " (" + t.id() + "): "
          + t.summary()));
    }
    if (f.start != null) {
      lines.add(line(f.start, "Execution started: " + (f.executionName == null ? "?" : f.executionName)
          + (f.dryRun ? " (dry-run)" : "")));
    }
    boolean approvalLogged = false;
    for (TimelineEntry e : f.r.timeline()) {
      if (e == null) {
        continue;
      }
      approvalLogged |= "approved".equals(e.event());
      lines.add(line(ReportTimes.parse(e.at()), entryText(e)));
    }
    JsonNode approval = f.r.approval();
    if (approval != null && approval.isObject() && !approvalLogged) {
      // the gate's answer reaches the timeline at the next step; a report made right after the gate shows it here
      lines.add(line(ReportTimes.parse(approval.path("at").asText(null)), "Approval "
          + approval.path("decision").asText("approved") + " by " + approval.path("by").asText("unknown")
          + (approval.hasNonNull("reason") ? ": " + approval.get("reason").asText() : "")));
    }
    if (f.end != null && !RUNNING.equals(f.status)) {
      lines.add(line(f.end, "Execution ended: " + f.status + (f.cause == null ? "" : " (" + f.cause + ")")));
    }
    return lines;
  }

  /** "Step event: detail", leaving out what the entry lacks. */
  private static String entryText(TimelineEntry e) {
    String head = ((e.step() == null ? "" : e.step()) + " " + (e.event() == null ? "" : e.event())).trim();
    String detail = e.detail() == null ? "" : e.detail();
    return head.isEmpty() ? (detail.isEmpty() ? "(empty entry)" : detail)
        : detail.isEmpty() ? head : head + ": " + detail;
  }

  private static String line(Instant at, String text) {
    return ReportTimes.hhmm(at) + " - " + oneLine(text);
  }

  private static String rootCause(Facts f) {
    List<String> parts = new ArrayList<>();
    String finding = f.finding();
    if (finding != null && !finding.isBlank()) {
      parts.add("Observed: " + oneLine(finding) + ".");
    } else if (f.database() || f.redis() || f.ecsService()) {
      parts.add(RUNNING.equals(f.status) ? "Observed: not diagnosed yet."
          : "Observed: not diagnosed (the recovery stopped before Diagnose ran).");
    }
    Trigger t = f.r.trigger();
    if (t != null) {
      parts.add("Signal: " + oneLine(t.kind() + " via " + t.source() + " (" + t.id() + ")"
          + (t.time() == null ? "" : " at " + t.time()) + ": " + t.summary()) + ".");
    }
    if (f.db != null && f.db.decision() != null) {
      parts.add("Decision: Option " + f.db.decision().option() + ": " + oneLine(f.db.decision().reason()) + ".");
    }
    if (f.ecs != null && f.ecs.rollback() != null) {
      parts.add("Decision: rolled back from " + revision(f.ecs.rollback().from()) + " to "
          + revision(f.ecs.rollback().to()) + ": " + oneLine(f.ecs.rollback().reason()) + ".");
    }
    if (f.ecs != null && f.ecs.scale() != null && f.ecs.scale().reason() != null) {
      parts.add("Scale: " + oneLine(f.ecs.scale().reason()) + ".");
    }
    if (f.cause != null) {
      parts.add("Recovery stopped: " + f.cause + ".");
    }
    if (f.dryRun) {
      parts.add("Underlying cause: none (dry-run drill, no failure).");
    } else if (f.restoreTest()) {
      parts.add("Underlying cause: none (scheduled test of the snapshot restore, runbook Testing Schedule).");
    } else if (f.drill) {
      parts.add("Underlying cause: failure injected by the drill.");
    } else {
      parts.add("Underlying cause: " + ROOT_CAUSE_PLACEHOLDER);
    }
    return String.join("\n", parts);
  }

  private static List<String> resolution(Facts f) {
    List<String> steps = new ArrayList<>();
    for (TimelineEntry e : f.r.timeline()) {
      if (e == null || e.event() == null) {
        continue;
      }
      boolean taken = RESOLUTION_EVENTS.contains(e.event());
      boolean planned = f.dryRun && (e.event().startsWith("would-") || "planned".equals(e.event()));
      if ((taken && !f.dryRun) || planned || (f.dryRun && "decided".equals(e.event()))) {
        steps.add(oneLine(ReportTimes.hhmm(ReportTimes.parse(e.at())) + " " + entryText(e)));
      }
    }
    if (f.dryRun) {
      steps.add("Nothing was changed (dry-run): " + f.r.plan().size() + " call(s) recorded in the plan, none sent.");
    }
    if (f.failed()) {
      steps.add("Automatic recovery stopped (" + f.cause + "); the on-call was notified to finish it by hand.");
    }
    if (steps.isEmpty()) {
      steps.add(RUNNING.equals(f.status) ? "No recovery step completed yet." : "No recovery step completed.");
    }
    return steps;
  }

  // ---------------------------------------------------------------- lessons, action items, verification

  private static boolean timedOut(Facts f) {
    return f.errorType != null && (f.errorType.contains("Timeout") || f.errorType.contains("TimedOut"));
  }

  private static List<String> lessons(Facts f, ObjectiveResult rto, ObjectiveResult rpo) {
    List<String> lessons = new ArrayList<>();
    if (rto.verdict() == Verdict.FAIL) {
      lessons.add(rto.measuredSeconds() != null
          ? "Recovery took " + ReportTimes.human(rto.measuredSeconds()) + " from trigger to verified, beyond the "
              + rto.target() + " RTO of " + rto.objectiveName() + "."
          : "The " + rto.target() + " RTO of " + rto.objectiveName() + " was missed: " + rto.measured() + ".");
    }
    if (rpo.verdict() == Verdict.FAIL) {
      String point = !f.fromSnapshot() ? "The recovery point was "
          : f.dryRun ? "The snapshot the dry-run chose was "
          : SUCCEEDED.equals(f.status) ? "The snapshot restored was " : "The snapshot being restored was ";
      lessons.add(point + ReportTimes.human(rpo.measuredSeconds()) + " older than the failure, beyond the "
          + rpo.target() + " RPO of " + rpo.objectiveName() + ".");
    }
    if (f.failed()) {
      lessons.add("Automatic recovery failed: " + f.cause + ".");
      if ("Rejected".equals(f.errorType)) {
        lessons.add("The approval gate was rejected, so nothing more was changed.");
      } else if (timedOut(f)) {
        Options o = f.r.options();
        lessons.add("A wait or an approval timed out" + (o == null || o.pollSeconds() <= 0 ? ""
            : " (wait budget: " + o.maxPolls() + " polls x " + o.pollSeconds() + " s = "
                + ReportTimes.human((long) o.maxPolls() * o.pollSeconds()) + ")")
            + ": check the budget against how long the step really takes.");
      }
    }
    for (VerificationResult v : skippedChecks(f)) {
      lessons.add("Verification check " + v.check() + " did not run (" + v.detail()
          + "): success was declared without it.");
    }
    if (lessons.isEmpty()) {
      return List.of(LESSON_PLACEHOLDER, LESSON_PLACEHOLDER);
    }
    return lessons;
  }

  private static List<ActionItem> actionItems(Facts f, ObjectiveResult rto, ObjectiveResult rpo) {
    List<ActionItem> items = new ArrayList<>();
    Instant base = f.end != null ? f.end : f.start != null ? f.start : f.triggerTime;
    String due = base == null ? DATE_PLACEHOLDER : ReportTimes.dateTime(base.plus(REVIEW_WITHIN));
    items.add(new ActionItem((f.drill ? "Review this drill" : "Complete this post-incident review")
        + " and replace the remaining placeholders", OWNER_PLACEHOLDER, due));
    if (f.failed()) {
      items.add(action("Investigate " + f.cause));
      if (!f.drill) {
        items.add(action("Confirm " + (f.r.resource() == null ? "the resource" : f.r.resource())
            + " was recovered by hand and verified (runbook Verification)"));
      }
    }
    if (rto.verdict() == Verdict.FAIL) {
      items.add(action("Bring " + rto.objectiveName() + " recovery within its " + rto.target() + " RTO (measured: "
          + rto.measured() + ")"));
    }
    if (rpo.verdict() == Verdict.FAIL) {
      items.add(action(f.redis()
          ? "Snapshot " + f.r.resource() + " at least every " + rpo.target() + " to meet the RPO (snapshot was "
              + ReportTimes.human(rpo.measuredSeconds()) + " old)"
          : "B".equals(f.option)
          ? "Snapshot " + f.r.resource() + " at least every " + rpo.target()
              + " or prefer point-in-time recovery (Option C) to meet the RPO (snapshot was "
              + ReportTimes.human(rpo.measuredSeconds()) + " old)"
          : "Meet the " + rpo.target() + " RPO of " + rpo.objectiveName() + " (recovery point was "
              + ReportTimes.human(rpo.measuredSeconds()) + " old)"));
    }
    for (VerificationResult v : skippedChecks(f)) {
      items.add(action("Enable verification check " + v.check() + " (" + v.detail() + ")"));
    }
    if (f.drill) {
      items.add(action("Record the drill in the runbook's Testing Schedule and report the results (Test Procedure "
          + "steps 5-7)"));
    }
    if (items.size() < 2) {
      items.add(action(ACTION_PLACEHOLDER));
    }
    return items;
  }

  private static ActionItem action(String text) {
    return new ActionItem(oneLine(text), OWNER_PLACEHOLDER, DATE_PLACEHOLDER);
  }

  private static List<VerificationResult> skippedChecks(Facts f) {
    if (f.dryRun || f.r.verification() == null || f.r.verification().checks() == null) {
      return List.of();
    }
    return f.r.verification().checks().stream()
        .filter(c -> c != null && c.result() == Verification.Result.SKIP)
        .map(c -> new VerificationResult(c.name(), c.result().name(), oneLine(c.detail())))
        .toList();
  }

  private static List<VerificationResult> verification(Facts f) {
    Verification v = f.r.verification();
    if (v != null && v.checks() != null && !v.checks().isEmpty()) {
      return v.checks().stream().filter(c -> c != null)
          .map(c -> new VerificationResult(c.name(), c.result() == null ? "UNKNOWN" : c.result().name(),
              oneLine(c.detail())))
          .toList();
    }
    String why = f.dryRun ? "dry-run: nothing was changed, nothing to verify"
        : f.failed() ? "the recovery failed before verification passed"
        : RUNNING.equals(f.status) ? "not reached yet" : "no checks recorded";
    return List.of(new VerificationResult("verification", "NOT_RUN", why));
  }

  /** "sentinel-api:7" from a task definition ARN, the value itself otherwise. */
  static String revision(String taskDefinition) {
    if (taskDefinition == null) {
      return "?";
    }
    int slash = taskDefinition.lastIndexOf('/');
    return slash >= 0 ? taskDefinition.substring(slash + 1) : taskDefinition;
  }

  /** Report lines are single lines: a newline in a detail must not break the Markdown structure. */
  static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("[\\r\\n]+", " ").trim();
  }
}
