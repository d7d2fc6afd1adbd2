package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Investigate's own judgement of a log event, which stands in for CloudWatch Logs' JSON pattern wherever the service
 * returns more than it matched (moto returns everything): only a JSON object whose numeric status is at least 400.
 */
class InvestigateTest {
  @Test
  void onlyJsonEventsWithANumericStatusOfAtLeast400Count() {
    assertNotNull(Investigate.statusAtLeast400("{\"status\":400,\"ip\":\"203.0.113.77\"}"));
    assertNotNull(Investigate.statusAtLeast400(" {\"status\":503.0}"));
    assertNull(Investigate.statusAtLeast400("{\"status\":399}"));
    assertNull(Investigate.statusAtLeast400("{\"status\":\"500\"}"), "a string is not a number to the pattern");
    assertNull(Investigate.statusAtLeast400("{\"code\":500}"));
    assertNull(Investigate.statusAtLeast400("GET /health 500 2ms"));
    assertNull(Investigate.statusAtLeast400("{\"status\":500"), "truncated JSON");
    assertNull(Investigate.statusAtLeast400(null));
  }

  @Test
  void addressesNoBlockCoversAreProposedNeverAllowListedOrPrivateOnes() {
    SecurityState state = BlockIpsTest.assessed(false, List.of("203.0.113.77/32")).part(SecurityState.PART);
    List<String> proposed = Investigate.unblocked(List.of("203.0.113.77", "198.51.100.5", "10.0.0.9", "?",
        "198.51.100.77", "2600:1f18::7", "198.51.100.77"), SecuritySettings.of(Fixtures.config()), state);
    assertEquals(2, proposed.size(), proposed.toString());
    assertEquals("198.51.100.77/32", proposed.get(0), "the blocked attacker, the allow-listed office "
        + "(198.51.100.0/28), a private and an unreadable address are left out");
    assertTrue(proposed.get(1).endsWith("/128"), proposed.toString());
    SecurityState blocked = state.withBlocks(new SecurityState.Blocks(List.of(), List.of("198.51.100.64/26"),
        null, 2, 1));
    assertEquals(1, Investigate.unblocked(List.of("198.51.100.77", "2600:1f18::7"), SecuritySettings.of(
        Fixtures.config()), blocked).size(), "a range already in the IP set covers its addresses");
  }

  @Test
  void withoutAnAssessmentNothingIsSearched() {
    Recovery r = Fixtures.recovery(false);
    assertThrows(StepFailedError.class, () -> StepHarness.invoke(new Investigate(Fixtures.deps()), r));
  }
}
