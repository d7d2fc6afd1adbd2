package ai.sentinel.dr.security;

import ai.sentinel.dr.recovery.Part;
import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 6 (security incident) working state: what Assess found and chose, and each containment action taken.
 * Choice states read {@code $.security.assessment.containment.blockIps}, {@code ...revokeApiKeys},
 * {@code ...isolate} and {@code $.security.restore.done}. Steps of security's subpackages keep their own parts.
 *
 * @param assessment what Assess decided (null before it ran)
 * @param blocks     what BlockIps did
 * @param revocation what RevokeApiKeys did
 * @param isolation  what Isolate did (the remembered desired count)
 * @param restore    RestoreGradually's progress
 * @param investigation what Investigate found and proposes (null before it ran)
 * @param actions    every containment action with its time, in order: the report lists them
 */
public record SecurityState(Assessment assessment, Blocks blocks, Revocation revocation, Isolation isolation,
    Restore restore, List<Action> actions, Investigation investigation) {
  /** Where Scenario 6 keeps its state in the recovery document. */
  public static final Part<SecurityState> PART = new Part<>("security", SecurityState.class);

  @JsonCreator
  public SecurityState {
    actions = actions == null ? List.of() : List.copyOf(actions);
  }

  public static SecurityState assessed(Assessment assessment) {
    return new SecurityState(assessment, null, null, null, null, List.of(), null);
  }

  public SecurityState withBlocks(Blocks value) {
    return new SecurityState(assessment, value, revocation, isolation, restore, actions, investigation);
  }

  public SecurityState withRevocation(Revocation value) {
    return new SecurityState(assessment, blocks, value, isolation, restore, actions, investigation);
  }

  public SecurityState withIsolation(Isolation value) {
    return new SecurityState(assessment, blocks, revocation, value, restore, actions, investigation);
  }

  public SecurityState withRestore(Restore value) {
    return new SecurityState(assessment, blocks, revocation, isolation, value, actions, investigation);
  }

  public SecurityState withInvestigation(Investigation value) {
    return new SecurityState(assessment, blocks, revocation, isolation, restore, actions, value);
  }

  /** This state with one more containment action (a re-run that did nothing new adds none). */
  public SecurityState withAction(Action action) {
    List<Action> next = new ArrayList<>(actions);
    next.add(action);
    return new SecurityState(assessment, blocks, revocation, isolation, restore, next, investigation);
  }

  /**
   * Runbook "Assess severity": the incident as the signal describes it.
   *
   * @param severity     P1 (active breach or critical) to P4
   * @param why          why that severity, in one line
   * @param source       guardduty, securityhub, signin, alarm, manual
   * @param summary      one line for the timeline and the report's root cause
   * @param indicators   what identifies the attacker
   * @param refused      indicators that will not be acted on, each with the reason (private, allow-listed...)
   * @param activeBreach the breach is ongoing: isolation is proposed (and waits for approval)
   * @param containment  which containment steps run
   * @param assessedAt   when
   */
  public record Assessment(String severity, String why, String source, String summary, Indicators indicators,
      List<String> refused, boolean activeBreach, Containment containment, String assessedAt) {
    @JsonCreator
    public Assessment {
      refused = refused == null ? List.of() : List.copyOf(refused);
    }
  }

  /**
   * @param ips           addresses to block, normalised (/32, /128), none private or allow-listed
   * @param apiKeyIds     API key ids to revoke
   * @param principal     the IAM principal involved (access key owner, signed-in user), or null
   * @param resource      the affected AWS resource, or null
   * @param findingId     the GuardDuty or Security Hub finding id, or null
   * @param findingType   its type, e.g. UnauthorizedAccess:EC2/MaliciousIPCaller.Custom
   * @param findingSeverity its numeric severity (GuardDuty 1-10, Security Hub normalized/10), or null
   */
  public record Indicators(List<String> ips, List<String> apiKeyIds, String principal, String resource,
      String findingId, String findingType, Double findingSeverity) {
    @JsonCreator
    public Indicators {
      ips = ips == null ? List.of() : List.copyOf(ips);
      apiKeyIds = apiKeyIds == null ? List.of() : List.copyOf(apiKeyIds);
    }
  }

  /** Which containment steps apply; each Choice reads one. */
  public record Containment(boolean blockIps, boolean revokeApiKeys, boolean isolate) {}

  /**
   * @param added          ranges this recovery added to the IP set
   * @param alreadyBlocked ranges that were in it already
   * @param expiresAt      when this recovery's blocks expire (the prune removes them)
   * @param setSize        the IP set's size after the update
   * @param attempts       GetIPSet/UpdateIPSet rounds (more than 1: a concurrent writer's lock token won)
   */
  public record Blocks(List<String> added, List<String> alreadyBlocked, String expiresAt, int setSize, int attempts) {
    @JsonCreator
    public Blocks {
      added = added == null ? List.of() : List.copyOf(added);
      alreadyBlocked = alreadyBlocked == null ? List.of() : List.copyOf(alreadyBlocked);
    }
  }

  /**
   * @param revoked        key ids this recovery revoked
   * @param alreadyRevoked key ids that were revoked before
   * @param unknown        key ids the table does not have
   */
  public record Revocation(List<String> revoked, List<String> alreadyRevoked, List<String> unknown) {
    @JsonCreator
    public Revocation {
      revoked = revoked == null ? List.of() : List.copyOf(revoked);
      alreadyRevoked = alreadyRevoked == null ? List.of() : List.copyOf(alreadyRevoked);
      unknown = unknown == null ? List.of() : List.copyOf(unknown);
    }
  }

  /**
   * @param cluster         ECS cluster
   * @param service         the isolated service
   * @param previousDesired its desired count before isolation: what RestoreGradually brings back
   * @param isolatedAt      when UpdateService(desiredCount 0) was sent (or planned)
   */
  public record Isolation(String cluster, String service, Integer previousDesired, String isolatedAt) {}

  /**
   * @param counts  the desired counts to go through, ending at the remembered one
   * @param index   the step reached (its count is set)
   * @param stable  the current step's tasks run and its targets are healthy
   * @param done    the last step is stable: the service is back
   * @param status  the last check's "running/desired, N healthy"
   * @param polls   checks in the current step
   * @param since   when the current step's count was set: the start of the window its error rate is measured over
   * @param soakSeconds the current step is stable but younger than {@code pollSeconds}: its error rate is judged
   *                    after this many more seconds (the state machine's "Soak restore step"); null otherwise
   */
  public record Restore(List<Integer> counts, int index, boolean stable, boolean done, String status, int polls,
      String since, Integer soakSeconds) {
    @JsonCreator
    public Restore {
      counts = counts == null ? List.of() : List.copyOf(counts);
    }

    public Restore(List<Integer> counts, int index, boolean stable, boolean done, String status, int polls,
        String since) {
      this(counts, index, stable, done, status, polls, since, null);
    }
  }

  /**
   * One containment action, for the report.
   *
   * @param at     when
   * @param step   the step that took it
   * @param action what, e.g. "blocked 203.0.113.7/32 until 2026-12-05T18:00:00Z"
   */
  public record Action(String at, String step, String action) {}

  /**
   * The runbook's Investigation.
   *
   * @param from         start of the window searched
   * @param to           its end
   * @param logGroup     the API's log group searched, or null
   * @param eventsRead   log events FilterLogEvents returned
   * @param errorEvents  those that are JSON with a numeric status of at least 400 (judged here, not by the service)
   * @param capped       more events were there than were read
   * @param byIp         error events by client address, largest first (at most 10)
   * @param byPath       by request path
   * @param byKey        by API key id
   * @param threats      the audit_logs threat aggregation, as the runbook's query returns it
   * @param proposedKeys keys with threats, active and not yet contained: the second round revokes them after approval
   * @param secondRound  there is something to propose ({@code $.security.investigation.secondRound})
   * @param proposedIps  of the addresses counted, those that may be blocked (public, not allow-listed) and that no
   *                     block of this recovery covers, as /32 or /128; judged here with the settings, so the report
   *                     and a later round of blocks need not judge again. Null in a document written before it
   *                     existed
   */
  public record Investigation(String from, String to, String logGroup, int eventsRead, int errorEvents,
      boolean capped, Map<String, Integer> byIp, Map<String, Integer> byPath, Map<String, Integer> byKey,
      List<Threat> threats, List<String> proposedKeys, boolean secondRound, List<String> proposedIps) {
    @JsonCreator
    public Investigation {
      byIp = byIp == null ? Map.of() : new java.util.LinkedHashMap<>(byIp);
      byPath = byPath == null ? Map.of() : new java.util.LinkedHashMap<>(byPath);
      byKey = byKey == null ? Map.of() : new java.util.LinkedHashMap<>(byKey);
      threats = threats == null ? List.of() : List.copyOf(threats);
      proposedKeys = proposedKeys == null ? List.of() : List.copyOf(proposedKeys);
      proposedIps = proposedIps == null ? null : List.copyOf(proposedIps);
    }
  }

  /** One row of the threat aggregation: the key, its threat count, the distinct categories. */
  public record Threat(String apiKeyId, long count, List<String> categories) {
    @JsonCreator
    public Threat {
      categories = categories == null ? List.of() : List.copyOf(categories);
    }
  }
}
