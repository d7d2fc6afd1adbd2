package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.support.Signals;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.ExecutionNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scenario 6's signals: which start an incident, which are ignored or rejected, and how they group. */
class SecurityIncidentSignalsTest {
  private final Signals signals = Signals.standard();

  @Test
  void aHighGuardDutyFindingStartsAnIncidentAboutItsRemoteAddress() {
    Classification c = signals.classify("guardduty-eventbridge-credential-exfiltration.json");
    assertTrue(c.starts(), c.reason());
    assertEquals("security-incident", c.scenario());
    assertEquals("203.0.113.77", c.resource(), "the incident is named after the attacker");
    IncidentSignal signal = Json.convert(c.trigger().detail(), IncidentSignal.class);
    assertEquals(java.util.List.of("203.0.113.77/32"), signal.ips());
    assertEquals("sentinel-api-task-role", signal.principal());
    assertEquals(8.0, signal.severity());
    assertEquals("a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1", signal.finding().path("id").asText(),
        "the finding travels with the recovery (GuardDuty's finding APIs are not asked again)");
  }

  @Test
  void fiveFindingsAboutOneAddressInTheWindowAreOneIncident() {
    String first = null;
    for (int i = 0; i < 5; i++) {
      ObjectNode event = (ObjectNode) Json.tree(Signals.text("guardduty-eventbridge-credential-exfiltration.json"));
      ObjectNode detail = (ObjectNode) event.get("detail");
      detail.put("id", "finding-" + i);
      detail.put("type", i % 2 == 0 ? "Recon:IAMUser/MaliciousIPCaller" : detail.get("type").asText());
      ((ObjectNode) detail.get("service")).put("eventFirstSeen", "2026-01-17T09:" + (10 + i * 9) + ":00Z");
      Classification c = signals.classifyText(event.toString());
      assertTrue(c.starts(), c.reason());
      String name = ExecutionNames.of(c.scenario(), c.resource(), c.dedupKey());
      if (first == null) {
        first = name;
      }
      assertEquals(first, name, "finding " + i + " joins the first one's recovery");
    }
    ObjectNode later = (ObjectNode) Json.tree(Signals.text("guardduty-eventbridge-credential-exfiltration.json"));
    ((ObjectNode) later.get("detail").get("service")).put("eventFirstSeen", "2026-01-17T11:20:00Z");
    Classification next = signals.classifyText(later.toString());
    assertNotEquals(first, ExecutionNames.of(next.scenario(), next.resource(), next.dedupKey()),
        "the next window is a new incident");
  }

  @Test
  void findingsOfOtherAccountsRegionsAndSamplesStartNothing() {
    assertEquals(Classification.IGNORE, signals.classify("guardduty-eventbridge-other-account.json").action());
    Classification sample = signals.classify("guardduty-eventbridge-sample-finding.json");
    assertEquals(Classification.IGNORE, sample.action());
    assertTrue(sample.reason().contains("sample"), sample.reason());
    ObjectNode event = (ObjectNode) Json.tree(Signals.text("guardduty-eventbridge-credential-exfiltration.json"));
    ((ObjectNode) event.get("detail")).put("region", "eu-west-1");
    Classification region = signals.classifyText(event.toString());
    assertEquals(Classification.IGNORE, region.action());
    assertTrue(region.reason().contains("eu-west-1"), region.reason());
    assertEquals(Classification.IGNORE, signals.classify("guardduty-eventbridge-low-severity.json").action());
  }

  @Test
  void aMalformedFindingIsRejectedWithTheReason() {
    Classification c = signals.classify("invalid-guardduty-malformed-finding.json");
    assertEquals(Classification.REJECT, c.action());
    assertTrue(c.reason().contains("severity"), c.reason());
  }

