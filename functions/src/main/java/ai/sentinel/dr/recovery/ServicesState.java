package ai.sentinel.dr.recovery;

import java.util.List;
import java.util.Map;

/**
 * ECS services a recovery restarted (runbook: "Restart ECS services") and whether they are stable again.
 *
 * @param cluster     ECS cluster
 * @param names       services restarted
 * @param restartedAt when the new deployments were requested
 * @param deployments service name -> id of the deployment we started
 * @param stable      true once every service has one deployment and running == desired
 * @param status      service name -> "running/desired, N deployments"
 * @param polls       stability polls so far
 */
public record ServicesState(
    String cluster,
    List<String> names,
    String restartedAt,
    Map<String, String> deployments,
    boolean stable,
    Map<String, String> status,
    int polls) {}
