package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.RetryableStepError;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.security.IpRanges.NotAnIp;
import ai.sentinel.dr.security.IpSets.Snapshot;
import ai.sentinel.dr.security.SecurityState.Action;
import ai.sentinel.dr.security.SecurityState.Blocks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.wafv2.model.UpdateIpSetRequest;
import software.amazon.awssdk.services.wafv2.model.UpdateIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.WafOptimisticLockException;

/**
 * Scenario 6 "Immediate Response" 4, "block suspicious IPs at WAF": GetIPSet, merge the assessed addresses (/32,
 * /128), UpdateIPSet with the lock token. A concurrent writer (another incident, a person in the console) makes the
 * update fail with WAFOptimisticLockException: the set is read again and merged again, after a jittered backoff, at
 * most {@link IpSets#MAX_ATTEMPTS} times. Entries already there are kept as they are (never rewritten, never
 * removed); an address already blocked is not added twice, so a second run sends nothing. Allow-listed and private
 * ranges are refused again here (a hand-started execution may carry anything), and an update that would take the set
 * beyond WAF's {@value SecuritySettings#WAF_IP_SET_LIMIT} addresses is not sent at all.
 */
public final class BlockIps extends Step {
  private final Consumer<Duration> sleeper;

  public BlockIps() {
    this(Deps.fromProcessEnv());
  }

