package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.health.HealthChecks;
import ai.sentinel.dr.health.PlatformHealth;
import ai.sentinel.dr.health.PlatformHealthCheck;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Names;
import ai.sentinel.dr.infra.RepoPaths;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sentinel health [--env ENV] [--json]}: the runbook appendix's Quick Health Check with the scheduled
 * function's engine ({@link HealthChecks}) and the environment's cdk.json names. The cloud is the AWS CLI's:
 * AWS_REGION (else the environment's region), AWS_ENDPOINT_URL (a local cloud), the usual credentials. HEALTH_URL in
 * the process environment replaces the environment's healthUrl (e.g. a stand-in API). RDS and Redis are the instance
 * and cluster the connection secrets point at: after a restore, the restored one. Exit 0 healthy, 1 degraded,
 * 2 failing.
 */
@Command(name = "health", usageHelpAutoWidth = false,
    description = {"The runbook appendix's Quick Health Check: RDS, Redis, ECS services, ALB targets, API /health, each "
        + "PASS/WARN/FAIL with what was seen and the threshold. AWS_REGION (else the environment's), AWS_ENDPOINT_URL "
        + "and credentials as for the AWS CLI; HEALTH_URL replaces the environment's healthUrl.",
        "Exit 0 healthy, 1 degraded, 2 failing."})
final class HealthCommand implements Callable<Integer> {
  private static final List<String> PASSED_THROUGH = List.of("AWS_REGION", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", DrConfig.Vars.HEALTH_URL);

  private final Cli cli;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  @Option(names = "--env", paramLabel = "NAME", defaultValue = "dev",
      description = "the cdk.json environment whose resources are checked (default: ${DEFAULT-VALUE})")
  String env;

  @Option(names = "--json", description = "one JSON object instead of lines")
  boolean json;

  HealthCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    PlatformHealth health = check(RepoPaths.cdkJson(RepoPaths.root()), env, cli.env());
    if (json) {
      ObjectNode node = Json.MAPPER.valueToTree(health);
      node.put("overall", health.overall());
      node.put("exitCode", health.exitCode());
      cli.out().println(Json.write(node));
    } else {
      health.lines().forEach(cli.out()::println);
    }
    return health.exitCode();
  }

  /** The checks of environment {@code env} of {@code cdkJson}, on the cloud {@code processEnv} selects. */
  static PlatformHealth check(Path cdkJson, String env, Map<String, String> processEnv) {
    EnvironmentConfig config = EnvironmentConfig.fromCdkJson(cdkJson, env);
    Map<String, String> vars = new LinkedHashMap<>(config.lambdaEnvironment(PlatformHealthCheck.class));
    vars.put("AWS_REGION", config.region());
    // DrConfig wants the topic; the health check never publishes
    vars.put(DrConfig.Vars.NOTIFY_TOPIC_ARN, "arn:aws:sns:" + config.region() + ":000000000000:"
        + Names.notificationsTopic(config.prefix()));
    for (String name : PASSED_THROUGH) {
      String value = processEnv.get(name);
      if (value != null && !value.isBlank()) {
        vars.put(name, value);
      }
    }
    DrConfig drConfig = DrConfig.fromEnv(vars);
    return HealthChecks.of(HealthChecks.Targets.of(drConfig), new Clients(vars), HealthChecks.ApiProbe.http(),
        Clock.systemUTC()).run();
  }
}
