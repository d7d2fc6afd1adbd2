package ai.sentinel.dr.report;

/**
 * Where the Report step stores the report of one recovery: {@code reports/<scenario>/<executionName>.md} (and
 * {@code .json} beside it) in the reports bucket. Deterministic from the recovery document alone, so a function that
 * runs before Report (a gate's page, Notify's) names the object Report will write, with the same bucket
 * ({@code REPORT_BUCKET}) and the same key rule ({@link #key}).
 *
 * @param bucket the reports bucket
 * @param key    the Markdown report's key
 */
public record ReportLocation(String bucket, String key) {
  /** The report of {@code scenario}'s recovery {@code executionName} in {@code bucket}. */
  public static ReportLocation of(String bucket, String scenario, String executionName) {
    return new ReportLocation(bucket, key(scenario, executionName) + ".md");
  }

  /** s3://bucket/key, as the report's timeline entry says where it was stored. */
  public String uri() {
    return "s3://" + bucket + "/" + key;
  }

  /** reports/&lt;scenario&gt;/&lt;executionName&gt;, each part limited to characters safe in any S3 key. */
  static String key(String scenario, String executionName) {
    return Report.PREFIX + segment(scenario) + "/" + segment(executionName);
  }

  private static String segment(String s) {
    String clean = s == null ? "" : s.replaceAll("[^A-Za-z0-9._-]", "_").replace("..", "__");
    return clean.isEmpty() ? "unknown" : clean;
  }
}
