package ai.sentinel.dr.drill;

import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.trigger.AlarmResponder;
import java.io.PrintStream;
import java.util.function.Supplier;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/**
 * What differs between drills: the failure a scenario injects into the seeded platform, the signal AWS would deliver
 * for it, and what its approval gate protects. Everything else (delivery, watching, judging, the report) is one flow,
 * {@link Drill}.
 */
public interface DrillScenario {

  /** The runbook scenario id (the functions scenario's {@code ID}). */
  String id();

  /** Prints the seeded starting point (what is protected, how verification reaches it). */
  void describe(LocalSentinel sentinel, PrintStream out);

  /** Makes the failure happen on the local cloud and prints what it did. */
  void inject(LocalSentinel sentinel, PrintStream out) throws Exception;

  /**
   * {@code --healthy}: raises the scenario's signal while the resource stays healthy (a quiet minute that crosses a
   * threshold, a late or forged notification) and prints what it did; {@link #signal} then delivers it. False when
   * the drill has no healthy variant (a Testing Schedule test, which is not a recovery).
   */
  default boolean falseAlarm(LocalSentinel sentinel, PrintStream out) {
    return false;
  }

  /** True when {@link #falseAlarm} raises a signal: the drill has a healthy variant. */
  default boolean healthyVariant() {
    return false;
  }

  /**
   * Ends what {@link #inject} made that is no AWS state and must not outlive the recovery (a region taken down at
   * the gateway), once the execution ended however it ended (approved, rejected, failed), before anything is judged.
   */
  default void endFault(LocalSentinel sentinel, PrintStream out) {}

  /** The event AWS would deliver for the injected failure, and the responder function it goes to. */
  Signal signal(LocalSentinel sentinel);

  /** The step an approval gate goes before in this scenario ({@code safety.approvalSteps}); null: it has none. */
  default String gatedStep() {
    return "UpdateSecret";
  }

  /**
   * True when the scenario's gate is on in every environment (not one of {@code safety.approvalSteps}): a drill
   * without {@code --approval} answers it as "drill", and {@code --approval} adds no step to the config.
   */
  default boolean gateAlwaysOn() {
    return false;
  }

  /** What an approval gate protects: a rejected recovery must leave it exactly as it was. */
  Guard guard(LocalSentinel sentinel);

  /**
   * Prints the scenario's evidence of a recovery (decisions, what it created) and says whether it holds; the flow
   * has already checked that the execution succeeded and its verification passed.
   */
  default boolean confirm(LocalSentinel sentinel, Recovery recovery, PrintStream out) {
    return true;
  }

  /**
   * What the drill's health check after the recovery reads: where the platform runs once the recovery is over.
   * {@code recovered}: the recovery ended verified (false after a dry-run, a rejection or a failure). Default: the
   * environment's platform in its own region, as before the failure.
   */
  default HealthScope healthAfter(LocalSentinel sentinel, boolean recovered) {
    return HealthScope.of(sentinel);
  }

  /**
   * Prints what a run that did not succeed left behind (e.g. whether its cleanup ran); the flow has already said
   * that it failed and why.
   */
  default void explainFailure(LocalSentinel sentinel, DescribeExecutionResponse execution, PrintStream out) {}

  /** One sentence for {@code ./sentinel help} when the drill is not a plain recovery (null: it is one). */
  default String note() {
    return null;
  }

  /** The drill's last word: what a pass or a failure is called for this scenario. */
  default String verdict(boolean passed) {
    return passed ? "RECOVERED and VERIFIED" : "NOT RECOVERED";
  }

  /**
   * A delivery.
   *
   * @param function    the responder function's name
   * @param payload     the event, as EventBridge (or SNS) hands it to the function
   * @param description one line for the drill's output
   */
  record Signal(String function, byte[] payload, String description) {

    /** The "CloudWatch Alarm State Change" of {@code alarmName} as it is now, for the AlarmResponder. */
    public static Signal alarm(LocalSentinel sentinel, String alarmName) {
      MetricAlarm alarm = sentinel.aws.cloudWatch.describeAlarms(b -> b.alarmNames(alarmName)).metricAlarms().get(0);
      return new Signal(sentinel.deployment.functionFor(AlarmResponder.class),
          AlarmEvents.stateChange(alarm, LocalAws.ACCOUNT, LocalAws.REGION.id()),
          "CloudWatch Alarm State Change (" + alarmName + " -> ALARM)");
    }
  }

  /**
   * @param description what is protected, for the drill's output (e.g. "secret " and the secret's name)
   * @param state       reads it now (compared before and after; never printed)
   */
  record Guard(String description, Supplier<String> state) {

    /** Guards the value of {@code secretId}, the secret a gated UpdateSecret would repoint. */
    public static Guard secret(LocalSentinel sentinel, String secretId) {
      return new Guard("secret " + secretId, () -> sentinel.aws.secrets.getSecretValue(b -> b.secretId(secretId))
          .secretString());
    }
  }
}
