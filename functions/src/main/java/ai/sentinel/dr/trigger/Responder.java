package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.oncall.Alert;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.oncall.Severity;
import ai.sentinel.dr.oncall.SnsOnCall;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.RequestApproval;
import ai.sentinel.dr.report.IncidentReports;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import ai.sentinel.dr.safety.Claim;
import ai.sentinel.dr.safety.RecoveryLocks;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The one code path from a raw payload to a started recovery, shared by every responder handler and by
 * {@code ./sentinel classify}. Classification first (no AWS call); only a {@code start} reaches Step Functions, with
 * an execution name derived from the signal, so a redelivered event finds its execution instead of starting another.
 */
public final class Responder {
  /** Trigger kinds started by a person (or a person's schedule), not by a signal from the resource. */
  static final Set<String> OPERATOR_KINDS = Set.of("manual", "drill");

  private final DrConfig config;
  private final EventClassifier classifier;
  private final SfnClient sfn;
  private final RecoveryLocks locks;
  private final OnCall onCall;

  public Responder(DrConfig config, SfnClient sfn, RecoveryLocks locks, OnCall onCall, Clock clock) {
    this.config = config;
    this.classifier = new EventClassifier(config, clock);
    this.sfn = sfn;
    this.locks = locks;
    this.onCall = onCall;
  }

  /** With the configured notifications topic as the on-call. */
  public Responder(DrConfig config, SfnClient sfn, RecoveryLocks locks, SnsClient sns, Clock clock) {
    this(config, sfn, locks, new SnsOnCall(sns, config.topicArn()), clock);
  }