  @Test
  void aFindingAboutAPrivateAddressIsNamedOtherwiseAndBlocksNothing() {
    ObjectNode event = (ObjectNode) Json.tree(Signals.text("guardduty-eventbridge-credential-exfiltration.json"));
    ((ObjectNode) event.at("/detail/service/action/awsApiCallAction/remoteIpDetails")).put("ipAddressV4", "10.1.2.3");
    Classification c = signals.classifyText(event.toString());
    assertTrue(c.starts(), c.reason());
    assertEquals("principal-sentinel-api-task-role", c.resource());
  }

  @Test
  void securityHubAndSignInAndWafAlarmsStart() {
    Classification hub = signals.classify("securityhub-eventbridge-custom-action.json");
    assertTrue(hub.starts(), hub.reason());
    assertEquals("198.51.100.200", hub.resource());
    Classification root = signals.classify("signin-eventbridge-root-console.json");
    assertTrue(root.starts(), root.reason());
    assertEquals("principal-root", root.resource());
    assertEquals(Classification.IGNORE, signals.classify("signin-eventbridge-user-with-mfa.json").action());
    Classification waf = signals.classify("alarm-eventbridge-waf-blocked-requests.json");
    assertTrue(waf.starts(), waf.reason());
    assertEquals("security-incident", waf.scenario());
    assertEquals("waf-sentinel-waf", waf.resource());
  }

  @Test
  void anImportedCriticalFindingOfAChosenProductStartsAndAnotherProductsDoesNot() {
    Classification hub = signals.classify("securityhub-eventbridge-imported-critical.json");
    assertTrue(hub.starts(), hub.reason());
    assertEquals("security-incident", hub.scenario());
    assertEquals("203.0.113.91", hub.resource(), "named after the address in the finding");
    assertTrue(hub.reason().contains("imported at CRITICAL from GuardDuty"), hub.reason());
    IncidentSignal signal = Json.convert(hub.trigger().detail(), IncidentSignal.class);
    assertEquals(java.util.List.of("203.0.113.91/32"), signal.ips());
    assertEquals(9.0, signal.severity(), "CRITICAL, normalized 90");
    Classification other = signals.classify("securityhub-eventbridge-imported-other-product.json");
    assertEquals(Classification.IGNORE, other.action(), other.reason());
    assertTrue(other.reason().contains("at CRITICAL from [GuardDuty]"), other.reason());
  }

  @Test
  void anImportedFindingWhoseProductNameIsNotTextIsIgnoredNotACrash() {
    // found by ResponderFuzzTest: List.of(...).contains(null) throws, and a non-text ProductName read as null
    String sample = Signals.text("securityhub-eventbridge-imported-critical.json");
    for (String product : List.of("true", "null", "{}")) {
      Classification c = signals.classifyText(sample.replace("\"ProductName\": \"GuardDuty\"", "\"ProductName\": "
          + product));
      assertEquals(Classification.IGNORE, c.action(), product + ": " + c.reason());
    }
  }

  @Test
  void aNonRootConsoleSignInWithoutMfaStartsAnIncidentAboutTheUser() {
    Classification c = signals.classify("signin-eventbridge-user-without-mfa.json");
    assertTrue(c.starts(), c.reason());
    assertEquals("security-incident", c.scenario());
    assertEquals("principal-bob", c.resource());
    IncidentSignal signal = Json.convert(c.trigger().detail(), IncidentSignal.class);
    assertEquals("arn:aws:iam::123456789012:user/bob", signal.principal());
    assertEquals(java.util.List.of("203.0.113.45"), signal.ips(), "the address it signed in from (Assess "
        + "normalises it and refuses allow-listed ones)");
    assertEquals(7.0, signal.severity(), "below root's 9");
    assertTrue(c.reason().contains("console sign-in without MFA"), c.reason());
  }

