package ai.sentinel.dr.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.EventClassifier;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may start a failback: a person, through the DR stack's manual responder, where dr.failback is configured. */
class RegionFailbackSignalsTest {

  private static Classification classify(Map<String, String> env, String payload) {
    return new EventClassifier(DrConfig.fromEnv(env), Fixtures.CLOCK)
        .classify(payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theEventsSampleStartsTheFailbackOfThePrimaryRegionInTheDrStack() throws Exception {
    String sample = java.nio.file.Files.readString(Fixtures.events().resolve("manual-region-failback.json"));
    Classification c = classify(FailbackStepsTest.env(), sample);
    assertTrue(c.starts(), c.reason());
    assertEquals("region-failback", c.scenario());
    assertEquals("us-east-1", c.resource());
  }

  @Test
  void outsideTheDrRegionWithoutAFailbackSectionOrWithOptionsItIsRefused() {
    Map<String, String> primary = FailbackStepsTest.env();
    primary.put("AWS_REGION", "us-east-1");
    primary.put("NOTIFY_TOPIC_ARN", Fixtures.TOPIC);
    Classification there = classify(primary, "{\"runbook\":\"region-failback\"}");
    assertEquals(Classification.REJECT, there.action());
    assertTrue(there.reason().contains("runs from the DR region eu-west-1"), there.reason());
    Classification none = classify(Regions.env(null), "{\"runbook\":\"region-failback\"}");
    assertEquals(Classification.REJECT, none.action());
    assertTrue(none.reason().contains("dr.failback is not set"), none.reason());
    Classification option = classify(FailbackStepsTest.env(), "{\"runbook\":\"region-failback\","
        + "\"snapshotId\":\"x\"}");
    assertEquals(Classification.REJECT, option.action());
    Classification other = classify(FailbackStepsTest.env(), "{\"runbook\":\"region-failback\","
        + "\"resource\":\"us-west-2\"}");
    assertEquals(Classification.REJECT, other.action());
    assertTrue(other.reason().contains("not this environment's primary region"), other.reason());
  }
}