  public BlockIps(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public BlockIps(Deps deps) {
    this(deps, BlockIps::sleep);
  }

  /** @param sleeper waits between two lock-token rounds (tests pass one that records instead) */
  public BlockIps(Deps deps, Consumer<Duration> sleeper) {
    super(deps);
    this.sleeper = sleeper;
  }

  @Override
  public String name() {
    return "BlockIps";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    SecurityState state = recovery.part(SecurityState.PART);
    if (state == null || state.assessment() == null) {
      throw new StepFailedError("BlockIps needs Assess's result");
    }
    SecuritySettings settings = SecuritySettings.of(deps.config());
    List<String> wanted = new ArrayList<>();
    List<String> named = new ArrayList<>(state.assessment().indicators().ips());
    if (state.investigation() != null && state.investigation().secondRound()
        && state.investigation().proposedIps() != null) {
      // the second round (BlockFoundIps) runs only after a human approved the investigation's proposal
      named.addAll(state.investigation().proposedIps());
    }
    for (String ip : named.stream().distinct().toList()) {
      String refused;
      try {
        IpRanges.Range range = IpRanges.parse(ip);
        refused = SecurityEvents.refusal(range, settings);
        wanted.add(range.cidr());
      } catch (NotAnIp e) {
        refused = e.getMessage();
      }
      if (refused != null) {
        throw new StepFailedError("BlockIps refused the whole block, nothing sent: " + refused);
      }
    }
    Instant expires = Instant.now(deps.clock()).plus(Duration.ofHours(settings.blockHours()));
    String expiresAt = expires.toString();
    IpSets sets = new IpSets(deps.clients(), settings.ipSet());
    for (int attempt = 1; ; attempt++) {
      Snapshot current = sets.read();
      List<String> added = wanted.stream().filter(c -> !current.entries().containsKey(c)).toList();
      List<String> already = wanted.stream().filter(c -> current.entries().containsKey(c)).toList();
      recovery = record(recovery, settings, added, already, expires, state);
      if (added.isEmpty()) {
        Blocks blocks = new Blocks(state.blocks() == null ? List.of() : state.blocks().added(), already,
            state.blocks() == null ? expiresAt : state.blocks().expiresAt(), current.entries().size(), attempt);
        return recovery.with(SecurityState.PART, state.withBlocks(blocks)).log(entry("verified", "all "
            + wanted.size() + " address(es) are in WAF IP set " + settings.ipSet().name() + " ("
            + current.entries().size() + " entries)"));
      }
      int size = current.entries().size() + added.size();
      if (size > SecuritySettings.WAF_IP_SET_LIMIT) {
        throw new StepFailedError("BlockIps: WAF IP set " + settings.ipSet().name() + " holds "
            + current.entries().size() + " entries; adding " + added.size() + " would exceed WAF's limit of "
            + SecuritySettings.WAF_IP_SET_LIMIT + ": nothing was sent (prune expired blocks or use a second set)");
      }
      List<String> addresses = new ArrayList<>(current.entries().values());
      addresses.addAll(added);
      UpdateIpSetRequest request = sets.update(current, addresses);
      Mutation<UpdateIpSetResponse> sent;
      try {
        sent = mutate(recovery, "wafv2", "UpdateIPSet", settings.ipSet().name(), "add " + added + " (lock token "
            + current.lockToken() + ")", () -> sets.client().updateIPSet(request));
      } catch (WafOptimisticLockException e) {
        if (attempt >= IpSets.MAX_ATTEMPTS) {
          throw new RetryableStepError("BlockIps: WAF IP set " + settings.ipSet().name() + " changed under "
              + attempt + " updates in a row (WAFOptimisticLockException); the state machine retries", e);
        }
        sleeper.accept(IpSets.backoff(attempt));
        continue;
      }
      // a second round keeps the first round's blocks in the record the report and VerifyContainment read
      List<String> allAdded = new ArrayList<>(state.blocks() == null ? List.of() : state.blocks().added());
      added.stream().filter(c -> !allAdded.contains(c)).forEach(allAdded::add);
      Blocks blocks = new Blocks(allAdded, already.stream().filter(c -> !allAdded.contains(c)).toList(), expiresAt,
          size, attempt);
      SecurityState next = state.withBlocks(blocks);
      String who = recovery.executionName() + " (" + state.assessment().severity() + ": "
          + SecurityIncidentSignals.quote(state.assessment().summary()) + ")";
      for (String cidr : added) {
        next = next.withAction(new Action(now(), name(), (sent.sent() ? "blocked " : "would block ") + cidr
            + " at WAF until " + expiresAt + " by " + who));
      }
      return sent.recovery().with(SecurityState.PART, next).log(entry(sent.sent() ? "blocked" : "would-block",
          added.size() + " address(es) added to " + settings.ipSet().name() + " until " + expiresAt + ": " + added
          + (attempt > 1 ? " (after " + (attempt - 1) + " lock-token conflict(s))" : "")));
    }
  }

  /**
   * Records each range with its expiry before it is added (a lost update then leaves a record the prune finds
   * harmless); ranges already in the set only get a later expiry where a block of ours is recorded. Repeats are
   * refused by the table's condition and ignored.
   */
  private Recovery record(Recovery recovery, SecuritySettings settings, List<String> added, List<String> already,
      Instant expires, SecurityState state) {
    String table = BlockRecords.table(deps.config().environment());
    String reason = state.assessment().severity() + ": " + SecurityIncidentSignals.quote(state.assessment().summary());
    Recovery out = recovery;
    for (String cidr : added) {
      out = putRecord(out, table, BlockRecords.put(table, cidr, expires, recovery.executionName(), reason,
          Instant.now(deps.clock()), false));
    }
    for (String cidr : already) {
      out = putRecord(out, table, BlockRecords.put(table, cidr, expires, recovery.executionName(), reason,
          Instant.now(deps.clock()), true));
    }
    return out;
  }

  private Recovery putRecord(Recovery recovery, String table, PutItemRequest request) {
    if (recovery.dryRun()) {
      return mutate(recovery, "dynamodb", "PutItem", table, request.item().get(BlockRecords.CIDR).s() + " until "
          + request.item().get("expiresAtIso").s(), () -> null).recovery();
    }
    BlockRecords.write(deps.clients().dynamoDb(), request);
    return recovery;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableStepError("BlockIps interrupted while backing off", e);
    }
  }
}
