package ai.sentinel.dr.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.support.Signals;
import org.junit.jupiter.api.Test;

/**
 * A manual invoke cannot ask for a wait longer than the lock's lease leaves room for: the lease (and the execution's
 * timeout) must outlive every wait, or another recovery could take the resource while this one still waits.
 */
class ManualWaitBoundsTest {
  private static Signals classifier(int maxWaitSeconds) {
    return Signals.with(Signals.withEnv(DrConfig.Vars.MAX_WAIT_SECONDS, Integer.toString(maxWaitSeconds)));
  }

  @Test
  void anHourBetweenAThousandPollsIsRejectedWithTheReason() {
    Classification c = Signals.standard().classifyText(
        "{\"runbook\":\"database-failure\",\"pollSeconds\":3600,\"maxPolls\":1000}");
    assertEquals(Classification.REJECT, c.action(), c.reason());
    assertTrue(c.reason().contains("pollSeconds x maxPolls = 3600 x 1000 s is longer than one wait may last in dev "
        + "(6900 s"), c.reason());
  }

  @Test
  void aWaitThatFitsTheLeaseIsAcceptedToTheSecond() {
    Signals bounded = classifier(3600);
    Classification fits = bounded.classifyText("{\"runbook\":\"database-failure\",\"pollSeconds\":60,"
        + "\"maxPolls\":60}");
    assertEquals(Classification.START, fits.action(), fits.reason());
    assertEquals(60, fits.options().maxPolls());
    Classification beyond = bounded.classifyText("{\"runbook\":\"database-failure\",\"pollSeconds\":61,"
        + "\"maxPolls\":60}");
    assertEquals(Classification.REJECT, beyond.action(), beyond.reason());
  }
}
