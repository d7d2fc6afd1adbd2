package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.errors.RetryableStepError;
import ai.sentinel.dr.security.BlockRecords.Expired;
import ai.sentinel.dr.security.IpSets.Snapshot;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.wafv2.model.UpdateIpSetRequest;
import software.amazon.awssdk.services.wafv2.model.WafOptimisticLockException;

/**
 * Scheduled (hourly): removes from the WAF IP set the ranges whose recorded block has expired
 * ({@code security.blockHours} after BlockIps added them), then forgets their records. Only recorded ranges are
 * touched; an entry added by hand has no record and stays. The update uses WAF's lock token and is retried on a
 * concurrent writer (bounded), like BlockIps. A record extended by a new block between the read and the delete is
 * kept (conditional delete) and its range added back. The environment's DRY_RUN only logs what would be removed.
 * Answers {@code {"removed": [...], "kept": [...]}}.
 */
public final class PruneBlocks implements RequestStreamHandler {
  private final Deps deps;

  public PruneBlocks() {
    this(Deps.fromProcessEnv());
  }

  public PruneBlocks(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public PruneBlocks(Deps deps) {
    this.deps = deps;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    input.readAllBytes();
    Map<String, Object> result = prune();
    output.write(ai.sentinel.dr.common.Json.bytes(result));
  }

  Map<String, Object> prune() {
    SecuritySettings settings = SecuritySettings.of(deps.config());
    DynamoDbClient dynamo = deps.clients().dynamoDb();
    String table = BlockRecords.table(deps.config().environment());
    Instant now = Instant.now(deps.clock());
    List<Expired> expired = BlockRecords.expired(dynamo, table, now);
    Map<String, Object> result = new LinkedHashMap<>();
    Set<String> ranges = expired.stream().map(Expired::cidr).collect(Collectors.toCollection(
        java.util.LinkedHashSet::new));
    result.put("expired", List.copyOf(ranges));
    if (ranges.isEmpty() || deps.config().dryRun()) {
      Log.info("prune-blocks", deps.config().dryRun() ? "prune.planned" : "prune.nothing", Map.of("expired",
          ranges.toString(), "ipSet", settings.ipSet().name()));
      result.put("removed", List.of());
      return result;
    }
    IpSets sets = new IpSets(deps.clients(), settings.ipSet());
    List<String> removed = update(sets, ranges, false);
    List<String> kept = new ArrayList<>();
    List<String> readd = new ArrayList<>();
    for (Expired e : expired) {
      if (!BlockRecords.forget(dynamo, table, e)) {
        readd.add(e.cidr()); // blocked again meanwhile: the new block stands
        kept.add(e.cidr());
      }
    }
    if (!readd.isEmpty()) {
      update(sets, Set.copyOf(readd), true);
    }
    Log.info("prune-blocks", "prune.done", Map.of("removed", removed.toString(), "kept", kept.toString(),
        "ipSet", settings.ipSet().name()));
    result.put("removed", removed);
    result.put("kept", kept);
    return result;
  }

  /** Removes (or adds back) {@code ranges} under the lock token; returns the ranges that changed. */
  private static List<String> update(IpSets sets, Set<String> ranges, boolean add) {
    for (int attempt = 1; ; attempt++) {
      Snapshot current = sets.read();
      List<String> changed = new ArrayList<>();
      List<String> addresses = new ArrayList<>();
      current.entries().forEach((cidr, entry) -> {
        if (!add && ranges.contains(cidr)) {
          changed.add(cidr);
        } else {
          addresses.add(entry);
        }
      });
      if (add) {
        ranges.stream().filter(r -> !current.entries().containsKey(r)).forEach(r -> {
          addresses.add(r);
          changed.add(r);
        });
      }
      if (changed.isEmpty()) {
        return changed;
      }
      UpdateIpSetRequest request = sets.update(current, addresses);
      try {
        sets.client().updateIPSet(request);
        return changed;
      } catch (WafOptimisticLockException e) {
        if (attempt >= IpSets.MAX_ATTEMPTS) {
          throw new RetryableStepError("PruneBlocks: WAF IP set changed under " + attempt + " updates in a row; "
              + "the next scheduled run tries again", e);
        }
        try {
          Thread.sleep(IpSets.backoff(attempt).toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new RetryableStepError("PruneBlocks interrupted", ie);
        }
      }
    }
  }
}
