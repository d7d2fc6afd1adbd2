package ai.sentinel.dr.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.scenario.GateExplanation;
import ai.sentinel.dr.support.Fixtures;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scenario 3 as a plug-in: what its approval gate tells the on-call. */
class EcsServiceFailureTest {
  private final EcsServiceFailure scenario = new EcsServiceFailure();

  @Test
  void deployPreviousVersionIsItsGateAndSaysWhatIsRolledBackAndWhy() {
    assertEquals(Set.of("DeployPreviousVersion"), scenario.gates().keySet());
    EcsState state = EcsState.diagnosed("sentinel-production", "sentinel-api", null)
        .started("redeploy", new EcsState.Deployment("ecs-svc/1",
            "arn:aws:ecs:us-east-1:123456789012:task-definition/sentinel-api:2", "2026-01-17T10:02:15Z"))
        .polled(false, true, "1/3, 2 deployment(s)", "sentinel-api:2 not stable after 10 polls");
    Recovery r = Fixtures.recovery(false).with(EcsState.PART, state);
    GateExplanation gate = scenario.gates().get("DeployPreviousVersion").explain(r, Fixtures.config());
    assertEquals("roll sentinel-api back from sentinel-api:2 to the previous ACTIVE revision of its task definition "
        + "family (a new deployment)", gate.change());
    assertEquals("ECS service sentinel-api in cluster sentinel-production (no other service)", gate.resource());
    assertEquals("its tasks are replaced by tasks of the previous revision: what sentinel-api:2 changed (image, "
        + "settings) is withdrawn until someone deploys it again; why: sentinel-api:2 not stable after 10 polls. "
        + "Rejecting changes nothing more: sentinel-api stays on sentinel-api:2, not stable", gate.meaning());
    assertNull(scenario.gates().get("DeployPreviousVersion").explain(Fixtures.recovery(false), Fixtures.config()),
        "not diagnosed yet");
  }
}
