package ai.sentinel.dr.cli;

import ai.sentinel.dr.cloud.CloudCommand;
import ai.sentinel.dr.cloud.CloudState;
import ai.sentinel.dr.infra.RepoPaths;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./sentinel cloud up|down}: the local cloud on its own, kept up between commands (see {@link CloudCommand}). */
@Command(name = "cloud", usageHelpAutoWidth = false,
    description = "A local cloud (moto + gateway, the stack deployed, the platform seeded) that stays up until "
        + "'cloud down', for the README's manual invokes with the AWS CLI and ./sentinel report/approve.")
final class CloudCli implements Callable<Integer> {
  private final Cli cli;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  CloudCli(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    cli.err().println("sentinel: cloud: say 'up' or 'down' (./sentinel cloud --help)");
    return Main.USAGE;
  }

  @Command(name = "up", mixinStandardHelpOptions = true, usageHelpAutoWidth = false,
      description = "Synthesize, start moto + gateway, deploy the stack, seed the platform, in the background; "
          + "prints AWS_ENDPOINT_URL, the region, fake credentials and the commands to run. State and logs in "
          + ".local/cloud/.")
  int up(@Option(names = "--env", defaultValue = "local", paramLabel = "NAME",
      description = "the cdk.json environment to deploy (default: local)") String env) throws Exception {
    return command().up(env);
  }

  @Command(name = "down", mixinStandardHelpOptions = true, usageHelpAutoWidth = false,
      description = "Stop the local cloud started by 'cloud up' and every process it started.")
  int down() throws Exception {
    return command().down();
  }

  private CloudCommand command() {
    Path root = RepoPaths.root();
    return new CloudCommand(root, CloudState.dir(root), CloudCommand.thisJvm(), cli.out(), cli.err());
  }
}
