package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.Report;
import ai.sentinel.dr.report.ReportTimes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code ./sentinel report [--last N] [--scenario S]}: the last N post-incident reports of each scenario, read from the
 * reports bucket ({@code reports/<scenario>/<execution>.json}, as the Report step stores them), as an RTO/RPO trend
 * against the objectives, so "did our recovery get slower?" has an answer: the newest RTO against the median of the
 * ones before it (more than 10% above: slower; below by as much: faster; else about the same).
 */
public final class ReportTrend {
  /** A change within this share of the earlier median is "about the same" (a drill's timing varies that much). */
  static final double SAME = 0.10;

  private ReportTrend() {}

  /** S3 as the AWS CLI would reach it (AWS_ENDPOINT_URL: a local cloud, path-style). */
  public static S3Client client(Map<String, String> env) {
    String endpoint = env.get("AWS_ENDPOINT_URL");
    return Approvals.client(S3Client.builder().forcePathStyle(endpoint != null && !endpoint.isBlank()), env,
        Approvals.region(env));
  }

  /**
   * The reports bucket: {@code explicit} when given, else the one bucket whose name holds the stack's construct id
   * ("reportsbucket": CloudFormation names it {@code <stack>-reportsbucket<hash>-<suffix>}, the local cloud
   * {@code reportsbucket<hash>}), preferring those of {@code stackPrefix} when there are several.
   */
  public static String bucket(S3Client s3, String explicit, String stackPrefix) {
    if (explicit != null && !explicit.isBlank()) {
      return explicit;
    }
    List<String> found = s3.listBuckets().buckets().stream().map(Bucket::name)
        .filter(n -> n.toLowerCase(java.util.Locale.ROOT).contains("reportsbucket")).toList();
    List<String> ours = stackPrefix == null ? found : found.stream().filter(n -> n.startsWith(stackPrefix)).toList();
    List<String> pick = ours.isEmpty() ? found : ours;
    if (pick.size() != 1) {
      throw new IllegalArgumentException(pick.isEmpty() ? "no reports bucket found (a bucket named *reportsbucket*): "
          + "name it with --bucket" : "several reports buckets " + pick + ": name one with --bucket");
    }
    return pick.get(0);
  }

  /** The newest {@code last} reports of each scenario (only {@code scenario} when given), oldest first. */
  public static Map<String, List<IncidentReport>> latest(S3Client s3, String bucket, String scenario, int last) {
    String prefix = Report.PREFIX + (scenario == null ? "" : scenario + "/");
    Map<String, List<S3Object>> byScenario = new TreeMap<>();
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
      String[] parts = o.key().substring(Report.PREFIX.length()).split("/");
      if (parts.length == 2 && parts[1].endsWith(".json")) {
        byScenario.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(o);
      }
    }
    Map<String, List<IncidentReport>> out = new LinkedHashMap<>();
    byScenario.forEach((name, objects) -> {
      List<IncidentReport> reports = new ArrayList<>();
      for (S3Object o : objects) {
        byte[] json = s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray();
        reports.add(Json.read(json, IncidentReport.class));
      }
      reports.sort(Comparator.comparing(ReportTrend::when, Comparator.nullsFirst(Comparator.naturalOrder())));
      out.put(name, List.copyOf(reports.subList(Math.max(0, reports.size() - last), reports.size())));
    });
    return out;
  }

  /** The trend as text: one table per scenario, oldest first, and the answer to "did it get slower?". */
  public static String render(Map<String, List<IncidentReport>> reports, String bucket) {
    StringBuilder b = new StringBuilder("RTO/RPO trend from s3://" + bucket + "/" + Report.PREFIX + "\n");
    if (reports.isEmpty()) {
      return b.append("no reports yet\n").toString();
    }
    for (var e : reports.entrySet()) {
      List<IncidentReport> list = e.getValue();
      IncidentReport newest = list.get(list.size() - 1);
      b.append('\n').append(e.getKey()).append(" (last ").append(list.size()).append("; objectives RTO ")
          .append(target(newest, "RTO")).append(", RPO ").append(target(newest, "RPO")).append(")\n");
      b.append(String.format("  %-17s %-10s %-6s %-16s %-16s %s%n", "when (UTC)", "status", "kind", "RTO", "RPO",
          "execution"));
      for (IncidentReport r : list) {
        String at = ReportTimes.dateTime(ReportTimes.parse(when(r)));
        b.append(String.format("  %-17s %-10s %-6s %-16s %-16s %s%n", at == null ? "?" : at.replace(" UTC", ""),
            r.status(), r.dryRun() ? "plan" : r.drill() ? "drill" : "real",
            cell(r, "RTO"), cell(r, "RPO"), r.executionName()));
      }
      b.append("  ").append(verdict(list, "RTO")).append('\n');
      b.append("  ").append(verdict(list, "RPO")).append('\n');
    }
    return b.toString();
  }

  /**
   * "RTO: slower ..." when the newest measured value is more than {@link #SAME} above the median of the earlier ones,
   * "faster" below, "about the same" within; says why when it cannot tell.
   */
  static String verdict(List<IncidentReport> list, String measure) {
    List<Long> measured = new ArrayList<>();
    for (IncidentReport r : list) {
      IncidentReport.ObjectiveResult o = r.objective(measure);
      if (o != null && o.measuredSeconds() != null && !r.dryRun()) {
        measured.add(o.measuredSeconds());
      }
    }
    if (measured.size() < 2) {
      return measure + ": no trend yet (" + measured.size() + " measured of " + list.size() + ")";
    }
    long newest = measured.get(measured.size() - 1);
    List<Long> earlier = new ArrayList<>(measured.subList(0, measured.size() - 1));
    earlier.sort(null);
    long median = earlier.size() % 2 == 1 ? earlier.get(earlier.size() / 2)
        : (earlier.get(earlier.size() / 2 - 1) + earlier.get(earlier.size() / 2)) / 2;
    String change = median == 0 ? (newest == 0 ? "about the same" : "slower")
        : newest > median * (1 + SAME) ? "SLOWER" : newest < median * (1 - SAME) ? "faster" : "about the same";
    if ("RPO".equals(measure)) {
      change = change.equals("SLOWER") ? "MORE DATA AT RISK" : change.equals("faster") ? "less data at risk" : change;
    }
    long delta = newest - median;
    return measure + ": " + change + " - newest " + ReportTimes.human(newest) + " vs median "
        + ReportTimes.human(median) + " of the " + earlier.size() + " before (" + (delta >= 0 ? "+" : "-")
        + ReportTimes.human(Math.abs(delta)) + (median > 0 ? String.format(", %+d%%", Math.round(100.0 * delta
        / median)) : "") + ")";
  }

  private static String when(IncidentReport r) {
    return r.triggeredAt() != null ? r.triggeredAt() : r.executionStartedAt() != null ? r.executionStartedAt()
        : r.endedAt();
  }

  private static String cell(IncidentReport r, String measure) {
    IncidentReport.ObjectiveResult o = r.objective(measure);
    if (o == null || o.measuredSeconds() == null) {
      return "n/a";
    }
    return ReportTimes.human(o.measuredSeconds()) + " " + o.verdict().label();
  }

  private static String target(IncidentReport r, String measure) {
    IncidentReport.ObjectiveResult o = r.objective(measure);
    return o == null || o.target() == null ? "none" : o.target();
  }
}