  /**
   * What a responder answers.
   *
   * @param executionArn the recovery's execution (started now or earlier), when one exists
   */
  @JsonPropertyOrder({"action", "scenario", "resource", "dedupKey", "reason", "executionArn"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Response(String action, String scenario, String resource, String dedupKey, String reason,
      String executionArn) {
    static Response of(Classification c, String reason, String executionArn) {
      return new Response(c.action(), c.scenario(), c.resource(), c.dedupKey(), reason, executionArn);
    }
  }

  /**
   * {@code c}, or its rejection when it would start a scenario that has no state machine in this environment: what
   * {@link #handle} answers, so that {@code ./sentinel classify} tells the same.
   */
  public static Classification deployed(Classification c, DrConfig config) {
    if (c.starts() && !config.stateMachines().containsKey(c.scenario())) {
      return Classification.reject("scenario " + c.scenario() + " has no state machine deployed in "
          + config.environment());
    }
    return c;
  }

  public EventClassifier classifier() {
    return classifier;
  }

  /**
   * Classifies and, when due, starts the recovery.
   *
   * @param accepted trigger kinds this responder subscribes to (alarm, rds-event, ecs-event, elasticache-event,
   *                 manual, drill); others are rejected
   */
  public Response handle(byte[] raw, Set<String> accepted, String responderName) {
    return handle(raw, accepted, responderName, null);
  }

  /**
   * As {@link #handle(byte[], Set, String)} for one Lambda invocation.
   *
   * @param invocationId the Lambda request id: the identity of a manual invoke without requestId (null: a new one)
   */
  public Response handle(byte[] raw, Set<String> accepted, String responderName, String invocationId) {
    Classification c = classifier.classify(raw, invocationId);
    if (c.starts() && !accepted.contains(c.trigger().kind())) {
      c = Classification.reject(responderName + " handles " + accepted + " triggers, not " + c.trigger().kind());
    }
    if (c.evidence() && !c.starts()) {
      c = joinAsEvidence(c, responderName);
    }
    if (!c.starts()) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("responder", responderName);
      fields.put("action", c.action());
      fields.put("reason", c.reason());
      if (c.dedupKey() != null) {
        fields.put("dedupKey", c.dedupKey());
      }
      if (Classification.REJECT.equals(c.action())) {
        Log.error(null, "trigger.rejected", fields);
      } else {
        Log.info(null, "trigger.ignored", fields);
      }
      return Response.of(c, c.reason(), null);
    }
    Classification deployed = deployed(c, config);
    if (deployed != c) {
      Log.error(null, "trigger.rejected", Map.of("responder", responderName, "reason", deployed.reason()));
      return Response.of(deployed, deployed.reason(), null);
    }
    String stateMachine = config.stateMachines().get(c.scenario());
    String name = ExecutionNames.of(c.scenario(), c.resource(), c.dedupKey());
    String executionArn = stateMachine.replace(":stateMachine:", ":execution:") + ":" + name;
    if (exists(executionArn)) {
      return duplicate(c, name, executionArn, responderName);
    }
    // operator-started recoveries (manual invokes and drills) neither spend nor respect the automatic budget
    boolean automatic = !OPERATOR_KINDS.contains(c.trigger().kind());
    boolean dryRun = c.options().dryRun();
    Duration window = Duration.ofSeconds(config.budgetWindowSeconds());
    if (dryRun) {
      // a plan changes nothing: it neither spends the budget nor blocks a real recovery
      return start(c, name, stateMachine, executionArn, responderName, null, null);
    }
    // a region being failed over (Scenario 4, from its DR stack) starts no recovery in it: the platform is moving
    Optional<String> fence = locks.regionFence(config.region());
    if (fence.isPresent()) {
      String reason = "region " + config.region() + " is being failed over by " + fence.get() + ": " + c.scenario()
          + " on " + c.resource() + " not started (recoveries in a fenced region stand down)";
      Log.warn(null, "trigger.fenced", Map.of("responder", responderName, "dedupKey", c.dedupKey(), "reason", reason));
      return new Response(Classification.IGNORE, c.scenario(), c.resource(), c.dedupKey(), reason, null);
    }
    if (automatic) {
      int started = locks.recentStarts(c.scenario(), c.resource(), window).size();
      if (started >= config.budgetMaxAttempts()) {
        return budgetExhausted(c, started, window, responderName);
      }
    }
    // every resource the recovery will mutate, all or none; two rounds: a recovery that ends between our failed
    // acquire and our join frees the locks for us
    Claim claim = Claim.of(c.scenario(), c.resource(), config);
    RecoveryLocks.Lock lock = null;
    for (int round = 0; round < 2; round++) {
      lock = locks.acquire(claim, name);
      if (lock.ours()) {
        break;
      }
      if (!lock.heldBySameRecovery(claim)) {
        return busy(c, lock, responderName);
      }
      // the same incident seen through another signal: it joins the recovery already running
      boolean joined = locks.join(claim, lock.owner(), c.dedupKey(), c.dedupKey() + " ("
          + c.trigger().kind() + " via " + c.trigger().source() + ")");
      if (joined) {
        Log.info(lock.owner(), "trigger.joined", Map.of("responder", responderName, "dedupKey", c.dedupKey()));
        String ownerArn = stateMachine.replace(":stateMachine:", ":execution:") + ":" + lock.owner();
        return new Response(Classification.IGNORE, c.scenario(), c.resource(), c.dedupKey(), "joined running "
            + "recovery " + lock.owner() + ": one recovery per resource at a time", ownerArn);
      }
      if (round == 1) {
        throw new IllegalStateException("lock on " + c.resource() + " changed hands twice while joining; retry");
      }
    }
    if (automatic) {
      locks.recordStart(c.scenario(), c.resource(), name);
    }
    return start(c, name, stateMachine, executionArn, responderName, claim, lock);
  }

  /**
   * A routine signal about a resource (e.g. "DB instance restarted") joins the recovery running on it, whose report
   * then shows it in the timeline; with no recovery running it is only ignored. It never takes a lock, starts a
   * recovery or spends an attempt.
   */
  private Classification joinAsEvidence(Classification c, String responderName) {
    if (c.scenario() == null || c.resource() == null || locks == null || config.lockTable() == null) {
      return c;
    }
    String owner = locks.joinRunning(Claim.of(c.scenario(), c.resource(), config), c.dedupKey(),
        c.trigger() == null ? c.dedupKey() : c.trigger().summary() + " (" + c.trigger().kind() + " via "
            + c.trigger().source() + ", evidence)");
    if (owner == null) {
      return c;
    }
    Log.info(owner, "trigger.evidence", Map.of("responder", responderName, "dedupKey", c.dedupKey()));
    return Classification.ignore(c.scenario(), c.resource(), c.dedupKey(), c.reason() + "; joined running recovery "
        + owner + " as evidence");
  }

  /**
   * Starts the execution; {@code lock} is what this call acquired (or found held under the name) of {@code claim},
   * both null for plans.
   */
  private Response start(Classification c, String name, String stateMachine, String executionArn,
      String responderName, Claim claim, RecoveryLocks.Lock lock) {
    boolean acquired = lock != null && lock.acquired();
    Recovery input = Recovery.start(c.scenario(), c.resource(), name, config.environment(), c.trigger(), c.options());
    try {
      StartExecutionResponse started = sfn.startExecution(b -> b.stateMachineArn(stateMachine).name(name)
          .input(Json.write(input)));
      Log.info(name, "trigger.started", Map.of("responder", responderName, "scenario", c.scenario(),
          "resource", c.resource(), "dedupKey", c.dedupKey(), "executionArn", started.executionArn()));
      return Response.of(c, c.reason(), started.executionArn());
    } catch (ExecutionAlreadyExistsException e) {
      // a concurrent copy of the same signal won the race: same recovery, nothing more to do; a lock we took only
      // because that execution had already ended and released its own is given back
      if (acquired && status(executionArn).filter(s -> s != ExecutionStatus.RUNNING).isPresent()) {
        locks.release(claim, lock);
      }
      return duplicate(c, name, executionArn, responderName);
    } catch (RuntimeException e) {
      // a 5xx or a timeout does not say whether the execution was created: ask, and never release on a guess
      Boolean exists = existsOrUnknown(executionArn);
      if (Boolean.TRUE.equals(exists)) {
        Log.info(name, "trigger.started", Map.of("responder", responderName, "scenario", c.scenario(),
            "resource", c.resource(), "dedupKey", c.dedupKey(), "executionArn", executionArn,
            "confirmedAfter", String.valueOf(e.getMessage())));
        return Response.of(c, c.reason(), executionArn);
      }
      if (Boolean.FALSE.equals(exists) && acquired) {
        // nothing started: give back the lock this call took (only that one) instead of holding it for the lease
        locks.release(claim, lock);
      }
      throw e;
    }
  }

  /** Whether the execution exists; null when Step Functions cannot say (the lock is then left to its lease). */
  private Boolean existsOrUnknown(String executionArn) {
    try {
      return exists(executionArn);
    } catch (SdkException e) {
      return null;
    }
  }

  /** The execution's status, empty when it does not exist or cannot be read. */
  private Optional<ExecutionStatus> status(String executionArn) {
    try {
      return Optional.ofNullable(sfn.describeExecution(b -> b.executionArn(executionArn)).status());
    } catch (SdkException e) {
      return Optional.empty();
    }
  }

  /** The signal's recovery already exists (found first, or a concurrent copy won the race): nothing to do. */
  private static Response duplicate(Classification c, String name, String executionArn, String responderName) {
    Log.info(name, "trigger.duplicate", Map.of("responder", responderName, "dedupKey", c.dedupKey()));
    return new Response(Classification.IGNORE, c.scenario(), c.resource(), c.dedupKey(),
        "duplicate: recovery " + name + " already exists for this signal", executionArn);
  }

  /**
   * A resource this recovery would change is being changed by another recovery (another scenario, or another
   * resource's recovery restarting a shared service). Nothing starts: waiting would act later on a platform the other
   * recovery has changed meanwhile, so a human decides, with the holder named. The page's key is per scenario and
   * resource, so redeliveries and repeated signals add to one incident; its severity is the signal's incident's
   * ({@link #priority}).
   */
  private Response busy(Classification c, RecoveryLocks.Lock lock, String responderName) {
    String reason = "resource busy: " + lock.describeBusy() + "; " + c.scenario() + " on " + c.resource()
        + " not started (one recovery per resource at a time), a human is needed";
    onCall.page(Alert.about(config.environment(), c.scenario(), c.resource(), "NOT STARTED - resource busy",
        reason + "\nSignal: " + c.dedupKey() + "\n" + c.trigger().summary() + "\nStart it again when "
            + (lock.held() == null ? lock.owner() + " has ended" : "a human has ended what " + lock.owner()
                + " left and released its locks") + " (manual invoke with runbook " + c.scenario() + ").",
        "busy-" + c.scenario() + "-" + c.resource(), priority(c)));
    Log.warn(null, "trigger.busy", Map.of("responder", responderName, "dedupKey", c.dedupKey(), "reason", reason));
    return new Response(Classification.IGNORE, c.scenario(), c.resource(), c.dedupKey(), reason, null);
  }

  /**
   * Beyond the budget the automation stops acting and asks for a human, once per window. The page is one level above
   * the signal's incident's priority ({@link #priority}, then Severity.higher, capped at critical), as an approval
   * still unanswered is re-paged: the resource has failed again after every recovery the budget allowed, which is
   * worse than the incident alone, and no later signal pages again in the window. Only automatic signals get here
   * (operator-started recoveries, drills included, bypass the budget).
   */
  private Response budgetExhausted(Classification c, int started, Duration window, String responderName) {
    String reason = "attempt budget exhausted: " + started + " automatic recoveries of " + c.resource() + " ("
        + c.scenario() + ") in the last " + window.toHours() + " h (budget " + config.budgetMaxAttempts()
        + "): no action, a human is needed";
    boolean first = locks.recordEscalation(c.scenario(), c.resource(), window);
    if (first) {
      // one incident per resource and scenario while the budget holds it back, whatever signal arrives
      onCall.page(Alert.about(config.environment(), c.scenario(), c.resource(), "ESCALATION - human needed",
          reason + "\nLatest signal: " + c.dedupKey() + "\n" + c.trigger().summary(),
          "budget-" + c.scenario() + "-" + c.resource(), priority(c).higher()));
    }
    Log.warn(null, "trigger.escalated", Map.of("responder", responderName, "dedupKey", c.dedupKey(),
        "reason", reason, "notified", first));
    return new Response(Classification.IGNORE, c.scenario(), c.resource(), c.dedupKey(), reason
        + (first ? " (escalated)" : " (already escalated in this window)"), null);
  }

  /**
   * The severity of a page about a signal that started nothing: the incident's P1-P4 as the recovery's own pages give
   * it (RequestApproval.pageSeverity: the report's rule for a running recovery; a drill info), for the recovery the
   * signal would have started. Nothing is diagnosed yet, so each scenario's rule for an undiagnosed incident decides:
   * a database failure P1 (treated as a complete loss until shown otherwise), ECS P2, Redis P3, a security incident P2
   * until assessed; a scenario without a rule P3 (unclassified, as its report says until the review sets it). Critical
   * for every signal paged a Redis blip like a lost database, and the service's urgency "based on severity" could not
   * tell them apart.
   */
  private Severity priority(Classification c) {
    return RequestApproval.pageSeverity(Recovery.start(c.scenario(), c.resource(), null, config.environment(),
        c.trigger(), c.options()), IncidentReports.RUNNING, config);
  }

  private boolean exists(String executionArn) {
    try {
      sfn.describeExecution(b -> b.executionArn(executionArn));
      return true;
    } catch (ExecutionDoesNotExistException e) {
      return false;
    }
  }
}
