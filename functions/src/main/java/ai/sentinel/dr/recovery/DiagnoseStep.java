package ai.sentinel.dr.recovery;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Health.Verdict;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import java.util.List;

/**
 * Base of every recovery scenario's Diagnose: the scenario reads its protected resource (read-only) and says whether
 * it is healthy, failed or cannot be told ({@link #diagnose}); this class turns that into the decision the state
 * machine's "Act on diagnosis?" reads ({@link Health#act}, {@code $.diagnosis}), the same rule for every scenario:
 * act only on a confirmed failure. A healthy or inconclusive resource ends the recovery with no action (NotifyNoAction:
 * an info message for HEALTHY, a page for INCONCLUSIVE; the attempt refunded, the locks released), except where acting
 * cannot make things worse or a human decided: a dry-run still plans (the Testing Schedule's recovery plans run on a
 * healthy platform), a test proceeds (it touches no production resource), and an operator's explicit choice
 * ({@link Finding#decidedBy}) is acted on, with the health recorded beside it.
 */
public abstract class DiagnoseStep extends Step {
  /** The state and step name every scenario's diagnosis has. */
  public static final String NAME = "Diagnose";

  protected DiagnoseStep(Deps deps) {
    super(deps);
  }

  /** "Diagnose", the runbook's name for it; a scenario whose runbook calls it otherwise (e.g. "Assess") may say so. */
  @Override
  public String name() {
    return NAME;
  }

  /**
   * Reads the protected resource and records the scenario's own diagnosis in its part; read-only.
   *
   * @return the document with the scenario's diagnosis and its timeline entry, and the verdict with its evidence
   */
  protected abstract Finding diagnose(Recovery recovery);

  /**
   * @param recovery  the document with the scenario's diagnosis
   * @param verdict   healthy, failed or inconclusive
   * @param evidence  what the verdict rests on, one line each
   * @param decidedBy a human's explicit decision to act whatever the verdict (e.g. "Option B requested by the
   *                  operator"), or null
   */
  public record Finding(Recovery recovery, Verdict verdict, List<String> evidence, String decidedBy) {
    public Finding {
      evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }

    public static Finding of(Recovery recovery, Verdict verdict, List<String> evidence) {
      return new Finding(recovery, verdict, evidence, null);
    }
  }

  @Override
  protected final Recovery run(Recovery recovery) {
    Finding f = diagnose(recovery);
    boolean test = ScenarioRegistry.find(recovery.scenario()).map(Scenario::test).orElse(false);
    String reason;
    boolean act = true;
    if (f.verdict() == Verdict.FAILED) {
      reason = "failure confirmed: the recovery acts";
    } else if (test) {
      reason = "a Testing Schedule test: it proceeds (production " + f.verdict() + " as diagnosed, never touched)";
    } else if (f.decidedBy() != null) {
      reason = f.decidedBy() + ": acting on a human's decision although the diagnosis is " + f.verdict();
    } else if (recovery.dryRun()) {
      reason = "dry-run: planning the recovery although the diagnosis is " + f.verdict()
          + " (a real run would take no action)";
    } else {
      act = false;
      reason = f.verdict() == Verdict.HEALTHY ? "no action: " + recovery.resource() + " is healthy"
          : "no action: the diagnosis is inconclusive, a human must judge; nothing is changed";
    }
    Health health = new Health(f.verdict(), f.evidence(), act, reason, now());
    String event = act ? "confirmed" : f.verdict() == Verdict.HEALTHY ? "healthy" : "inconclusive";
    if (act && f.verdict() != Verdict.FAILED) {
      event = "proceeding";
    }
    return f.recovery().withDiagnosis(health).log(entry(event, reason + " (" + health.describe() + ")"));
  }
}
