package ai.sentinel.dr.recovery;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.errors.ErrorCauses;
import ai.sentinel.dr.oncall.Alert;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.oncall.Severity;
import ai.sentinel.dr.report.IncidentReports;
import ai.sentinel.dr.safety.Claim;
import ai.sentinel.dr.safety.LockedResource;
import ai.sentinel.dr.safety.RecoveryLocks;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Last step of every recovery: tells the on-call what happened, with the timeline. On the success path it resolves
 * the recovery (verified) or informs them of the plan (dry-run); reached from a Catch, or without a passed
 * verification, it pages: a human is needed. On the no-action path (NotifyNoAction: Diagnose found the resource
 * healthy, or could not tell) it informs (HEALTHY) or pages (INCONCLUSIVE) with the evidence, and gives back the
 * attempt counted at start. The state machine then ends Succeeded or Failed accordingly; this step
 * never decides that.
 */
// the locks to release are the scenario's claim, read from its settings sections (the services from ecs)
@UsesSettings(all = true)
public final class Notify extends Step {
  private final OnCall onCall;
  private final RecoveryLocks locks;

  public Notify() {
    this(Deps.fromProcessEnv());
  }

  public Notify(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public Notify(Deps deps) {
    this(deps, OnCall.of(deps));
  }

  public Notify(Deps deps, OnCall onCall) {
    super(deps);
    this.onCall = onCall;
    this.locks = deps.config().lockTable() == null ? null : new RecoveryLocks(deps.clients().dynamoDb(),
        deps.config().lockTable(), deps.clock(), Duration.ofSeconds(deps.config().lockLeaseSeconds()));
  }

  @Override
  public String name() {
    return "Notify";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    Recovery out = recovery;
    Scenario scenario = ScenarioRegistry.find(recovery.scenario()).orElse(null);
    boolean noAction = recovery.error() == null && recovery.diagnosis() != null && recovery.diagnosis().noAction();
    if (locks != null && !recovery.dryRun() && scenario != null && noAction) {
      // nothing was changed: the attempt counted at start is given back (before the locks, so a new signal that finds
      // the resource free also finds the budget as it was)
      boolean refunded = locks.refund(recovery.scenario(), recovery.resource(), recovery.executionName());
      out = out.log(entry("refunded", refunded ? "no action taken: the attempt counted at start was given back"
          : "no action taken: no attempt was counted for this start (an operator's)"));
    }
    String held = scenario == null ? null : scenario.locksHeldAfter(recovery);
    if (locks != null && !recovery.dryRun() && held != null) {
      // what this recovery leaves only a human may end: its locks stay, without lease, so no recovery acts on it
      Claim claim = Claim.of(scenario, recovery.resource(), deps.config());
      List<LockedResource> kept = locks.hold(claim, recovery.executionName(), held);
      out = out.log(entry("locks-held", kept + " stay locked: " + held + "; a new recovery of them is refused "
          + "until a human has ended this and runs " + RecoveryLocks.RELEASE_HINT + " " + recovery.executionName()
          + " --env " + recovery.environment()));
    } else if (locks != null && !recovery.dryRun() && scenario != null) {
      // every terminal path passes here (success and Catch): the resources are free for the next recovery; only the
      // locks held under this execution's name are deleted (a refused start's holder keeps its own)
      Claim claim = Claim.of(scenario, recovery.resource(), deps.config());
      List<String> joined = locks.release(claim, recovery.executionName());
      for (String signal : joined) {
        out = out.log(entry("joined", "signal joined this recovery while it ran: " + signal));
      }
      out = out.log(entry("unlocked", claim.resources() + " released"
          + (joined.isEmpty() ? "" : " (" + joined.size() + " signal(s) joined)")));
    }
    if (locks != null && !recovery.dryRun()) {
      // Scenario 4's FenceRecoveries does not interrupt a recovery already running in the region it fails over: the
      // recovery is told at its end, in its timeline (so its message and report), that its region is being left
      java.util.Optional<String> fence = locks.regionFence(deps.config().region());
      if (fence.isPresent()) {
        out = out.log(entry("fenced", "region " + deps.config().region() + " is being failed over by "
            + fence.get() + " (Scenario 4): this recovery ran in a fenced region; what it restored there serves no "
            + "traffic once the DR region takes over"));
      }
    }
    String outcome;
    boolean human;
    if (recovery.error() != null) {
      String cause = cause(recovery.error());
      out = out.log(entry("failed", cause));
      outcome = "FAILED - human needed";
      human = true;
    } else if (noAction) {
      // the resource answered as healthy: an info message; a diagnosis that cannot tell leaves it to a human
      boolean healthy = recovery.diagnosis().verdict() == Health.Verdict.HEALTHY;
      outcome = healthy ? "NO ACTION - healthy" : "NO ACTION - diagnosis inconclusive, human needed";
      human = !healthy;
    } else if (recovery.dryRun()) {
      outcome = "DRY-RUN plan (" + recovery.plan().size() + " call(s), nothing sent)";
      human = false;
    } else if (recovery.verification() != null && recovery.verification().verified()) {
      // a Testing Schedule test recovered nothing: say what passed
      outcome = test(recovery) ? "TEST PASSED (verified)" : "RECOVERED (verified)";
      human = false;
    } else {
      outcome = "NOT VERIFIED - human needed";
      human = true;
    }
    // the incident's priority as the report gives it: a recovery that did not verify leaves the outage to a human
    // (FAILED: the runbook's P1 rule); an inconclusive diagnosis changed nothing (P2: a look, not an outage
    // response); a message that pages nobody is info
    Severity severity = !human ? Severity.INFO : RequestApproval.pageSeverity(recovery,
        noAction ? IncidentReports.NO_ACTION : IncidentReports.FAILED, deps.config());
    Alert alert = Alert.about(recovery.environment(), recovery.scenario(), recovery.resource(), outcome,
        render(out, outcome), recovery.executionName(), severity.forDrill(recovery.drill()));
    // the execution and its report, which the Report step writes right after this step on every path
    alert = PageLinks.add(alert, recovery, functionArn(), deps.config().reportBucket(), PageLinks.NEXT);
    String sent;
    String action;
    if (human) {
      sent = onCall.page(alert);
      action = "trigger";
    } else if (recovery.dryRun() || noAction) {
      sent = onCall.inform(alert);
      action = "inform";
    } else {
      sent = onCall.resolve(alert);
      action = "resolve";
    }
    // who was paged when (report: the paging line), then the outcome as the on-call read it
    out = out.log(entry(PAGING_EVENTS.get(action), action + " to " + onCall.target() + ", severity "
        + alert.severity().eventsApiName() + ", dedup key " + recovery.executionName() + " (" + outcome + "): "
        + sent));
    out = closeRepage(out, alert);
    return out.log(entry("notified", outcome + " (" + sent + ")"));
  }

  /**
   * A gate that re-paged opened a second incident ({@link RequestApproval#repageKey}); an answer resolves it
   * (AcknowledgeApproval), but a re-page that timed out too comes here unanswered: this message (a page under the
   * execution name, the first request's incident) carries the recovery on, so the re-page's incident is resolved as
   * superseded rather than left open, and the timeline says so.
   */
  private Recovery closeRepage(Recovery recovery, Alert outcome) {
    String key = RequestApproval.repageKey(recovery.executionName());
    if (!recovery.parts().containsKey(AcknowledgeApproval.REPAGED_FIELD)
        || recovery.timeline().stream().anyMatch(e -> "resolved".equals(e.event())
            && e.detail().contains("dedup key " + key + " "))) {
      return recovery;
    }
    Alert alert = Alert.about(recovery.environment(), recovery.scenario(), recovery.resource(),
        "RE-PAGE superseded: " + outcome.happened(), "Recovery " + recovery.executionName() + ": the re-paged "
            + "approval was not answered before the gate's timeout; this incident is closed and the recovery's own "
            + "incident (dedup key " + recovery.executionName() + ") carries on: " + outcome.happened() + ".", key,
        outcome.severity());
    String sent;
    try {
      sent = onCall.resolve(alert);
    } catch (RuntimeException e) {
      sent = "resolve not delivered (" + e.getClass().getSimpleName() + "): the re-page's incident stays open";
    }
    return recovery.log(entry("resolved", "resolve to " + onCall.target() + ", dedup key " + key
        + " (the re-page, unanswered: superseded by the page under " + recovery.executionName() + "): " + sent));
  }

  /** The timeline event of each on-call action (the gates' pages use the same: RequestApproval, AcknowledgeApproval). */
  public static final Map<String, String> PAGING_EVENTS = Map.of("trigger", "paged", "inform", "informed",
      "resolve", "resolved", "acknowledge", "acknowledged");

  private static boolean test(Recovery recovery) {
    return ScenarioRegistry.find(recovery.scenario()).map(Scenario::test).orElse(false);
  }

  static String cause(JsonNode error) {
    return ErrorCauses.describe(error);
  }

  private static String render(Recovery r, String outcome) {
    StringBuilder b = new StringBuilder();
    b.append("Scenario: ").append(r.scenario()).append('\n');
    b.append("Resource: ").append(r.resource()).append('\n');
    b.append("Environment: ").append(r.environment()).append('\n');
    b.append("Execution: ").append(r.executionName()).append('\n');
    if (r.trigger() != null) {
      b.append("Trigger: ").append(r.trigger().kind()).append(" via ").append(r.trigger().source()).append(" at ")
          .append(r.trigger().time()).append(": ").append(r.trigger().summary()).append('\n');
    }
    b.append("Outcome: ").append(outcome).append('\n');
    if (r.diagnosis() != null) {
      b.append("Diagnosis: ").append(r.diagnosis().verdict()).append(" - ").append(r.diagnosis().reason())
          .append('\n');
      r.diagnosis().evidence().forEach(e -> b.append("  - ").append(e).append('\n'));
    }
    b.append("\nTimeline:\n");
    for (TimelineEntry e : r.timeline()) {
      b.append("- ").append(e.at()).append(' ').append(e.step()).append(' ').append(e.event()).append(": ")
          .append(e.detail()).append('\n');
    }
    if (!r.plan().isEmpty()) {
      b.append("\nPlan (dry-run, not sent):\n");
      for (PlannedCall c : r.plan()) {
        b.append("- ").append(c.step()).append(": ").append(c.service()).append(':').append(c.api()).append(" on ")
            .append(c.target()).append(" ").append(c.request()).append('\n');
      }
    }
    if (r.verification() != null) {
      b.append("\nVerification:\n");
      r.verification().checks().forEach(c -> b.append("- ").append(c.name()).append(": ").append(c.result())
          .append(" (").append(c.detail()).append(")\n"));
    }
    return b.toString();
  }
}
