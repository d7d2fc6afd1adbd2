package ai.sentinel.dr.drill.security;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.drill.ecs.EcsServiceFailure;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.security.EvidenceState;
import ai.sentinel.dr.security.SecuritySettings;
import ai.sentinel.dr.security.SecurityState;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * What the security drill checks in the local cloud and the application database, independently of what the recovery
 * says about itself: each answer is read from the resource (the IP set, the block records, the secrets' versions and
 * values, PostgreSQL logins, the evidence objects' bytes, the service). Secret values are compared, never printed.
 */
final class SecurityChecks {
  private SecurityChecks() {}

  /**
   * The seeded state the checks compare with.
   *
   * @param versions AWSCURRENT version id per rotated secret
   * @param values   AWSCURRENT value per rotated secret (compared only, never printed)
   * @param desired  the isolated service's desired count
   */
  record Before(Map<String, String> versions, Map<String, String> values, int desired) {}

  static Before before(LocalSentinel sentinel) {
    SecuritySettings settings = SecuritySettings.of(sentinel.config);
    Map<String, String> versions = new LinkedHashMap<>();
    Map<String, String> values = new LinkedHashMap<>();
    for (String id : settings.rotation().secretIds()) {
      var v = sentinel.aws.secrets.getSecretValue(b -> b.secretId(id).versionStage("AWSCURRENT"));
      versions.put(id, v.versionId());
      values.put(id, v.secretString());
    }
    Service api = EcsServiceFailure.describe(sentinel, settings.isolation().service());
    return new Before(versions, values, api.desiredCount());
  }

  /** {@code count} threat rows for the stolen key in audit_logs, within the investigation's window. */
  static void recordThreats(LocalSentinel sentinel, int count) {
    String[] categories = {"sql_injection", "pii_export"};
    try (Connection c = connect(sentinel); Statement st = c.createStatement()) {
      for (int i = 0; i < count; i++) {
        st.execute("INSERT INTO audit_logs (api_key_id, action, created_at, is_threat, threat_details) VALUES ('"
            + SecuritySeed.STOLEN_KEY + "', 'users.export', now() - interval '" + (5 + i) + " minutes', true, "
            + "'{\"category\": \"" + categories[i % 2] + "\"}')");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("recording the attack in audit_logs failed: " + e.getSQLState(), e);
    }
  }

  private static Connection connect(LocalSentinel sentinel) throws SQLException {
    String id = DatabaseSettings.of(sentinel.config).secretId();
    String value = sentinel.aws.secrets.getSecretValue(b -> b.secretId(id).versionStage("AWSCURRENT")).secretString();
    return SecuritySeed.connect(value, sentinel.part(SecuritySeed.class).localAddress());
  }

  /** Prints each check with its result; true when every one holds. */
  static boolean confirm(LocalSentinel sentinel, Before before, Recovery recovery, PrintStream out) {
    SecuritySettings settings = SecuritySettings.of(sentinel.config);
    boolean ok = true;
    List<String> set = SecurityIncidentDrill.ipSet(sentinel);
    String attacker = SecurityIncidentDrill.ATTACKER + "/32";
    List<String> allowListed = set.stream().filter(a -> settings.allowedRanges().stream()
        .anyMatch(r -> r.overlaps(ai.sentinel.dr.security.IpRanges.parse(a)))).toList();
    String accomplice = SecurityIncidentDrill.ACCOMPLICE + "/32";
    ok &= check(out, set.contains(attacker) && set.contains(SecuritySeed.HAND_BLOCKED) && allowListed.isEmpty(),
        "WAF IP set " + set + ": " + attacker + " blocked, the hand-added " + SecuritySeed.HAND_BLOCKED + " kept, "
        + "allow-listed entries " + allowListed);
    ok &= check(out, set.contains(accomplice), "second round: " + accomplice + ", found only by the investigation, "
        + (set.contains(accomplice) ? "blocked after the approval" : "NOT BLOCKED"));
    Map<String, AttributeValue> record = sentinel.aws.dynamoDb.getItem(b -> b.tableName(SecuritySettings
        .blocksTable(sentinel.config.environment())).key(Map.of("cidr", AttributeValue.fromS(attacker)))).item();
    ok &= check(out, record != null && record.containsKey("expiresAtIso") && record.containsKey("reason"),
        "block record of " + attacker + ": " + (record == null || record.isEmpty() ? "none"
            : "expires " + record.get("expiresAtIso").s() + ", by " + record.get("blockedBy").s()));
    for (String id : settings.rotation().secretIds()) {
      var now = sentinel.aws.secrets.getSecretValue(b -> b.secretId(id).versionStage("AWSCURRENT"));
      boolean moved = !now.versionId().equals(before.versions().get(id));
      boolean changed = !now.secretString().equals(before.values().get(id));
      ok &= check(out, moved && changed, "secret " + id + ": AWSCURRENT " + before.versions().get(id) + " -> "
          + now.versionId() + (changed ? ", value changed" : ", value UNCHANGED"));
    }
    ok &= databaseLogins(sentinel, before, out);
    ok &= investigation(sentinel, recovery, out);
    ok &= evidence(sentinel, recovery, out);
    ok &= MonitoringChecks.confirm(sentinel, recovery, out);
    String api = settings.isolation().service();
    boolean isolated = recovery.timeline().stream().anyMatch(e -> "Isolate".equals(e.step())
        && e.detail() != null && e.detail().contains(api));
    Service now = EcsServiceFailure.describe(sentinel, api);
    ok &= check(out, isolated && now.desiredCount() == before.desired() && now.runningCount() == before.desired(),
        api + " isolated (approved) then restored in steps: now " + now.runningCount() + "/" + now.desiredCount()
        + " (before " + before.desired() + ")");
    SecurityState state = recovery.part(SecurityState.PART);
    // each step's error rate was read from the load balancer's metrics (not skipped, not unmeasured)
    int steps = state == null || state.restore() == null ? -1 : state.restore().counts().size();
    long judged = recovery.timeline().stream().filter(e -> "RestoreGradually".equals(e.step()) && e.detail() != null
        && e.detail().contains("% target 5xx (")).count();
    ok &= check(out, judged == steps, "restore error rate measured on " + settings.isolation().loadBalancer()
        + " after " + judged + " of " + steps + " steps");
    out.println("containment timeline:");
    if (state != null) {
      state.actions().forEach(a -> out.println("  " + a.at() + "  " + a.step() + ": " + a.action()));
    }
    return ok;
  }

  /** The database role's password really changed: the new URL logs in and runs SELECT 1, the old one is refused. */
  private static boolean databaseLogins(LocalSentinel sentinel, Before before, PrintStream out) {
    SecuritySeed seed = sentinel.part(SecuritySeed.class);
    if (!seed.tables()) {
      return check(out, false, "application database: no local PostgreSQL, the rotation cannot be checked");
    }
    String id = SecuritySettings.of(sentinel.config).rotation().databaseSecretId();
    String current = sentinel.aws.secrets.getSecretValue(b -> b.secretId(id).versionStage("AWSCURRENT"))
        .secretString();
    boolean newWorks;
    try (Connection c = SecuritySeed.connect(current, seed.localAddress()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT 1")) {
      newWorks = rs.next() && rs.getInt(1) == 1;
    } catch (SQLException e) {
      newWorks = false;
    }
    boolean oldRefused;
    try (Connection c = SecuritySeed.connect(before.values().get(id), seed.localAddress())) {
      oldRefused = false;
    } catch (SQLException e) {
      oldRefused = "28P01".equals(e.getSQLState());
    }
    return check(out, newWorks && oldRefused, "database role " + DatabaseUrl.parse(current).user() + ": the new "
        + "URL " + (newWorks ? "connects (SELECT 1)" : "DOES NOT CONNECT") + ", the old password "
        + (oldRefused ? "is refused" : "STILL WORKS"));
  }

  /**
   * The investigation counted exactly the attack's requests with a status of at least 400 (the seeded plain-text lines
   * and the attack's 200s do not count), and the second round revoked the stolen key, and only it.
   */
  private static boolean investigation(LocalSentinel sentinel, Recovery recovery, PrintStream out) {
    SecurityState s = recovery.part(SecurityState.PART);
    SecurityState.Investigation inv = s == null ? null : s.investigation();
    long expected = SecurityIncidentDrill.STATUSES.stream().filter(c -> c >= 400).count()
        + SecurityIncidentDrill.ACCOMPLICE_STATUSES.size() + 1; // the office's 404 counts, it is never blocked
    List<String> proposedIps = inv == null ? null : inv.proposedIps();
    boolean counted = inv != null && inv.errorEvents() == expected
        && List.of(SecurityIncidentDrill.ACCOMPLICE + "/32").equals(proposedIps);
    boolean ok = check(out, counted, "investigation: " + (inv == null ? "none" : inv.errorEvents() + " of "
        + inv.eventsRead() + " events with status >= 400 (expected " + expected + "), by address " + inv.byIp()
        + ", threats " + inv.threats().stream().map(t -> t.apiKeyId() + "=" + t.count()).toList()
        + ", addresses proposed " + proposedIps));
    if (!sentinel.part(SecuritySeed.class).tables()) {
      return false;
    }
    Map<String, Boolean> revoked = new LinkedHashMap<>();
    try (Connection c = connect(sentinel); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id::text, revoked_at IS NOT NULL FROM api_keys ORDER BY id")) {
      while (rs.next()) {
        revoked.put(rs.getString(1), rs.getBoolean(2));
      }
    } catch (SQLException e) {
      return check(out, false, "api_keys could not be read: " + e.getSQLState());
    }
    boolean keys = Boolean.TRUE.equals(revoked.get(SecuritySeed.STOLEN_KEY))
        && SecuritySeed.OTHER_KEYS.stream().noneMatch(k -> Boolean.TRUE.equals(revoked.get(k)));
    return ok & check(out, keys, "api_keys revoked: " + revoked);
  }

  /** Every object the manifest lists exists with the size and SHA-256 it records; the finding is among them. */
  private static boolean evidence(LocalSentinel sentinel, Recovery recovery, PrintStream out) {
    EvidenceState e = recovery.part(EvidenceState.PART);
    if (e == null || e.manifestKey() == null) {
      return check(out, false, "evidence: no manifest recorded");
    }
    JsonNode manifest = Json.tree(sentinel.aws.s3.getObjectAsBytes(b -> b.bucket(e.bucket()).key(e.manifestKey()))
        .asUtf8String());
    int matching = 0;
    int listed = 0;
    for (JsonNode o : manifest.path("objects")) {
      listed++;
      byte[] bytes = sentinel.aws.s3.getObjectAsBytes(b -> b.bucket(e.bucket()).key(o.path("key").asText()))
          .asByteArray();
      if (bytes.length == o.path("size").asLong() && sha256(bytes).equals(o.path("sha256").asText())) {
        matching++;
      }
    }
    boolean exported = manifest.path("exportTask").isTextual();
    return check(out, listed > 0 && matching == listed && exported, "evidence s3://" + e.bucket() + "/"
        + e.manifestKey() + ": " + matching + " of " + listed + " objects match their size and SHA-256; log export "
        + manifest.path("exportTask").asText("NONE") + ", snapshot " + manifest.path("databaseSnapshot").asText("-"));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean check(PrintStream out, boolean ok, String what) {
    out.println((ok ? "  PASS  " : "  FAIL  ") + what);
    return ok;
  }
}
