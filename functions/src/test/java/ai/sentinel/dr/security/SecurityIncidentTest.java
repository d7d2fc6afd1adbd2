package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.scenario.GateExplanation;
import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scenario 6 as a plug-in: what each of its three gates tells the on-call. */
class SecurityIncidentTest {
  private final SecurityIncident scenario = new SecurityIncident();

  @Test
  void isolationSaysWhichServiceGoesToZeroAndThatThePlatformStopsAnswering() {
    assertEquals(Set.of("Isolate", "RestoreGradually", "SecondContainmentRound"), scenario.gates().keySet());
    Recovery breach = IsolateTest.breach(false);
    GateExplanation gate = scenario.gates().get("Isolate").explain(breach, Fixtures.config());
    assertEquals("scale sentinel-api to 0 tasks (its desired count is remembered for the gradual restore)",
        gate.change());
    assertEquals("ECS service sentinel-api in cluster sentinel-production", gate.resource());
    assertTrue(gate.meaning().startsWith("the platform stops answering requests until RestoreGradually is approved, "
        + "because of an active breach: " + breach.part(SecurityState.PART).assessment().summary()), gate.meaning());
    assertTrue(gate.meaning().endsWith("Rejecting leaves it running with only the reversible containment"),
        gate.meaning());
    assertNull(scenario.gates().get("Isolate").explain(Fixtures.recovery(false), Fixtures.config()));
  }

  @Test
  void theRestoreSaysHowFarAndThatTheServiceTakesRequestsAgain() {
    Recovery r = IsolateTest.breach(false).update(SecurityState.PART, s -> s.withIsolation(
        new SecurityState.Isolation("sentinel-production", "sentinel-api", 3, "2026-01-17T10:05:00Z")));
    GateExplanation gate = scenario.gates().get("RestoreGradually").explain(r, Fixtures.config());
    assertEquals("bring sentinel-api back from isolation to 3 tasks in steps, each verified healthy before the next",
        gate.change());
    assertEquals("ECS service sentinel-api in cluster sentinel-production", gate.resource());
    assertEquals("the service takes requests again: approve only when the investigation is done. Rejecting keeps "
        + "it isolated (0 tasks)", gate.meaning());
  }

  @Test
  void theSecondRoundNamesTheKeysAndWhoLosesAccess() {
    SecurityState.Investigation found = new SecurityState.Investigation("2026-01-17T09:00:00Z",
        "2026-01-17T10:00:00Z", "/sentinel/api", 120, 30, false, Map.of(), Map.of(), Map.of(),
        List.of(new SecurityState.Threat("key-7", 12, List.of("sql-injection"))), List.of("key-7"), true, null);
    Recovery r = IsolateTest.breach(false).update(SecurityState.PART, s -> s.withInvestigation(found));
    GateExplanation gate = scenario.gates().get("SecondContainmentRound").explain(r, Fixtures.config());
    assertEquals("revoke the API keys the investigation found with threats in audit_logs: [key-7]", gate.change());
    assertEquals("API keys [key-7] in table api_keys (column revoked_at) of the database in secret "
        + "sentinel/database-url ([key-7: 12 [sql-injection]])", gate.resource());
    assertTrue(gate.meaning().startsWith("every request with these keys is refused from then on"), gate.meaning());
  }

  @Test
  void oneApprovalCoversTheKeysAndTheAddressesOfTheSecondRound() {
    SecurityState.Investigation found = new SecurityState.Investigation("2026-01-17T09:00:00Z",
        "2026-01-17T10:00:00Z", "/sentinel/api", 120, 30, false, Map.of("198.51.100.77", 3), Map.of(), Map.of(),
        List.of(new SecurityState.Threat("key-7", 12, List.of("sql-injection"))), List.of("key-7"), true,
        List.of("198.51.100.77/32"));
    Recovery r = IsolateTest.breach(false).update(SecurityState.PART, s -> s.withInvestigation(found));
    GateExplanation gate = scenario.gates().get("SecondContainmentRound").explain(r, Fixtures.config());
    assertEquals("revoke the API keys the investigation found with threats in audit_logs: [key-7], and block at "
        + "WAF the addresses it saw with status >= 400 that no block covers: [198.51.100.77/32]", gate.change());
    assertEquals("API keys [key-7] in table api_keys (column revoked_at) of the database in secret "
        + "sentinel/database-url; WAF IP set sentinel-blocklist (REGIONAL): addresses [198.51.100.77/32] (by "
        + "address: {198.51.100.77=3})", gate.resource());
    assertTrue(gate.meaning().contains("every request from these addresses is blocked until the block expires"),
        gate.meaning());
  }
}
