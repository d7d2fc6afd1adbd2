package ai.sentinel.dr.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./sentinel}: the on-call's command line, parsed with picocli. Each subcommand is its own class whose
 * annotations are its one usage text ({@code ./sentinel CMD --help}); usage help is printed by the parser before a
 * command runs, so it never builds an AWS client. To add a subcommand, write its class (a {@link Callable} taking the
 * {@link Cli}) and add it to {@link #subcommands}; to add an option, add an {@code @Option} field to its class.
 */
@Command(name = "./sentinel", usageHelpAutoWidth = false,
    description = "Sentinel DR: classify events, rehearse recoveries on the local cloud, answer approval gates, "
        + "read post-incident reports.",
    synopsisSubcommandLabel = "COMMAND",
    footerHeading = "%nCloud:%n",
    footer = {"Commands that call AWS use its usual settings, as the AWS CLI does: AWS_REGION, AWS_ENDPOINT_URL (a "
        + "local cloud), AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY. File arguments are relative to the "
        + "directory you run ./sentinel from.",
        "Run ./sentinel COMMAND --help for a command's options; SENTINEL_DEBUG=1 adds the stack trace to an error."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done (a drill verified, a payload started or ignored, an answer sent)",
        "1:failed (a drill not verified, or AWS refused the call: one line says why)",
        "2:rejected (classify: the responders would reject it; a drill whose approval gate was rejected)",
        "64:usage error (unknown command or option, missing argument, unknown environment)",
        "69:the cloud is unavailable (no credentials, no region, endpoint unreachable)"})
public final class Main implements Callable<Integer> {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int REJECTED = 2;
  static final int USAGE = 64;
  static final int UNAVAILABLE = 69;

  @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private Main() {}

  /** A command whose usage ends with text computed at run time (e.g. the drills there are). */
  interface Described {
    String[] footer();
  }

  /** The subcommands, in the order the usage lists them. */
  private static List<Object> subcommands(Cli cli) {
    return List.of(new ClassifyCommand(cli), new DrillCommand(cli), new AnswerCommands.Approve(cli),
        new AnswerCommands.Reject(cli), new ReleaseCommand(cli), new ReportCommand(cli), new HealthCommand(cli),
        new CloudCli(cli),
        new CommandLine.HelpCommand());
  }

  public static void main(String[] args) {
    System.exit(run(args, Cli.of(System.out, System.err)));
  }

  /** Runs a command line with the process's environment and caller directory; returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, Cli.of(out, err));
  }

  /** Runs a command line as {@code ./sentinel} would with that environment (tests of other packages use it). */
  public static int run(String[] args, Cli cli) {
    return commandLine(cli).execute(args);
  }

  static CommandLine commandLine(Cli cli) {
    CommandLine cl = new CommandLine(new Main());
    for (Object sub : subcommands(cli)) {
      cl.addSubcommand(sub);
      if (sub instanceof Described d) {
        CommandLine added = cl.getSubcommands().get(sub.getClass().getAnnotation(Command.class).name());
        added.getCommandSpec().usageMessage().footer(d.footer());
      }
    }
    cl.setOut(new PrintWriter(cli.out(), true));
    cl.setErr(new PrintWriter(cli.err(), true));
    cl.setUsageHelpWidth(110);
    cl.setExitCodeExceptionMapper(e -> FAILED);
    cl.setParameterExceptionHandler((e, args) -> {
      CommandLine cmd = e.getCommandLine();
      boolean unknownCommand = cmd.getCommandSpec().parent() == null
          && e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
          && !u.getUnmatched().get(0).startsWith("-");
      cli.err().println("sentinel: " + (unknownCommand ? "unknown command '"
          + ((CommandLine.UnmatchedArgumentException) e).getUnmatched().get(0) + "'" : e.getMessage()));
      cli.err().print(cmd.getHelp().synopsis(0));
      cli.err().println("(" + cmd.getCommandSpec().qualifiedName() + " --help for more)");
      return USAGE;
    });
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      CliErrors.Failure f = CliErrors.of(e, cli);
      if (cli.env().containsKey("SENTINEL_DEBUG")) {
        e.printStackTrace(cli.err());
      }
      cli.err().println("sentinel: " + (cmd.getCommandSpec().parent() == null ? "" : cmd.getCommandName() + ": ")
          + f.message());
      return f.exitCode();
    });
    return cl;
  }

  /** {@code ./sentinel} alone: the usage, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return USAGE;
  }
}