  @Test
  void anAlarmOnThePiiMetricStartsAnIncidentAndTheDeployedAlarmRuleHasItsBranch() {
    Classification c = signals.classify("alarm-eventbridge-pii-records-read.json");
    assertTrue(c.starts(), c.reason());
    assertEquals("security-incident", c.scenario());
    assertEquals("pii-access", c.resource());
    Classification own = signals.classify("alarm-eventbridge-heightened-pii-records.json");
    assertEquals(Classification.IGNORE, own.action(), own.reason());
    // without a web ACL the PII branch is still deployed (it used to hang on the WAF branch)
    ai.sentinel.dr.common.DrConfig noWaf = ai.sentinel.dr.common.DrConfig.fromEnv(ai.sentinel.dr.support.Fixtures
        .withSection(ai.sentinel.dr.support.Fixtures.env(), "security", sec -> sec.remove("webAcl")));
    JsonNode alarmRule = Json.tree(ai.sentinel.dr.trigger.TriggerPatterns.of(noWaf).get(0).pattern());
    String pii = "{\"namespace\":[\"Sentinel/Security\"],\"name\":[\"PiiRecordsRead\"]}";
    assertTrue(alarmRule.toString().contains(pii), alarmRule.toString());
    assertFalse(alarmRule.toString().contains("AWS/WAFV2"), alarmRule.toString());
  }

  @Test
  void manualInvokesAreCheckedBeforeAnythingStarts() {
    Classification ok = signals.classify("manual-security-incident.json");
    assertTrue(ok.starts(), ok.reason());
    IncidentSignal signal = Json.convert(ok.trigger().detail(), IncidentSignal.class);
    assertEquals(java.util.List.of("203.0.113.77/32", "2001:db8:4::7/128"), signal.ips());
    assertEquals(java.util.List.of("key-7f3a91"), signal.apiKeyIds());
    assertEquals("P1", signal.priority());
    assertEquals(Boolean.FALSE, signal.activeBreach());
    assertRejected("invalid-security-not-an-ip.json", "evil.example.com");
    assertRejected("invalid-security-private-ip.json", "private");
    assertRejected("invalid-security-allow-listed.json", "allow-listed");
    assertRejected("invalid-security-too-many-ips.json", "10000");
    assertRejectedText("{\"runbook\":\"security-incident\",\"ips\":\"203.0.113.9\"}", "list");
    assertRejectedText("{\"runbook\":\"security-incident\",\"activeBreach\":\"yes\"}", "true or false");
    assertRejectedText("{\"runbook\":\"security-incident\",\"severity\":\"P0\",\"ips\":[\"203.0.113.9\"]}", "P1");
    assertRejectedText("{\"runbook\":\"security-incident\",\"apiKeyIds\":[\"a b\"]}", "API key id");
    assertRejectedText("{\"runbook\":\"security-incident\"}", "something to contain");
    assertRejectedText("{\"runbook\":\"security-incident\",\"resource\":\"sentinel-api\",\"activeBreach\":true}",
        "resource");
    assertRejectedText("{\"runbook\":\"database-failure\",\"ips\":[\"203.0.113.9\"]}", "does not apply");
  }

  @Test
  void theDeployedRulesCoverEachSignal() {
    JsonNode index = Json.tree(Signals.text("index.json"));
    int ours = 0;
    for (JsonNode row : index) {
      if ("security-incident".equals(row.path("scenario").asText())) {
        ours++;
      }
    }
    assertTrue(ours >= 5, "events/index.json holds Scenario 6's samples");
    assertFalse(new SecurityIncidentSignals().rules(new ai.sentinel.dr.trigger.SignalContext("security-incident",
        ai.sentinel.dr.support.Fixtures.config())).isEmpty());
  }

  private void assertRejected(String file, String why) {
    Classification c = signals.classify(file);
    assertEquals(Classification.REJECT, c.action(), file + ": " + c.reason());
    assertTrue(c.reason().contains(why), c.reason());
  }

  private void assertRejectedText(String json, String why) {
    Classification c = signals.classifyText(json);
    assertEquals(Classification.REJECT, c.action(), json + ": " + c.reason());
    assertTrue(c.reason().contains(why), c.reason());
  }
}
