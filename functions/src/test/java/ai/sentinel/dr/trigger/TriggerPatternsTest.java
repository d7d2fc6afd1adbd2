package ai.sentinel.dr.trigger;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.support.Fixtures;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.event.ruler.Machine;

/** The deployed rules assembled from the scenarios' signal rules: what the CDK app deploys must be deployable. */
class TriggerPatternsTest {

  @Test
  void everyRuleHasItsOwnIdAParsablePatternAndADeployedResponder() {
    List<TriggerPatterns.Rule> rules = TriggerPatterns.of(Fixtures.config());
    assertEquals(TriggerPatterns.ALARM_STATE_CHANGE, rules.get(0).id(), "the shared alarm rule comes first");
    Set<String> ids = new HashSet<>();
    for (TriggerPatterns.Rule rule : rules) {
      assertTrue(ids.add(rule.id()), "two rules named " + rule.id() + " would deploy as one");
      assertDoesNotThrow(() -> new Machine().addRule(rule.id(), rule.pattern()), rule.id());
      assertDoesNotThrow(() -> Class.forName("ai.sentinel.dr.trigger." + rule.responder()), rule.id() + " targets "
          + rule.responder() + ", not a responder class");
      assertTrue(rule.description().length() <= 512, rule.id() + ": EventBridge descriptions are at most 512");
    }
  }

  @Test
  void aScenarioTheEnvironmentDoesNotProtectDeploysNoRuleAndNoAlarmBranch() {
    Map<String, String> env = Fixtures.env();
    Fixtures.withSection(env, "ecs", s -> {
      s.putArray("services");
      s.putObject("targetGroups");
    });
    env.remove("SETTINGS_REDIS");
    env.remove("SETTINGS_SECURITY");
    List<TriggerPatterns.Rule> rules = TriggerPatterns.of(DrConfig.fromEnv(env));
    // the ready events' rules are no scenario's: every stack deploys them (they only wake waits)
    assertEquals(List.of("alarm-state-change", "rds-instance-event", "ready-rds-instance", "ready-ecs-deployment",
        "ready-ecs-steady-state"), rules.stream().map(TriggerPatterns.Rule::id).toList());
    String alarm = rules.get(0).pattern();
    assertTrue(!alarm.contains("AWS/ElastiCache") && !alarm.contains("AWS/ECS")
        && !alarm.contains("AWS/ApplicationELB"), alarm);
  }
}
