package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.IncidentReport.ActionItem;
import ai.sentinel.dr.report.IncidentReports;
import ai.sentinel.dr.report.ReportRenderer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The security incident's report as an SRE reads it: indicators, containment, evidence, investigation, watch. */
class SecurityIncidentReportTest {
  private static final String ARN = "arn:aws:states:us-east-1:123456789012:execution:"
      + "dev-sentinel-dr-security-incident:" + SecurityDocuments.NAME;
  private static final Instant START = Instant.parse("2026-01-17T10:02:12Z");
  private static final Instant END = Instant.parse("2026-01-17T10:13:00Z");

  private static IncidentReport report(Recovery r, String status) {
    return IncidentReports.from(r, ARN, START, END, status);
  }

  private static String markdown(Recovery r) {
    return ReportRenderer.markdown(report(r, "SUCCEEDED"));
  }

  @Test
  void rootCauseNamesTheIndicatorsAndEveryContainmentActionWithItsTime() {
    String md = markdown(SecurityDocuments.contained());
    assertTrue(md.contains("Indicators: addresses [203.0.113.77/32], API keys [key-7f3a91], principal "
        + "sentinel-api-task-role, finding UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS "
        + "a2b4c6d8."), md);
    assertTrue(md.contains("Not acted on: 10.1.2.3/32 is a private"), md);
    for (String action : List.of("Containment 2026-01-17T10:02:31Z (BlockIps): blocked 203.0.113.77/32 until "
        + "2026-01-18T10:02:31Z", "Containment 2026-01-17T10:02:40Z (RevokeApiKeys): revoked API key key-7f3a91",
        "Containment 2026-01-17T10:06:00Z (Isolate): scaled sentinel-api to 0 (was 3)",
        "Containment 2026-01-17T10:09:10Z (RevokeFoundKeys): revoked API key key-51c0de",
        "Containment 2026-01-17T10:12:00Z (RestoreGradually): restored sentinel-api to 3")) {
      assertTrue(md.contains(action), action + " in\n" + md);
    }
    assertTrue(md.contains("Secrets rotated (version ids only): sentinel/jwt-secret: new version v-jwt-new "
        + "AWSCURRENT at 2026-01-17T10:03:20Z (was v-jwt-old); sentinel/database-url: new version v-db-new "
        + "AWSCURRENT at 2026-01-17T10:03:40Z (was v-db-old)."), md);
    assertFalse(md.contains("Observed: not diagnosed"), "Scenario 6 assesses, it has no Diagnose: " + md);
  }

  /**
   * The RTO runs from the signal to VerifyContainment's "verified" (10:02:11 to 10:12:40), after the restore and the
   * second round, not to the last step that sent a change; without that entry nothing is measured.
   */
  @Test
  void theRtoEndsWhenTheContainmentIsVerified() {
    IncidentReport verified = report(SecurityDocuments.contained(), "SUCCEEDED");
    assertEquals("2026-01-17T10:12:40Z", verified.verifiedAt());
    assertEquals(629L, verified.objective("RTO").measuredSeconds());

    Recovery r = SecurityDocuments.contained();
    Recovery unverified = r.withTimeline(r.timeline().stream()
        .filter(e -> !"VerifyContainment".equals(e.step())).toList());
    IncidentReport failed = report(unverified, "FAILED");
    assertEquals(null, failed.verifiedAt(), "RestoreGradually's own 'verified' does not end it");
    assertEquals(null, failed.objective("RTO").measuredSeconds());
  }

  @Test
  void evidenceSaysWhereItIsAndTheHashesThatProveItUnchanged() {
    String md = markdown(SecurityDocuments.contained());
    String p = SecurityDocuments.PREFIX;
    assertTrue(md.contains("Evidence: s3://dev-sentinel-dr-evidence-123456789012/" + p + " (Object Lock governance "
        + "mode, each object retained 365 days from its write, deletes denied): API logs 2026-01-16T10:02:11Z to 2026-01-17T10:04:00Z (export task task-1), database snapshot "
        + "sentinel-db-evidence-0123456789ab. Manifest s3://dev-sentinel-dr-evidence-123456789012/" + p
        + "manifest.json (its SHA-256 " + SecurityDocuments.MANIFEST_SHA + ") lists 2 object(s), 83968 bytes: "
        + "signal.json (2048 B, SHA-256 5e8d"), md);
    assertTrue(md.contains("logs/task-1/api/000000.gz (81920 B, SHA-256 " + SecurityDocuments.LOG_SHA + ")"), md);
  }

