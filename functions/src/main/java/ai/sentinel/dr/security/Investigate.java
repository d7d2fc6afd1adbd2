package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.security.SecurityState.Action;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

/**
 * Scenario 6 "Investigation", the runbook's two queries. (1) {@code FilterLogEvents} on the API's log group over the
 * evidence window with {@code { $.status >= 400 }}; every event returned is judged again here (a JSON line whose
 * numeric status is at least 400), because a service that does not evaluate JSON patterns (moto 5.2.1 without the
 * launcher's F13) returns everything, and summarised by address, path and API key. (2) The {@code audit_logs} threat aggregation by api_key_id over JDBC,
 * exactly as the runbook writes it. API keys with threats that are not yet revoked and were not already contained are
 * proposed for a second containment round ({@code $.security.investigation.secondRound}), which waits for an approval
 * before RevokeFoundKeys (the RevokeApiKeys function) revokes them. Read-only: it changes nothing, so a dry-run runs it
 * too.
 */
@UsesSettings(SecuritySettings.class)
public final class Investigate extends Step {
  /** The runbook's query, verbatim. */
  static final String THREATS_SQL = """
      SELECT api_key_id, COUNT(*), array_agg(DISTINCT threat_details->>'category')
      FROM audit_logs
      WHERE created_at > NOW() - INTERVAL '24 hours'
      AND is_threat = true
      GROUP BY api_key_id
      ORDER BY COUNT(*) DESC
      LIMIT 20""";
  static final String FILTER = "{ $.status >= 400 }";
  /** Log events read at most (pages of FilterLogEvents); the summary says when the cap was reached. */
  static final int MAX_EVENTS = 20_000;
  static final int TOP = 10;

  public Investigate() {
    this(Deps.fromProcessEnv());
  }

