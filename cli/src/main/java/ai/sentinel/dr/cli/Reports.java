package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.report.AlbCustomerImpact;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.CustomerImpact;
import ai.sentinel.dr.report.ExecutionReports;
import ai.sentinel.dr.report.ReportSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@code ./sentinel report EXECUTION_ARN}: the post-incident report of any execution, rebuilt from Step Functions
 * alone (its output, or for a failed run the last recovery document in its history), with the same builder and the
 * same environment settings the Report step uses.
 */
public final class Reports {
  private Reports() {}

  /**
   * The {@code report} section environment {@code env} of {@code cdkJson} deploys to its Report function (on-call
   * owner, due dates, load balancer, exercise), or the defaults where it has none: what its reports were filled with.
   */
  public static ReportSettings settings(Path cdkJson, String env) {
    return EnvironmentConfig.fromCdkJson(cdkJson, env).settings(ReportSettings.class)
        .orElse(ReportSettings.DEFAULTS);
  }

  /**
   * The report as environment {@code env}'s Report step makes it: its settings, and the customer impact measured on
   * its load balancer in the cloud {@code processEnv} selects (AWS_REGION, AWS_ENDPOINT_URL, credentials).
   */
  public static IncidentReport of(SfnClient sfn, String executionArn, Path cdkJson, String env,
      Map<String, String> processEnv) {
    ReportSettings settings = settings(cdkJson, env);
    return of(sfn, executionArn, settings, meter(settings, processEnv));
  }

  /** The Report step's meter: the load balancer's counts, its clients built only when a report measures. */
  private static CustomerImpact.Meter meter(ReportSettings settings, Map<String, String> processEnv) {
    if (settings.loadBalancer() == null) {
      return CustomerImpact.NOT_CONFIGURED;
    }
    Map<String, String> vars = new HashMap<>();
    for (String name : List.of("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")) {
      String value = processEnv.get(name);
      if (value != null && !value.isBlank()) {
        vars.put(name, value);
      }
    }
    // the same cloud as the Step Functions client: its region, and a local cloud's test credentials when none given
    vars.put("AWS_REGION", Approvals.region(processEnv));
    if (vars.containsKey("AWS_ENDPOINT_URL") && !vars.containsKey("AWS_ACCESS_KEY_ID")) {
      vars.put("AWS_ACCESS_KEY_ID", "test");
      vars.put("AWS_SECRET_ACCESS_KEY", "test");
    }
    Clients[] built = new Clients[1];
    Supplier<Clients> clients = () -> built[0] != null ? built[0] : (built[0] = new Clients(vars));
    return new AlbCustomerImpact(() -> clients.get().cloudWatch(), () -> clients.get().elbv2(),
        settings.loadBalancer());
  }

  /**
   * The report as the Report step makes it: filled as the environment's {@code settings} say, with the customer
   * impact {@code meter} measures (a drill rebuilds its reports with its cloud's).
   */
  public static IncidentReport of(SfnClient sfn, String executionArn, ReportSettings settings,
      CustomerImpact.Meter meter) {
    return ExecutionReports.rebuild(sfn, executionArn, settings, meter);
  }
}
