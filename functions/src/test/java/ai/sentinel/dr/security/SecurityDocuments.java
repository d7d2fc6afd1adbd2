package ai.sentinel.dr.security;

import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import ai.sentinel.dr.security.EvidenceState.EvidenceObject;
import ai.sentinel.dr.security.SecurityState.Action;
import ai.sentinel.dr.security.SecurityState.Assessment;
import ai.sentinel.dr.security.SecurityState.Containment;
import ai.sentinel.dr.security.SecurityState.Indicators;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Security recovery documents as the state machine leaves them, for the report tests (here and in report/). */
public final class SecurityDocuments {
  public static final String NAME = "security-incident-203-0-113-77-0123456789ab";
  public static final String PREFIX = "incidents/" + NAME + "/";
  public static final String MANIFEST_SHA = "9f2c4e1a7b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";
  public static final String LOG_SHA = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809";

  private SecurityDocuments() {}

  private static TimelineEntry at(String hhmmss, String step, String event, String detail) {
    return new TimelineEntry("2026-01-17T" + hhmmss + "Z", step, event, detail);
  }

  /**
   * An active breach from 203.0.113.77 with the stolen key key-7f3a91: blocked, revoked, both secrets rotated,
   * evidence preserved and hashed, isolated then restored, investigated (a second key, key-51c0de, revoked after its
   * approval; 198.51.100.77 seen but not blocked), four heightened alarms for 48 h, every containment verified.
   */
  public static Recovery contained() {
    Recovery r = Recovery.start(SecurityIncident.ID, "203.0.113.77", NAME, "dev", new Trigger("security-event",
        "eventbridge", "a2b4c6d8", "2026-01-17T10:02:11Z", "GuardDuty UnauthorizedAccess:IAMUser/"
        + "InstanceCredentialExfiltration.OutsideAWS (severity 8.0)"), new Options(null, "latest", null, false, 30, 5));
    Assessment a = new Assessment("P1", "active breach: credentials used from outside AWS", "guardduty",
        "the API task role's credentials used from 203.0.113.77", new Indicators(List.of("203.0.113.77/32"),
        List.of("key-7f3a91"), "sentinel-api-task-role", null, "a2b4c6d8",
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", 8.0),
        List.of("10.1.2.3/32 is a private, loopback, link-local or multicast range, never blocked"), true,
        new Containment(true, true, true), "2026-01-17T10:02:20Z");
    Map<String, Integer> byIp = new LinkedHashMap<>();
    byIp.put("203.0.113.77", 41);
    byIp.put("198.51.100.77", 3);
    byIp.put("?", 1);
    Map<String, Integer> byPath = new LinkedHashMap<>();
    byPath.put("/api/v1/users/export", 30);
    byPath.put("/api/v1/login", 15);
    Map<String, Integer> byKey = new LinkedHashMap<>();
    byKey.put("key-7f3a91", 38);
    byKey.put("-", 7);
    SecurityState state = SecurityState.assessed(a)
        .withAction(new Action("2026-01-17T10:02:20Z", "Assess", "assessed P1, active breach"))
        .withBlocks(new SecurityState.Blocks(List.of("203.0.113.77/32"), List.of(), "2026-01-18T10:02:31Z", 3, 1))
        .withAction(new Action("2026-01-17T10:02:31Z", "BlockIps", "blocked 203.0.113.77/32 until "
            + "2026-01-18T10:02:31Z in sentinel-blocklist"))
        .withAction(new Action("2026-01-17T10:02:40Z", "RevokeApiKeys", "revoked API key key-7f3a91 in api_keys"))
        .withIsolation(new SecurityState.Isolation("sentinel-production", "sentinel-api", 3, "2026-01-17T10:06:00Z"))
        .withAction(new Action("2026-01-17T10:06:00Z", "Isolate", "scaled sentinel-api to 0 (was 3)"))
        .withInvestigation(new SecurityState.Investigation("2026-01-16T10:05:00Z", "2026-01-17T10:05:00Z",
            "/ecs/sentinel-api", 120, 45, false, byIp, byPath, byKey, List.of(
                new SecurityState.Threat("key-7f3a91", 12, List.of("sql_injection", "pii_exfiltration")),
                new SecurityState.Threat("key-51c0de", 4, List.of("pii_exfiltration"))),
            List.of("key-51c0de"), true, List.of("198.51.100.77/32")))
        .withRevocation(new SecurityState.Revocation(List.of("key-7f3a91", "key-51c0de"), List.of(), List.of()))
        .withAction(new Action("2026-01-17T10:09:10Z", "RevokeFoundKeys", "revoked API key key-51c0de in api_keys"))
        .withRestore(new SecurityState.Restore(List.of(1, 2, 3), 2, true, true, "3/3, 3 healthy", 4,
            "2026-01-17T10:11:00Z"))
        .withAction(new Action("2026-01-17T10:12:00Z", "RestoreGradually", "restored sentinel-api to 3"));
    Map<String, RotationState.Secret> secrets = new LinkedHashMap<>();
    secrets.put("sentinel/jwt-secret", new RotationState.Secret("v-jwt-old", "v-jwt-new", "2026-01-17T10:02:50Z",
        "2026-01-17T10:03:20Z"));
    secrets.put("sentinel/database-url", new RotationState.Secret("v-db-old", "v-db-new", "2026-01-17T10:02:50Z",
        "2026-01-17T10:03:40Z"));
    EvidenceState evidence = new EvidenceState("dev-sentinel-dr-evidence-123456789012", PREFIX,
        "2026-01-16T10:02:11Z", "2026-01-17T10:04:00Z", "task-1", "sentinel-db-evidence-0123456789ab", List.of(
            new EvidenceObject(PREFIX + "signal.json", 2048, "5e8d" + LOG_SHA.substring(4)),
            new EvidenceObject(PREFIX + "logs/task-1/api/000000.gz", 81920, LOG_SHA)),
        PREFIX + "manifest.json", true, 2, MANIFEST_SHA, 365);
    MonitoringState monitoring = new MonitoringState(List.of(
        new MonitoringState.Alarm("dev-sentinel-dr-heightened-0123456789ab-http-4xx",
            "AWS/ApplicationELB HTTPCode_Target_4XX_Count [LoadBalancer=app/sentinel-alb/0123456789abcdef]", 40),
        new MonitoringState.Alarm("dev-sentinel-dr-heightened-0123456789ab-waf-blocked",
            "AWS/WAFV2 BlockedRequests [WebACL=sentinel-waf, Region=us-east-1, Rule=ALL]", 20)),
        "2026-01-19T10:12:30Z", "dev-sentinel-dr-heightened-end-0123456789ab", "2026-01-17T10:12:30Z");
    return r.with(SecurityState.PART, state).with(RotationState.PART, new RotationState(secrets, true, 2))
        .with(EvidenceState.PART, evidence).with(MonitoringState.PART, monitoring)
        .log(at("10:02:20", "Assess", "decided", "P1, active breach"))
        .log(at("10:02:31", "BlockIps", "verified", "203.0.113.77/32 in sentinel-blocklist"))
        .log(at("10:02:40", "RevokeApiKeys", "verified", "all 1 API key(s) are revoked"))
        .log(at("10:12:00", "RestoreGradually", "verified", "sentinel-api back at 3"))
        .log(at("10:12:30", "HeightenedMonitoring", "monitoring", "2 temporary alarm(s) until 2026-01-19T10:12:30Z"))
        .log(at("10:12:40", "VerifyContainment", "verified", "[blocked at WAF PASS, service restored PASS]"))
        .withVerification(Verification.of(List.of(new Check("ip-set", Result.PASS, "203.0.113.77/32 blocked"))));
  }
}