  @Test
  void investigationGivesTheCountsTheThreatRowsAndTheSecondRound() {
    String md = markdown(SecurityDocuments.contained());
    assertTrue(md.contains("Investigation of /ecs/sentinel-api from 2026-01-16T10:05:00Z to 2026-01-17T10:05:00Z: 45 "
        + "of 120 log event(s) had a status of 400 or more; by address: 203.0.113.77 (41), 198.51.100.77 (3), ? (1); "
        + "by path: /api/v1/users/export (30), /api/v1/login (15); by API key: key-7f3a91 (38), - (7)."), md);
    assertTrue(md.contains("Threats in audit_logs (runbook query, last 24 h, by api_key_id): key-7f3a91 12 row(s) "
        + "[sql_injection, pii_exfiltration]; key-51c0de 4 row(s) [pii_exfiltration]."), md);
    assertTrue(md.contains("Second round: proposed revoking [key-51c0de] behind an approval; revoked [key-51c0de]."),
        md);
  }

  @Test
  void aSecondRoundNotAnsweredSaysTheKeysAreStillValid() {
    Recovery r = SecurityDocuments.contained();
    SecurityState s = r.part(SecurityState.PART);
    r = r.with(SecurityState.PART, s.withRevocation(new SecurityState.Revocation(List.of("key-7f3a91"), List.of(),
        List.of())));
    assertTrue(markdown(r).contains("Second round: proposed revoking [key-51c0de] behind an approval; [key-51c0de] "
        + "NOT revoked (rejected or not answered): still valid."), markdown(r));
  }

  @Test
  void theHeightenedMonitoringAlarmsAndWhenTheyEnd() {
    String md = markdown(SecurityDocuments.contained());
    assertTrue(md.contains("Heightened monitoring since 2026-01-17T10:12:30Z until 2026-01-19T10:12:30Z (2d 00h 00m "
        + "00s): dev-sentinel-dr-heightened-0123456789ab-http-4xx (AWS/ApplicationELB HTTPCode_Target_4XX_Count "
        + "[LoadBalancer=app/sentinel-alb/0123456789abcdef] >= 40); dev-sentinel-dr-heightened-0123456789ab-waf-"
        + "blocked (AWS/WAFV2 BlockedRequests [WebACL=sentinel-waf, Region=us-east-1, Rule=ALL] >= 20). Each pages "
        + "the on-call and starts no recovery; schedule dev-sentinel-dr-heightened-end-0123456789ab removes them at "
        + "2026-01-19T10:12:30Z."), md);
  }

  @Test
  void actionItemsAreTheRunbooksHumanRecoveryItemsFilledWithWhatTheRecoveryFound() {
    List<String> items = report(SecurityDocuments.contained(), "SUCCEEDED").actionItems().stream()
        .map(ActionItem::action).toList();
    assertTrue(items.contains("Revoke all potentially compromised credentials: the IAM principal "
        + "sentinel-api-task-role (its access keys and sessions; the recovery does not touch IAM); API keys beyond "
        + "the ones revoked [key-7f3a91, key-51c0de]"), items.toString());
    assertTrue(items.contains("Force password reset for affected users, starting with the owners of the API keys "
        + "with threats in audit_logs [key-7f3a91, key-51c0de]"), items.toString());
    assertTrue(items.contains("Rotate all secrets and API keys beyond those the recovery rotated "
        + "[sentinel/jwt-secret, sentinel/database-url]"), items.toString());
    assertTrue(items.contains("Deploy updated security rules (WAF rules against what the investigation saw: requests "
        + "with status >= 400 on [/api/v1/users/export, /api/v1/login])"), items.toString());
    assertTrue(items.contains("Decide whether to block the addresses the investigation saw with status >= 400 that "
        + "no block covers: [198.51.100.77/32]"), items.toString());
    assertTrue(items.contains("Monitor closely for 48 hours: judge every ALARM of "
        + "[dev-sentinel-dr-heightened-0123456789ab-http-4xx, dev-sentinel-dr-heightened-0123456789ab-waf-blocked] "
        + "until 2026-01-19T10:12:30Z (they page the on-call and start no recovery; removed automatically then)"),
        items.toString());
    assertTrue(items.stream().noneMatch(i -> i.startsWith("Restore services gradually")),
        "the recovery restored the service itself: " + items);
  }

