package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;

/**
 * One stack of the CDK app deployed on the local cloud, in its own region: the environment's stack, or a scenario's
 * own stack in another region (one that must not run in the region it recovers). Its resources are created, and its
 * functions run, with clients that sign for that region.
 *
 * @param deployment its template, deployed
 * @param aws        clients in its region
 */
public record LocalStack(LocalDeployment deployment, LocalAws aws) {

  /** True when this stack's responders start the scenario's state machine (its STATE_MACHINE_ARNS names it). */
  public boolean deploys(String scenario) {
    String arns;
    try {
      arns = deployment.runbookEnvironment().get(DrConfig.Vars.STATE_MACHINE_ARNS);
    } catch (IllegalArgumentException e) {
      return false; // a stack without a responder (<env>-sentinel-dr-region-events) starts nothing
    }
    return arns != null && Json.tree(arns).has(scenario);
  }

  public String region() {
    return aws.region.id();
  }
}
