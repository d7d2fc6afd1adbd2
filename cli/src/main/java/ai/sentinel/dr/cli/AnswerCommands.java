package ai.sentinel.dr.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./sentinel approve|reject TOKEN}: answer an approval gate, as {@code aws stepfunctions
 * send-task-success/-failure} would, on the cloud AWS_ENDPOINT_URL/AWS_REGION select.
 */
final class AnswerCommands {
  private AnswerCommands() {}

  /** What both answers take. */
  abstract static class Answer implements Callable<Integer> {
    final Cli cli;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Parameters(paramLabel = "TOKEN", description = "the task token from the approval request")
    String token;

    @Option(names = "--by", paramLabel = "NAME", description = "who answers (default: $USER)")
    String by;

    Answer(Cli cli) {
      this.cli = cli;
    }

    String who() {
      return by != null ? by : cli.env().getOrDefault("USER", System.getProperty("user.name"));
    }

    /** The caller's AWS identity, for the audit trail; the answer still goes when STS refuses to tell. */
    String identity() {
      try {
        return CallerIdentity.arn(cli.env());
      } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
        throw e; // no credentials or no cloud: the answer could not be sent either
      } catch (RuntimeException e) {
        cli.err().println("sentinel: " + spec().name() + ": caller identity unknown (" + CliErrors.of(e, cli).message()
            + "): recording --by only");
        return null;
      }
    }

    abstract picocli.CommandLine.Model.CommandSpec spec();
  }

  @Command(name = "approve", usageHelpAutoWidth = false,
      description = "Approve a waiting gate: the recovery continues with the step it protects.")
  static final class Approve extends Answer {
    @Option(names = "--reason", paramLabel = "TEXT", description = "why (recorded in the timeline)")
    String reason;

    @Option(names = "--choose", paramLabel = "CHOICE", description = "take an option the approval request offers "
        + "(repeatable), e.g. delete-clean-copy")
    java.util.List<String> choices = new java.util.ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    Approve(Cli cli) {
      super(cli);
    }

    @Override
    picocli.CommandLine.Model.CommandSpec spec() {
      return spec;
    }

    @Override
    public Integer call() {
      String identity = identity();
      try (var sfn = Approvals.client(cli.env())) {
        Approvals.approve(sfn, token, who(), identity, reason, choices);
        cli.out().println("approved by " + who() + (identity == null ? "" : " (" + identity + ")")
            + (choices.isEmpty() ? "" : ", choosing " + String.join(", ", choices)) + ": the recovery continues");
        return Main.OK;
      }
    }
  }

  @Command(name = "reject", usageHelpAutoWidth = false,
      description = "Reject a waiting gate: the recovery stops, notifies, and changes nothing more.")
  static final class Reject extends Answer {
    @Option(names = "--reason", paramLabel = "TEXT", required = true,
        description = "why (recorded in the timeline and the report)")
    String reason;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    Reject(Cli cli) {
      super(cli);
    }

    @Override
    picocli.CommandLine.Model.CommandSpec spec() {
      return spec;
    }

    @Override
    public Integer call() {
      String identity = identity();
      try (var sfn = Approvals.client(cli.env())) {
        Approvals.reject(sfn, token, who(), identity, reason);
        cli.out().println("rejected by " + who() + (identity == null ? "" : " (" + identity + ")")
            + ": the recovery stops and notifies; nothing more is changed");
        return Main.OK;
      }
    }
  }
}
