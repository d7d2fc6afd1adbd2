package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.region.RegionState.Evidence;
import ai.sentinel.dr.report.EmbeddedMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scenario 4's alarm trigger, run on a schedule in the DR region ({@code dr.primaryProbe}): one GET of the primary's
 * public {@code /health} ({@code dr.primaryHealthUrl}) judged as the failover's own evidence judges it
 * ({@link PublicHealth}), published as EMF metric {@value #METRIC} (namespace SentinelDR, dimensions Environment and
 * {@value #PRIMARY_REGION}): 1 when the primary did not answer 2xx in time, 0 when it did. The DR stack's alarm on it
 * (N failed of the last M) reaches the DR stack's AlarmResponder through EventBridge, which starts the failover's
 * assessment (ConfirmPrimaryDown, then a page); the failover itself always waits for approval.
 *
 * <p>Why not a Route 53 health check: its metrics are published in us-east-1 only, so its alarm would live, and die,
 * in the primary region. Read-only: it calls no AWS API (the metric goes out as a log line), so it needs no
 * permission and works while the primary region's APIs do not answer.
 */
@UsesSettings(RegionSettings.class)
public final class ProbePrimary implements RequestStreamHandler {
  public static final String METRIC = "PrimaryHealthProbeFailed";
  /** The dimension naming the region probed: the alarm's metric is told apart from the DR stack's other metrics. */
  public static final String PRIMARY_REGION = "PrimaryRegion";

  private final Deps deps;
  private final RegionSettings region;
  private final PublicHealth health;

  public ProbePrimary() {
    this(Deps.fromProcessEnv());
  }

  public ProbePrimary(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ProbePrimary(Deps deps) {
    this.deps = deps;
    this.region = RegionSettings.of(deps.config());
    if (region.primaryProbe() == null || region.primaryHealthUrl() == null) {
      throw new ai.sentinel.dr.common.DrConfig.ConfigException("the probe needs cdk.json dr.primaryProbe and "
          + "dr.primaryHealthUrl (environment " + deps.config().environment() + ")");
    }
    this.health = new PublicHealth(Duration.ofSeconds(region.primaryProbe().timeoutSeconds()));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    Json.MAPPER.writeValue(output, run());
  }

  /** One scheduled probe: the GET, its metric line, what it saw. */
  public ObjectNode run() {
    Evidence seen = health.check(region.primaryHealthUrl());
    int failed = seen.healthy() ? 0 : 1;
    Instant now = Instant.now(deps.clock());
    ObjectNode out = Json.object();
    out.put("primaryRegion", region.primaryRegion());
    out.put("result", seen.result());
    out.put("detail", seen.detail());
    out.put(METRIC, failed);
    Map<String, Object> line = new LinkedHashMap<>();
    ObjectNode aws = Json.object();
    aws.put("Timestamp", now.toEpochMilli());
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", EmbeddedMetrics.NAMESPACE);
    directive.putArray("Dimensions").addArray().add(EmbeddedMetrics.ENVIRONMENT).add(PRIMARY_REGION);
    directive.putArray("Metrics").addObject().put("Name", METRIC).put("Unit", "Count");
    line.put("_aws", aws);
    line.put(EmbeddedMetrics.ENVIRONMENT, deps.config().environment());
    line.put(PRIMARY_REGION, region.primaryRegion());
    line.put(METRIC, failed);
    line.put("result", seen.result());
    line.put("detail", seen.detail());
    Log.info(null, "region.primary-probe", line);
    return out;
  }
}
