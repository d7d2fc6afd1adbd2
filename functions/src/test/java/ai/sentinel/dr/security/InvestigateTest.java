package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.support.Fixtures;
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
  void withoutAnAssessmentNothingIsSearched() {
    Recovery r = Fixtures.recovery(false);
    assertThrows(StepFailedError.class, () -> StepHarness.invoke(new Investigate(Fixtures.deps()), r));
  }
}