  public Investigate(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public Investigate(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "Investigate";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    SecurityState state = recovery.part(SecurityState.PART);
    if (state == null || state.assessment() == null) {
      throw new StepFailedError("Investigate needs Assess's result");
    }
    if (state.investigation() != null) {
      return recovery;
    }
    SecuritySettings settings = SecuritySettings.of(deps.config());
    SecuritySettings.Evidence evidence = settings.evidence();
    String group = evidence == null ? null : evidence.logGroup();
    int hours = evidence == null ? 24 : evidence.windowHours();
    Instant to = Instant.now(deps.clock());
    Instant from = to.minus(Duration.ofHours(hours));
    Requests requests = group == null ? new Requests(0, 0, false, Map.of(), Map.of(), Map.of())
        : requests(group, from, to);
    List<SecurityState.Threat> threats = threats(settings);
    Set<String> contained = new LinkedHashSet<>(state.assessment().indicators().apiKeyIds());
    if (state.revocation() != null) {
      contained.addAll(state.revocation().revoked());
      contained.addAll(state.revocation().alreadyRevoked());
    }
    List<String> candidates = threats.stream().map(SecurityState.Threat::apiKeyId)
        .filter(k -> k != null && SecurityIncidentSignals.API_KEY_ID.matcher(k).matches() && !contained.contains(k))
        .toList();
    List<String> proposed = active(settings, candidates);
    List<String> ips = unblocked(requests.byIp().keySet(), settings, state);
    SecurityState.Investigation investigation = new SecurityState.Investigation(from.toString(), to.toString(),
        group, requests.read(), requests.matched(), requests.capped(), requests.byIp(), requests.byPath(),
        requests.byKey(), threats, proposed, !proposed.isEmpty() || !ips.isEmpty(), ips);
    String summary = (group == null ? "no log group configured" : requests.matched() + " of " + requests.read()
        + " events in " + group + " with status >= 400" + (requests.capped() ? " (first " + MAX_EVENTS + " read)"
        : "") + "; by address " + requests.byIp()) + "; threats in audit_logs by key " + threats.stream()
        .map(t -> t.apiKeyId() + "=" + t.count()).toList();
    SecurityState next = state.withInvestigation(investigation).withAction(new Action(now(), name(),
        "investigated: " + summary + (proposed.isEmpty() ? "; no further API key to revoke"
            : "; proposed for revocation (after approval): " + proposed) + (ips.isEmpty() ? ""
            : "; proposed for blocking (after approval): " + ips)));
    return recovery.with(SecurityState.PART, next).log(entry("investigated", summary)).log(entry("decided",
        !investigation.secondRound() ? "nothing further to contain" : "second round proposed, waits for approval: "
            + (proposed.isEmpty() ? "" : "revoke " + proposed) + (proposed.isEmpty() || ips.isEmpty() ? "" : ", ")
            + (ips.isEmpty() ? "" : "block " + ips)));
  }

  /**
   * Of the addresses seen, those a block may take (public, not allow-listed: {@link SecurityEvents#refusal}) that no
   * range this recovery blocked or found blocked covers, normalised to /32 or /128. Unparsable ones ("?" for a line
   * without an address) are left out: there is nothing to block.
   */
  static List<String> unblocked(Collection<String> seen, SecuritySettings settings, SecurityState state) {
    List<IpRanges.Range> covered = new ArrayList<>();
    List<String> blocked = new ArrayList<>(state.assessment().indicators().ips());
    if (state.blocks() != null) {
      blocked.addAll(state.blocks().added());
      blocked.addAll(state.blocks().alreadyBlocked());
    }
    for (String cidr : blocked) {
      try {
        covered.add(IpRanges.parse(cidr));
      } catch (IpRanges.NotAnIp e) {
        // a refused indicator Assess kept as text: covers nothing
      }
    }
    Set<String> out = new LinkedHashSet<>();
    for (String ip : seen) {
      try {
        IpRanges.Range range = IpRanges.parse(ip);
        if (SecurityEvents.refusal(range, settings) == null && covered.stream().noneMatch(range::overlaps)) {
          out.add(range.cidr());
        }
      } catch (IpRanges.NotAnIp e) {
        // nothing to block
      }
    }
    return List.copyOf(out);
  }

  /** Counts of requests by address, path and key. */
  record Requests(int read, int matched, boolean capped, Map<String, Integer> byIp, Map<String, Integer> byPath,
      Map<String, Integer> byKey) {}

  private Requests requests(String group, Instant from, Instant to) {
    Map<String, Integer> byIp = new TreeMap<>();
    Map<String, Integer> byPath = new TreeMap<>();
    Map<String, Integer> byKey = new TreeMap<>();
    int read = 0;
    int matched = 0;
    String token = null;
    do {
      String next = token;
      FilterLogEventsResponse page = deps.clients().logs().filterLogEvents(b -> b.logGroupName(group)
          .startTime(from.toEpochMilli()).endTime(to.toEpochMilli()).filterPattern(FILTER).nextToken(next));
      for (FilteredLogEvent e : page.events()) {
        read++;
        JsonNode line = statusAtLeast400(e.message());
        if (line != null) {
          matched++;
          count(byIp, line.path("ip").asText(line.path("remote_addr").asText("?")));
          count(byPath, line.path("path").asText("?"));
          count(byKey, line.path("api_key_id").asText("-"));
        }
      }
      token = page.nextToken();
    } while (token != null && read < MAX_EVENTS);
    return new Requests(read, matched, token != null, top(byIp), top(byPath), top(byKey));
  }

  /** The event as JSON when it is a JSON object whose numeric {@code status} is at least 400, else null. */
  static JsonNode statusAtLeast400(String message) {
    if (message == null || !message.trim().startsWith("{")) {
      return null;
    }
    try {
      JsonNode line = Json.tree(message);
      JsonNode status = line.path("status");
      return status.isNumber() && status.asDouble() >= 400 ? line : null;
    } catch (RuntimeException e) {
      return null; // not JSON: the pattern does not match it on AWS either
    }
  }

  private static void count(Map<String, Integer> counts, String key) {
    counts.merge(key.length() > 200 ? key.substring(0, 200) : key, 1, Integer::sum);
  }

  /** The {@link #TOP} largest counts, largest first. */
  private static Map<String, Integer> top(Map<String, Integer> counts) {
    Map<String, Integer> out = new LinkedHashMap<>();
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(TOP)
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private List<SecurityState.Threat> threats(SecuritySettings settings) {
    SecuritySettings.ApiKeys keys = settings.apiKeys();
    if (keys == null) {
      return List.of();
    }
    DatabaseUrl url = AppDatabase.url(deps.clients(), keys.secretId(), "AWSCURRENT");
    List<SecurityState.Threat> out = new ArrayList<>();
    try (Connection c = AppDatabase.connect(settings, url); PreparedStatement st = c.prepareStatement(THREATS_SQL);
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        Array categories = rs.getArray(3);
        List<String> list = categories == null ? List.of() : Arrays.stream((Object[]) categories.getArray())
            .map(String::valueOf).toList();
        out.add(new SecurityState.Threat(rs.getString(1), rs.getLong(2), list));
      }
      c.rollback();
    } catch (SQLException e) {
      throw AppDatabase.failure("Investigate: the audit_logs threat query", e);
    }
    return out;
  }

  /** The candidates that exist in the key table and are not revoked yet. */
  private List<String> active(SecuritySettings settings, List<String> candidates) {
    SecuritySettings.ApiKeys keys = settings.apiKeys();
    if (candidates.isEmpty() || keys == null) {
      return List.of();
    }
    DatabaseUrl url = AppDatabase.url(deps.clients(), keys.secretId(), "AWSCURRENT");
    List<String> out = new ArrayList<>();
    try (Connection c = AppDatabase.connect(settings, url);
        PreparedStatement st = c.prepareStatement("SELECT " + keys.idColumn() + "::text FROM " + keys.table()
            + " WHERE " + keys.idColumn() + "::text = ANY(?) AND " + keys.revokedColumn() + " IS NULL")) {
      st.setArray(1, c.createArrayOf("text", candidates.toArray(String[]::new)));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      c.rollback();
    } catch (SQLException e) {
      throw AppDatabase.failure("Investigate: reading " + keys.table(), e);
    }
    return candidates.stream().filter(out::contains).toList();
  }
}
