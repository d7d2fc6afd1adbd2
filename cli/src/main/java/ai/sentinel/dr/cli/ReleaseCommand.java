package ai.sentinel.dr.cli;

import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Names;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.safety.RecoveryLocks;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code ./sentinel release EXECUTION [--env ENV] [--by NAME]}: frees the locks a recovery kept when it ended leaving
 * something only a human may end (its page and timeline say so, and name this command), once that human has ended it.
 * Only that execution's held locks are deleted, never a running recovery's. Prints what was released and why it had
 * been held; exit 1 when it held none.
 */
@Command(name = "release", usageHelpAutoWidth = false,
    description = {"Release the locks an ended recovery kept (e.g. maintenance held after a failure), after you have "
        + "ended what it left: new recoveries of those resources are refused until then. Only that execution's "
        + "held locks are released, never a running recovery's.",
        "Exit 0 released, 1 it held none."})
final class ReleaseCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  @Parameters(paramLabel = "EXECUTION", description = "the execution name the page gave")
  String execution;

  @Option(names = "--env", paramLabel = "NAME", defaultValue = "dev",
      description = "the cdk.json environment whose lock table holds them (default: ${DEFAULT-VALUE})")
  String env;

  @Option(names = "--by", paramLabel = "NAME", description = "who releases (default: $USER)")
  String by;

  ReleaseCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    EnvironmentConfig config = EnvironmentConfig.fromCdkJson(RepoPaths.cdkJson(RepoPaths.root()), env);
    String table = Names.lockTable(config.prefix());
    String who = by != null ? by : cli.env().getOrDefault("USER", System.getProperty("user.name"));
    // AWS_REGION when set, else the environment's region
    try (DynamoDbClient ddb = Approvals.client(DynamoDbClient.builder(), cli.env(),
        cli.env().getOrDefault("AWS_REGION", config.region()))) {
      // lease and clock do not matter to a release of held locks
      Map<String, String> released = new RecoveryLocks(ddb, table, Clock.systemUTC(), Duration.ZERO)
          .releaseHeld(execution);
      if (released.isEmpty()) {
        cli.out().println("no lock held by " + execution + " in " + table + ": nothing released");
        return Main.FAILED;
      }
      released.forEach((resource, why) -> cli.out().println("released " + resource + " (" + why + ")"));
      cli.out().println("released by " + who + ": new recoveries of these resources may start");
      return Main.OK;
    }
  }
}
