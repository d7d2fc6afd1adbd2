package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.report.IncidentReport;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./sentinel report --last N}: the reports bucket's newest reports per scenario as an RTO/RPO trend that says
 * whether the newest recovery got slower, through the command line and S3's API (a stand-in S3 endpoint that answers
 * ListBuckets, ListObjectsV2 and GetObject from the reports below).
 */
class ReportTrendTest {
  private static final String BUCKET = "reportsbucket95fe29a2";
  private HttpServer s3;
  private final Map<String, String> objects = new LinkedHashMap<>();
  private final List<String> requests = new ArrayList<>();

  private record Run(int code, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    s3 = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s3.createContext("/", x -> {
      String path = x.getRequestURI().getPath();
      String query = x.getRequestURI().getQuery() == null ? "" : x.getRequestURI().getQuery();
      requests.add(x.getRequestMethod() + " " + path + (query.isEmpty() ? "" : "?" + query));
      String body;
      int status = 200;
      if (path.equals("/")) {
        body = "<ListAllMyBucketsResult><Buckets><Bucket><Name>other-bucket</Name></Bucket><Bucket><Name>" + BUCKET
            + "</Name></Bucket></Buckets></ListAllMyBucketsResult>";
      } else if (path.equals("/" + BUCKET) || path.equals("/" + BUCKET + "/")) {
        String prefix = query.replaceAll(".*prefix=([^&]*).*", "$1").replace("%2F", "/");
        StringBuilder b = new StringBuilder("<ListBucketResult><Name>" + BUCKET + "</Name><IsTruncated>false"
            + "</IsTruncated>");
        objects.keySet().stream().filter(k -> k.startsWith(prefix)).forEach(k -> b.append("<Contents><Key>")
            .append(k).append("</Key><Size>1</Size></Contents>"));
        body = b.append("</ListBucketResult>").toString();
      } else {
        String key = path.substring(BUCKET.length() + 2);
        body = objects.get(key);
        if (body == null) {
          status = 404;
          body = "<Error><Code>NoSuchKey</Code></Error>";
        }
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().add("Content-Type", "application/xml");
      x.sendResponseHeaders(status, bytes.length);
      x.getResponseBody().write(bytes);
      x.close();
    });
    s3.start();
  }

  @AfterEach
  void stop() {
    s3.stop(0);
  }

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:"
        + s3.getAddress().getPort(), "AWS_REGION", "us-east-1"), RepoPaths.root()));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A stored report of {@code scenario} triggered at {@code at} with the RTO and RPO measured (null: not measured). */
  private void report(String scenario, String execution, String at, Long rto, Long rpo, boolean drill) {
    IncidentReport r = new IncidentReport("t", "SUCCEEDED", drill, false, scenario, "sentinel-db", "local", execution,
        "arn:aws:states:us-east-1:123456789012:execution:m:" + execution, null, at.substring(0, 10), at, at, at, at,
        rto, "d", "P1", "r", "impact", List.of(), "cause", List.of(), List.of(), List.of(),
        new IncidentReport.Metrics(1L, rto, rto, rpo, "snapshot", true, "none", null, null, null),
        List.of(new IncidentReport.ObjectiveResult("RTO", "Database Failure (Complete)", "30 minutes", 1800L, rto,
            rto == null ? "not measured" : rto + " s", rto == null ? IncidentReport.Verdict.NOT_APPLICABLE
            : rto <= 1800 ? IncidentReport.Verdict.PASS : IncidentReport.Verdict.FAIL),
            new IncidentReport.ObjectiveResult("RPO", "Database Failure (Complete)", "5 minutes", 300L, rpo,
            rpo + " s", IncidentReport.Verdict.PASS)),
        List.of());
    objects.put("reports/" + scenario + "/" + execution + ".json", Json.write(r));
    objects.put("reports/" + scenario + "/" + execution + ".md", "# not read");
  }

  @Test
  void theLastReportsOfEachScenarioShowWhetherTheNewestRecoveryGotSlower() {
    report("database-failure", "db-1", "2026-11-01T03:00:00Z", 200L, 60L, true);
    report("database-failure", "db-2", "2026-11-08T03:00:00Z", 210L, 60L, true);
    report("database-failure", "db-3", "2026-11-15T03:00:00Z", 190L, 60L, false);
    // the newest, stored first: the order is the trigger time's, not the listing's
    objects.remove("reports/database-failure/db-4.json");
    Map<String, String> before = new LinkedHashMap<>(objects);
    objects.clear();
    report("database-failure", "db-4", "2026-12-06T03:00:00Z", 320L, 60L, true);
    objects.putAll(before);
    report("ecs-service-failure", "ecs-1", "2026-12-01T05:00:00Z", 100L, 0L, true);
    report("ecs-service-failure", "ecs-2", "2026-12-06T05:00:00Z", 98L, 0L, true);
    report("ecs-service-failure", "ecs-3", "2026-12-06T06:00:00Z", 60L, 0L, true);

    Run r = run("report", "--last", "3");
    assertEquals(0, r.code(), r.err());
    String out = r.out();
    assertTrue(out.startsWith("RTO/RPO trend from s3://" + BUCKET + "/reports/\n"), out);
    assertTrue(out.contains("database-failure (last 3; objectives RTO 30 minutes, RPO 5 minutes)"), out);
    assertTrue(!out.contains(" db-1\n"), "only the last 3: " + out);
    List<String> rows = out.lines().filter(l -> l.contains(" db-")).toList();
    assertEquals(3, rows.size(), out);
    assertTrue(rows.get(0).startsWith("  2026-11-08 03:00  SUCCEEDED  drill"), rows.toString());
    assertTrue(rows.get(1).contains(" real "), rows.toString());
    assertTrue(rows.get(2).startsWith("  2026-12-06 03:00"), rows.toString());
    assertTrue(out.contains("RTO: SLOWER - newest 5m 20s vs median 3m 20s of the 2 before (+2m 00s, +60%)"), out);
    assertTrue(out.contains("RPO: about the same - newest 1m 00s vs median 1m 00s of the 2 before (+0s, +0%)"), out);
    assertTrue(out.contains("RTO: faster - newest 1m 00s vs median 1m 39s of the 2 before (-39s, -39%)"), out);

    Run one = run("report", "--last", "5", "--scenario", "ecs-service-failure");
    assertEquals(0, one.code(), one.err());
    assertTrue(!one.out().contains("database-failure"), one.out());
    assertTrue(requests.stream().anyMatch(q -> q.contains("prefix=reports%2Fecs-service-failure%2F")
        || q.contains("prefix=reports/ecs-service-failure/")), requests.toString());
  }

  @Test
  void aSingleReportHasNoTrendYetAndAnEmptyBucketSaysSo() {
    Run empty = run("report", "--bucket", BUCKET);
    assertEquals(0, empty.code(), empty.err());
    assertTrue(empty.out().contains("no reports yet"), empty.out());
    report("redis-failure", "r-1", "2026-12-06T04:00:00Z", 400L, 300L, true);
    Run r = run("report");
    assertTrue(r.out().contains("RTO: no trend yet (1 measured of 1)"), r.out());
    assertEquals(64, run("report", "--last", "0").code(), "--last must be at least 1");
  }
}
