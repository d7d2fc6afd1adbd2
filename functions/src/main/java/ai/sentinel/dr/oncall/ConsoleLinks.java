package ai.sentinel.dr.oncall;

import java.util.List;
import java.util.Optional;

/**
 * Links for a page: the recovery's Step Functions execution in the AWS console, in the region it runs in, and an S3
 * object (the recovery's report) in the S3 console. The
 * execution's ARN is not in the recovery document; it is derived from the running function's own ARN (Lambda's
 * {@code Context.getInvokedFunctionArn()}: partition, region, account), since every recovery's state machine is
 * {@code <env>-sentinel-dr-<scenario>} in the stack (and region) of the functions it runs (infra Names.stateMachine):
 * the region failover's, in the DR stack, gets the DR region's console.
 */
public final class ConsoleLinks {
  private ConsoleLinks() {}

  /** The execution's ARN, or empty when the function ARN is unknown or not a Lambda ARN. */
  public static Optional<String> executionArn(String functionArn, String environment, String scenario,
      String executionName) {
    String[] p = functionArn == null ? new String[0] : functionArn.split(":");
    if (p.length < 7 || !"arn".equals(p[0]) || !"lambda".equals(p[2]) || isBlank(environment) || isBlank(scenario)
        || isBlank(executionName)) {
      return Optional.empty();
    }
    return Optional.of("arn:" + p[1] + ":states:" + p[3] + ":" + p[4] + ":execution:" + environment
        + "-sentinel-dr-" + scenario + ":" + executionName);
  }

  /** The console page of the execution (partition aws only: the other partitions' consoles live elsewhere). */
  public static List<Alert.Link> execution(String functionArn, String environment, String scenario,
      String executionName) {
    return executionArn(functionArn, environment, scenario, executionName)
        .filter(arn -> arn.startsWith("arn:aws:"))
        .map(arn -> {
          String region = arn.split(":")[3];
          return List.of(new Alert.Link("https://" + region + ".console.aws.amazon.com/states/home?region=" + region
              + "#/v2/executions/details/" + arn, "Step Functions execution " + executionName + " (" + region + ")"));
        }).orElse(List.of());
  }

  /**
   * The S3 console page of {@code key} in {@code bucket}, a bucket of the function's own stack and so of its region
   * (the reports bucket: each stack that runs recoveries has its own); partition aws only, as {@link #execution}. The
   * key is used as is: the report keys hold only characters safe in a URL (report.ReportLocation).
   */
  public static List<Alert.Link> s3Object(String functionArn, String bucket, String key, String text) {
    String[] p = functionArn == null ? new String[0] : functionArn.split(":");
    if (p.length < 7 || !"arn".equals(p[0]) || !"aws".equals(p[1]) || !"lambda".equals(p[2]) || isBlank(p[3])
        || isBlank(bucket) || isBlank(key)) {
      return List.of();
    }
    return List.of(new Alert.Link("https://s3.console.aws.amazon.com/s3/object/" + bucket + "?region=" + p[3]
        + "&prefix=" + key, text));
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
