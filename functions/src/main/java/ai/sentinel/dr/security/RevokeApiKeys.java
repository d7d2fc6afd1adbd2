package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.VerificationFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.security.SecuritySettings.ApiKeys;
import ai.sentinel.dr.security.SecurityState.Action;
import ai.sentinel.dr.security.SecurityState.Revocation;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scenario 6 "Immediate Response" 2, "revoke compromised API keys", over JDBC on the application database:
 * {@code UPDATE <table> SET <revoked> = now() WHERE <id>::text = ANY(?) AND <revoked> IS NULL} with the table and
 * columns from cdk.json ({@code security.apiKeys}, validated identifiers) and the key ids from the assessment as one
 * array parameter. In one transaction the requested rows are read first (locked): an id the table does not have
 * rejects the whole revocation with nothing changed (a mistyped id must not pass for a contained key), keys revoked
 * before are left as they are, the rest are revoked and the table read again to verify. Only ids are recorded, never
 * key material. A second run finds every key revoked and sends nothing.
 */
public final class RevokeApiKeys extends Step {
  /** Keys one incident revokes at most (one array parameter; a larger list is not one attacker's). */
  static final int MAX_KEYS = 1000;

  public RevokeApiKeys() {
    this(Deps.fromProcessEnv());
  }

  public RevokeApiKeys(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RevokeApiKeys(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "RevokeApiKeys";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    SecurityState state = recovery.part(SecurityState.PART);
    if (state == null || state.assessment() == null) {
      throw new StepFailedError("RevokeApiKeys needs Assess's result");
    }
    SecuritySettings settings = SecuritySettings.of(deps.config());
    ApiKeys table = settings.apiKeys();
    List<String> keys = keys(state);
    if (keys.isEmpty()) {
      return recovery.log(entry("decided", "no API key named by the assessment or the investigation: nothing to "
          + "revoke"));
    }
    DatabaseUrl url = AppDatabase.url(deps.clients(), table.secretId(), "AWSCURRENT");
    String where = table.table() + " on " + AppDatabase.address(settings, url) + "/" + url.database();
    try (Connection c = AppDatabase.connect(settings, url)) {
      Map<String, Boolean> found = lookup(c, table, keys, where);
      List<String> unknown = keys.stream().filter(k -> !found.containsKey(k)).toList();
      if (!unknown.isEmpty()) {
        c.rollback();
        throw new StepFailedError("RevokeApiKeys: " + table.table() + " has no API key " + quoted(unknown)
            + " (" + unknown.size() + " of " + keys.size() + " requested): nothing was revoked; check the ids and "
            + "start the revocation again");
      }
      List<String> already = keys.stream().filter(found::get).toList();
      List<String> pending = keys.stream().filter(k -> !found.get(k)).toList();
      List<String> before = state.revocation() == null ? List.of() : state.revocation().revoked();
      if (pending.isEmpty()) {
        c.rollback();
        // a re-run after a lost answer: what this recovery revoked stays its own
        List<String> earlier = already.stream().filter(before::contains).toList();
        List<String> others = already.stream().filter(k -> !before.contains(k)).toList();
        return recovery.with(SecurityState.PART, state.withRevocation(new Revocation(earlier, others, List.of())))
            .log(entry("verified", "all " + keys.size() + " API key(s) are revoked in " + where));
      }
      Mutation<List<String>> sent = mutate(recovery, "postgres", "UPDATE", table.table(), table.revokeSql()
          + " with ids " + pending, () -> update(c, table, pending, where));
      if (!sent.sent()) {
        c.rollback();
        return sent.recovery().with(SecurityState.PART, state.withRevocation(new Revocation(List.of(), already,
            List.of()))).log(entry("would-revoke", pending.size() + " API key(s) in " + where + ": " + pending));
      }
      Map<String, Boolean> after = lookup(c, table, keys, where);
      c.rollback();
      List<String> notRevoked = keys.stream().filter(k -> !Boolean.TRUE.equals(after.get(k))).toList();
      if (!notRevoked.isEmpty()) {
        throw new VerificationFailedError("RevokeApiKeys: " + quoted(notRevoked) + " still not revoked in " + where
            + " after the update");
      }
      List<String> revoked = new ArrayList<>(before);
      sent.response().stream().filter(k -> !revoked.contains(k)).forEach(revoked::add);
      SecurityState next = state.withRevocation(new Revocation(revoked, already, List.of()));
      for (String key : sent.response()) {
        next = next.withAction(new Action(now(), name(), "revoked API key " + key + " in " + table.table()));
      }
      return sent.recovery().with(SecurityState.PART, next).log(entry("revoked", sent.response().size()
          + " API key(s) in " + where + ": " + sent.response() + (already.isEmpty() ? ""
          : "; revoked before: " + already))).log(entry("verified", "all " + keys.size() + " API key(s) are revoked"));
    } catch (SQLException e) {
      throw AppDatabase.failure("RevokeApiKeys on " + where, e);
    }
  }

  /**
   * The assessment's key ids and, in the second round, the investigation's, checked again: a hand-started execution
   * may carry anything.
   */
  private static List<String> keys(SecurityState state) {
    Set<String> keys = new LinkedHashSet<>();
    List<String> named = new ArrayList<>(state.assessment().indicators().apiKeyIds());
    if (state.investigation() != null && state.investigation().secondRound()) {
      // the second round (RevokeFoundKeys) runs only after a human approved the investigation's proposal
      named.addAll(state.investigation().proposedKeys());
    }
    for (String key : named) {
      if (key == null || !SecurityIncidentSignals.API_KEY_ID.matcher(key).matches()) {
        throw new StepFailedError("RevokeApiKeys: '" + SecurityIncidentSignals.quote(key) + "' is not an API key id: "
            + "nothing was revoked");
      }
      keys.add(key);
    }
    if (keys.size() > MAX_KEYS) {
      throw new StepFailedError("RevokeApiKeys: " + keys.size() + " API keys is more than one incident revokes ("
          + MAX_KEYS + "): nothing was revoked; revoke them in batches by hand");
    }
    return List.copyOf(keys);
  }

  private static Map<String, Boolean> lookup(Connection c, ApiKeys table, List<String> keys, String where) {
    Map<String, Boolean> found = new LinkedHashMap<>();
    try (PreparedStatement st = c.prepareStatement(table.lookupSql())) {
      st.setArray(1, array(c, keys));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          found.put(rs.getString(1), rs.getBoolean(2));
        }
      }
    } catch (SQLException e) {
      throw AppDatabase.failure("RevokeApiKeys: reading " + where, e);
    }
    return found;
  }

  private static List<String> update(Connection c, ApiKeys table, List<String> keys, String where) {
    List<String> revoked = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement(table.revokeSql())) {
      st.setArray(1, array(c, keys));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          revoked.add(rs.getString(1));
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw AppDatabase.failure("RevokeApiKeys: updating " + where, e);
    }
    return revoked;
  }

  private static Array array(Connection c, List<String> keys) throws SQLException {
    return c.createArrayOf("text", keys.toArray(String[]::new));
  }

  private static String quoted(List<String> keys) {
    List<String> shown = keys.stream().limit(10).map(SecurityIncidentSignals::quote).toList();
    return shown + (keys.size() > shown.size() ? " and " + (keys.size() - shown.size()) + " more" : "");
  }
}
