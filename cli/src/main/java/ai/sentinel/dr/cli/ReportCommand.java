package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.report.ReportRenderer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./sentinel report EXECUTION_ARN}: the post-incident report of any execution, from Step Functions alone. */
@Command(name = "report", usageHelpAutoWidth = false,
    description = "The post-incident report (the runbook's template, RTO/RPO against the objectives) of any "
        + "recovery execution, rebuilt from Step Functions (AWS_ENDPOINT_URL/AWS_REGION select the cloud).")
final class ReportCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  @Parameters(paramLabel = "EXECUTION_ARN", description = "the recovery's execution ARN")
  String executionArn;

  @Option(names = "--json", description = "the report as JSON instead of Markdown")
  boolean json;

  ReportCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    try (var sfn = Approvals.client(cli.env())) {
      var report = Reports.of(sfn, executionArn);
      cli.out().println(json ? Json.write(report) : ReportRenderer.markdown(report));
      return Main.OK;
    }
  }
}
