package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.report.ReportRenderer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./sentinel report EXECUTION_ARN}: the post-incident report of any execution, from Step Functions alone;
 * {@code ./sentinel report [--last N] [--scenario S]}: the last reports of each scenario as an RTO/RPO trend
 * ({@link ReportTrend}).
 */
@Command(name = "report", usageHelpAutoWidth = false,
    description = {"The post-incident report (the runbook's template, RTO/RPO against the objectives) of any "
        + "recovery execution, rebuilt from Step Functions (AWS_ENDPOINT_URL/AWS_REGION select the cloud) with the "
        + "report settings the --env environment deploys.",
        "Without EXECUTION_ARN: the last N reports of each scenario from the reports bucket, as an RTO/RPO trend "
        + "against the objectives, ending with whether the newest recovery got slower than the ones before it."})
final class ReportCommand implements Callable<Integer> {
  /** The environment a rebuilt report takes its settings from without --env: the other commands' default. */
  static final String DEFAULT_ENV = "dev";
  /** {@code arn:aws:states:REGION:ACCOUNT:stateMachine|execution:<env>-sentinel-dr-...}. */
  private static final Pattern STATE_MACHINE =
      Pattern.compile("^arn:[^:]+:states:[^:]*:[^:]*:(?:stateMachine|execution):([A-Za-z0-9_-]+?)-sentinel-dr-");

  private final Cli cli;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  @Parameters(paramLabel = "EXECUTION_ARN", arity = "0..1", description = "the recovery's execution ARN")
  String executionArn;

  @Option(names = "--last", paramLabel = "N", defaultValue = "10",
      description = "trend: how many of each scenario's newest reports (default ${DEFAULT-VALUE})")
  int last;

  @Option(names = "--scenario", paramLabel = "SCENARIO", description = "trend: only this scenario")
  String scenario;

  @Option(names = "--bucket", paramLabel = "BUCKET",
      description = "trend: the reports bucket (default: the one bucket named *reportsbucket*)")
  String bucket;

  @Option(names = "--env", paramLabel = "ENV",
      description = "the cdk.json environment whose report settings (on-call owner, due dates, load balancer) fill "
          + "the rebuilt report (default: the one the ARN names, <ENV>-sentinel-dr-..., when cdk.json declares it, "
          + "else " + DEFAULT_ENV + "); trend: prefer the reports bucket of <ENV>-sentinel-dr when there are several")
  String env;

  @Option(names = "--json", description = "the report as JSON instead of Markdown")
  boolean json;

  ReportCommand(Cli cli) {
    this.cli = cli;
  }

  /**
   * The environment whose stack ran {@code arn}: its state machine is {@code <env>-sentinel-dr-<runbook>} (an
   * execution ARN names it before the execution name), used when cdk.json declares that environment; otherwise
   * {@link #DEFAULT_ENV}.
   */
  static String environmentOf(String arn, Path cdkJson) {
    Matcher m = STATE_MACHINE.matcher(arn == null ? "" : arn);
    if (m.find()) {
      try {
        JsonNode environments = Json.tree(Files.readString(cdkJson)).path("context")
            .path(EnvironmentConfig.ENVIRONMENTS_CONTEXT);
        if (environments.has(m.group(1))) {
          return m.group(1);
        }
      } catch (IOException | RuntimeException e) {
        // an unreadable cdk.json: the settings load below says what is wrong with it
      }
    }
    return DEFAULT_ENV;
  }

  @Override
  public Integer call() {
    if (executionArn == null) {
      if (last < 1) {
        cli.err().println("sentinel: report: --last must be at least 1, got " + last);
        return Main.USAGE;
      }
      try (var s3 = ReportTrend.client(cli.env())) {
        String name = ReportTrend.bucket(s3, bucket, env == null ? null : env + "-sentinel-dr");
        cli.out().print(ReportTrend.render(ReportTrend.latest(s3, name, scenario, last), name));
        return Main.OK;
      }
    }
    try (var sfn = Approvals.client(cli.env())) {
      Path cdkJson = RepoPaths.cdkJson(RepoPaths.root());
      var report = Reports.of(sfn, executionArn, cdkJson, env != null ? env : environmentOf(executionArn, cdkJson),
          cli.env());
      cli.out().println(json ? Json.write(report) : ReportRenderer.markdown(report));
      return Main.OK;
    }
  }
}
