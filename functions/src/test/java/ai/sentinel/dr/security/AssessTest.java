package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.security.SecurityState.Assessment;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.support.Signals;
import ai.sentinel.dr.trigger.Classification;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Assess: severity, indicators, active breach and the containment chosen, from the signal alone. */
class AssessTest {
  private final Signals signals = Signals.standard();

  private Recovery assess(String sample) {
    Classification c = signals.classify(sample);
    assertTrue(c.starts(), c.reason());
    Recovery start = Recovery.start(c.scenario(), c.resource(), "x", "dev", c.trigger(), c.options());
    return StepHarness.invoke(new Assess(Fixtures.deps()), start);
  }

  @Test
  void stolenCredentialsInUseAreAnActiveBreach() {
    Assessment a = assess("guardduty-eventbridge-credential-exfiltration.json").part(SecurityState.PART).assessment();
    assertEquals("P1", a.severity());
    assertTrue(a.activeBreach());
    assertTrue(a.containment().blockIps());
    assertTrue(a.containment().isolate(), "proposed; the gate asks a human");
    assertFalse(a.containment().revokeApiKeys());
    assertEquals(List.of("203.0.113.77/32"), a.indicators().ips());
    assertEquals("sentinel-api-task-role", a.indicators().principal());
  }

  @Test
  void theOperatorsWordAndIndicatorsAreKept() {
    Recovery out = assess("manual-security-incident.json");
    Assessment a = out.part(SecurityState.PART).assessment();
    assertEquals("P1", a.severity());
    assertFalse(a.activeBreach());
    assertFalse(a.containment().isolate());
    assertTrue(a.containment().revokeApiKeys());
    assertEquals(List.of("key-7f3a91"), a.indicators().apiKeyIds());
    assertEquals(1, StepHarness.entries(out, "Assess", "decided").size());
    Recovery again = StepHarness.invoke(new Assess(Fixtures.deps()), out);
    assertEquals(a, again.part(SecurityState.PART).assessment(), "a second run keeps the first assessment");
  }

  @Test
  void aSignInBlocksNothingAtTheApplicationsWaf() {
    Assessment a = assess("signin-eventbridge-root-console.json").part(SecurityState.PART).assessment();
    assertFalse(a.containment().blockIps());
    assertEquals("P1", a.severity(), "root: critical");
  }

  @Test
  void aWafAlarmIsAssessedWithoutIndicators() {
    Assessment a = assess("alarm-eventbridge-waf-blocked-requests.json").part(SecurityState.PART).assessment();
    assertEquals("P2", a.severity());
    assertFalse(a.containment().blockIps());
    assertFalse(a.activeBreach());
  }
}
