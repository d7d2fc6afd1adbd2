package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Trigger;

/**
 * What a scenario's {@link SignalRules} judge a signal in: the environment (the resources it protects, its defaults)
 * and the scenario they start.
 *
 * @param scenario the scenario's id
 * @param config   the environment
 */
public record SignalContext(String scenario, DrConfig config) {

  /** The options of a recovery no operator chose: the environment's defaults. */
  public Options defaults() {
    return new Options(null, "latest", null, config.dryRun(), config.pollSeconds(), config.maxPolls());
  }

  /** A recovery of this scenario on {@code resource} is due, with the environment's default options. */
  public Classification start(String resource, String dedupKey, String reason, Trigger trigger) {
    return Classification.start(scenario, resource, dedupKey, reason, trigger, defaults());
  }

  /**
   * Not a failure, but news about a resource a recovery may be working on: it joins that recovery as evidence (a
   * timeline entry) and starts nothing.
   */
  public Classification evidence(String resource, String dedupKey, String reason, Trigger trigger) {
    return Classification.evidence(scenario, resource, dedupKey, reason, trigger);
  }

  /** Not a failure of ours: nothing starts; the dedup key still identifies the signal in the log. */
  public Classification ignore(String dedupKey, String reason) {
    return Classification.ignore(null, null, dedupKey, reason);
  }
}
