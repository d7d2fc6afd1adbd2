package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.common.OneAttempt;
import ai.sentinel.dr.errors.OutsideBlastRadiusError;
import ai.sentinel.dr.region.SnapshotCopies.Copy;
import ai.sentinel.dr.report.EmbeddedMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Runbook Scenario 4 "Prerequisites: cross-region RDS snapshot replication", run on a schedule in the DR region: the
 * primary's newest available snapshot is copied into the DR region (CopyDBSnapshot with SourceRegion, encrypted with
 * the DR region's KMS key) as {@code <instance>-cross-region-<source time>}, the newest {@code copiesToKeep} copies are
 * kept, and the age of the newest available copy is published as EMF metric {@value #METRIC} (namespace SentinelDR,
 * dimension Environment): the RPO a failover would give now. The stack alarms when it exceeds the RPO or is missing.
 *
 * <p>Safe to run twice: a source already copied names an existing copy and is not copied again. A primary that
 * cannot be read copies nothing but the age is still published (a region failure is exactly when it matters). Only
 * copies of our own name are ever deleted, never the newest, never one still being copied. In a dry-run environment
 * the copy and the deletions are logged as planned, not sent.
 */
public final class CopySnapshots implements RequestStreamHandler {
  public static final String METRIC = "CrossRegionSnapshotAge";

  private final Deps deps;
  private final RegionSettings region;
  private final RdsClient primary;
  private final RdsClient dr;

  public CopySnapshots() {
    this(Deps.fromProcessEnv());
  }

  public CopySnapshots(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public CopySnapshots(Deps deps) {
    this.deps = deps;
    this.region = RegionSettings.of(deps.config());
    // both regions named explicitly: the source is read in the primary, the copy made in the DR region
    this.primary = deps.clients().in(region.primaryRegion()).rds();
    this.dr = deps.clients().in(region.drRegion()).rds();
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    Json.MAPPER.writeValue(output, run());
  }

  /** One scheduled run: copy, prune, measure. Returns what it did. */
  public ObjectNode run() {
    ObjectNode out = Json.object();
    out.put("dryRun", deps.config().dryRun());
    List<Copy> copies = SnapshotCopies.list(dr, region);
    Optional<DBSnapshot> source = newestSource(out);
    if (source.isPresent()) {
      copy(source.get(), copies, out);
      copies = deps.config().dryRun() ? copies : SnapshotCopies.list(dr, region);
    }
    prune(copies, out);
    measure(copies, out);
    Log.info(null, "region.copy-snapshots", Map.of("result", out));
    return out;
  }

  /** The primary's newest available snapshot of the instance (automated or manual), or empty when unreadable. */
  private Optional<DBSnapshot> newestSource(ObjectNode out) {
    try {
      List<DBSnapshot> all = new ArrayList<>();
      String marker = null;
      do {
        String from = marker;
        var page = primary.describeDBSnapshots(b -> b.dbInstanceIdentifier(region.sourceInstanceId()).marker(from));
        all.addAll(page.dbSnapshots());
        marker = page.marker();
      } while (marker != null && !marker.isEmpty());
      Optional<DBSnapshot> newest = all.stream().filter(s -> "available".equals(s.status()))
          .filter(s -> s.snapshotCreateTime() != null)
          .max(Comparator.comparing(DBSnapshot::snapshotCreateTime));
      if (newest.isEmpty()) {
        out.put("source", "none: no available snapshot of " + region.sourceInstanceId() + " in "
            + region.primaryRegion());
      }
      return newest;
    } catch (SdkException e) {
      // the copy that exists is what a failover would restore: measure it anyway
      out.put("source", "unreadable: " + region.primaryRegion() + " did not answer (" + e.getClass().getSimpleName()
          + ")");
      return Optional.empty();
    }
  }

  private void copy(DBSnapshot source, List<Copy> copies, ObjectNode out) {
    String target = SnapshotCopies.name(region, source.snapshotCreateTime());
    out.put("source", source.dbSnapshotIdentifier() + " taken " + source.snapshotCreateTime());
    out.put("copy", target);
    if (copies.stream().anyMatch(c -> c.id().equals(target))) {
      out.put("copied", "already (" + target + " exists)");
      return;
    }
    requireAllowed(target, "CopyDBSnapshot");
    if (deps.config().dryRun()) {
      out.put("copied", "planned (dry-run, not sent)");
      return;
    }
    OneAttempt.call(() -> dr.copyDBSnapshot(b -> b.sourceDBSnapshotIdentifier(source.dbSnapshotArn())
        .targetDBSnapshotIdentifier(target).sourceRegion(region.primaryRegion())
        .kmsKeyId(region.database().kmsKeyId())
        .tags(Tag.builder().key("sentinel:copy-of").value(source.dbSnapshotIdentifier()).build(),
            Tag.builder().key("sentinel:source-time").value(source.snapshotCreateTime().toString()).build())));
    out.put("copied", "requested");
  }

  /** Keeps the newest {@code copiesToKeep} copies; deletes older available ones (never one being copied). */
  private void prune(List<Copy> copies, ObjectNode out) {
    ArrayNode deleted = out.putArray("deleted");
    List<Copy> older = copies.size() <= region.copiesToKeep() ? List.of()
        : copies.subList(region.copiesToKeep(), copies.size());
    for (Copy old : older) {
      if (!old.available()) {
        continue;
      }
      requireAllowed(old.id(), "DeleteDBSnapshot");
      if (!deps.config().dryRun()) {
        OneAttempt.call(() -> dr.deleteDBSnapshot(b -> b.dbSnapshotIdentifier(old.id())));
      }
      deleted.add(old.id() + (deps.config().dryRun() ? " (planned)" : ""));
    }
  }

  /** The age of the newest available copy, as EMF; no line when there is none (the alarm treats it as breaching). */
  private void measure(List<Copy> copies, ObjectNode out) {
    Optional<Copy> newest = SnapshotCopies.newestAvailable(copies);
    if (newest.isEmpty()) {
      out.putNull("newestCopy");
      return;
    }
    Instant now = Instant.now(deps.clock());
    long age = Math.max(0, Duration.between(newest.get().sourceTime(), now).getSeconds());
    out.put("newestCopy", newest.get().id());
    out.put("newestCopyAgeSeconds", age);
    out.put("rpoSeconds", region.rpoMinutes() * 60L);
    Map<String, Object> line = new LinkedHashMap<>();
    ObjectNode aws = Json.object();
    aws.put("Timestamp", now.toEpochMilli());
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", EmbeddedMetrics.NAMESPACE);
    directive.putArray("Dimensions").addArray().add(EmbeddedMetrics.ENVIRONMENT);
    directive.putArray("Metrics").addObject().put("Name", METRIC).put("Unit", "Seconds");
    line.put("_aws", aws);
    line.put(EmbeddedMetrics.ENVIRONMENT, deps.config().environment());
    line.put(METRIC, age);
    line.put("newestCopy", newest.get().id());
    Log.info(null, "region.copy-age", line);
  }

  private void requireAllowed(String snapshot, String api) {
    String target = RegionSettings.target(region.drRegion(), snapshot);
    if (!deps.config().allows("rds", target)) {
      throw new OutsideBlastRadiusError("CopySnapshots refused rds:" + api + " on '" + target + "': not a copy the "
          + deps.config().environment() + " environment config names");
    }
  }
}