  @Test
  void aSecondRoundThatBlockedTheAddressesSaysSoAndLeavesNoActionItem() {
    Recovery r = SecurityDocuments.contained();
    r = r.update(SecurityState.PART, s -> s.withBlocks(new SecurityState.Blocks(List.of("203.0.113.77/32",
        "198.51.100.77/32"), List.of(), "2026-01-18T10:09:20Z", 4, 1)));
    assertTrue(markdown(r).contains("Proposed blocking [198.51.100.77/32] behind the same approval; blocked "
        + "[198.51.100.77/32]."), markdown(r));
    assertTrue(report(r, "SUCCEEDED").actionItems().stream().noneMatch(a -> a.action().startsWith("Decide whether "
        + "to block")), "nothing left to decide");
  }

  @Test
  void aDocumentFromBeforeInvestigateJudgedAddressesStillListsThePublicOnes() {
    Recovery r = SecurityDocuments.contained();
    SecurityState s = r.part(SecurityState.PART);
    SecurityState.Investigation i = s.investigation();
    r = r.with(SecurityState.PART, s.withInvestigation(new SecurityState.Investigation(i.from(), i.to(),
        i.logGroup(), i.eventsRead(), i.errorEvents(), i.capped(), i.byIp(), i.byPath(), i.byKey(), i.threats(),
        i.proposedKeys(), i.secondRound(), null)));
    List<String> items = report(r, "SUCCEEDED").actionItems().stream().map(ActionItem::action).toList();
    assertTrue(items.contains("Decide whether to block the addresses the investigation saw with status >= 400 that "
        + "no block covers: [198.51.100.77]"), items.toString());
  }

  @Test
  void anIsolatedServiceNotRestoredIsAnActionItem() {
    Recovery r = SecurityDocuments.contained();
    SecurityState s = r.part(SecurityState.PART);
    r = r.with(SecurityState.PART, s.withRestore(null));
    List<String> items = report(r, "FAILED").actionItems().stream().map(ActionItem::action).toList();
    assertTrue(items.contains("Restore services gradually: sentinel-api is still isolated; bring it back to 3 tasks "
        + "when the investigation allows (runbook Recovery 5)"), items.toString());
  }

  @Test
  void aRecoveryThatStoppedEarlySaysWhatDidNotRun() {
    Recovery r = Recovery.start(SecurityIncident.ID, "203.0.113.77", SecurityDocuments.NAME, "dev",
        SecurityDocuments.contained().trigger(), new Options(null, "latest", null, false, 30, 5));
    String md = ReportRenderer.markdown(report(r, "FAILED"));
    assertTrue(md.contains("Not assessed: the recovery ended before Assess"), md);
    Recovery assessedOnly = r.with(SecurityState.PART, SecurityState.assessed(SecurityDocuments.contained()
        .part(SecurityState.PART).assessment()));
    md = ReportRenderer.markdown(report(assessedOnly, "FAILED"));
    assertTrue(md.contains("Evidence: not preserved: the recovery ended before PreserveEvidence."), md);
    assertTrue(md.contains("Investigation: not run: the recovery ended before Investigate."), md);
    assertTrue(md.contains("Heightened monitoring: no temporary alarms"), md);
    List<String> items = report(assessedOnly, "FAILED").actionItems().stream().map(ActionItem::action).toList();
    assertTrue(items.contains("Monitor closely for 48 hours: no temporary alarms were set up by this recovery, so "
        + "watch 4xx/5xx, WAF blocks and PII access by hand"), items.toString());
  }

  @Test
  void noSecretValueReachesTheReport() {
    // the document holds version ids and hashes only; the rendered report must not invent more
    String md = markdown(SecurityDocuments.contained());
    assertFalse(md.contains("postgres://"), md);
    assertFalse(md.toLowerCase(java.util.Locale.ROOT).contains("password="), md);
  }
}
