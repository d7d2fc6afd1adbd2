package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CloudTemplate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which stacks of the app a drill runs on: local has three (the environment's, the DR stack in eu-west-1 and, with
 * dr.failback, the primary-region stack forwarding the failback's ready events), and the one without a responder
 * starts no scenario but goes with the DR stack's drills, as `cdk deploy --all` deploys it.
 */
class DrillStacksTest {
  @Test
  void theForwardingStackStartsNothingAndIsDeployedWithTheRegionDrillsOnly() throws Exception {
    List<CloudTemplate> all = Templates.stacks(RepoPaths.root(), "local", List.of());
    assertEquals(List.of("us-east-1", "eu-west-1", "us-east-1"), all.stream().map(CloudTemplate::region).toList());
    List<String> deployed = DrillCommand.deployedScenarios(all);
    assertTrue(deployed.containsAll(List.of("database-failure", "region-failure", "region-failback")), deployed
        .toString());
    assertEquals(List.of(), DrillCommand.deployedScenarios(all.get(2)));
    for (String region : List.of("region-failure", "region-failback")) {
      assertEquals(List.of(all.get(0), all.get(1), all.get(2)), DrillCommand.stacksFor(all, region), region);
    }
    assertEquals(List.of(all.get(0)), DrillCommand.stacksFor(all, "database-failure"));
    // a drill's home among the stacks it runs on: never the forwarding stack, which has no responder to ask
    assertTrue(!new ai.sentinel.dr.drill.LocalStack(new ai.sentinel.dr.drill.LocalDeployment(all.get(2)), null)
        .deploys("database-restore-test"));
    assertTrue(new ai.sentinel.dr.drill.LocalStack(new ai.sentinel.dr.drill.LocalDeployment(all.get(1)), null)
        .deploys("region-failback"));
  }
}
