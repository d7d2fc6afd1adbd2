package ai.sentinel.dr.report;

import static ai.sentinel.dr.report.Documents.ARN;
import static ai.sentinel.dr.report.Documents.START;
import static ai.sentinel.dr.report.Documents.TRIGGER_TIME;
import static ai.sentinel.dr.report.Documents.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Health;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import ai.sentinel.dr.security.SecurityDocuments;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every registered scenario's report, in each way a recovery can end (success, failure, no action, dry-run, drill),
 * with and without an exercise environment and a measured load balancer, keeps none of the template's placeholders:
 * the recovery knows every answer, or the report says why it does not.
 */
class NoPlaceholderReportsTest {
  private static final Instant END = Instant.parse("2026-01-17T10:14:30Z");
  private static final ReportSettings LOCAL = new ReportSettings(null, null, "sentinel-alb",
      "local cloud: drills only, no customer traffic");

  /** A recovery of {@code scenario} as far as the frame knows it: diagnosed, a step taken, verified. */
  private static Recovery envelopeOnly(Scenario scenario) {
    String verify = scenario.report().verifySteps().iterator().next();
    return Recovery.start(scenario.id(), "sentinel-resource", scenario.id() + "-0123456789abcdef", "dev",
        Documents.trigger(TRIGGER_TIME), Documents.options(null, false))
        .log(at("10:02:14", "Diagnose", "diagnosed", "resource failed"))
        .log(at("10:05:00", "Act", "requested", "a change"))
        .log(at("10:09:00", verify, "verified", "[check=PASS]"))
        .withVerification(Verification.of(List.of(new Check("check", Result.PASS, "ok"))));
  }

  /** The documents with each scenario's own state where the tests have one, else the envelope. */
  private static Map<String, Recovery> successes() {
    Map<String, Recovery> docs = new LinkedHashMap<>();
    for (Scenario s : ScenarioRegistry.all()) {
      docs.put(s.id(), envelopeOnly(s));
    }
    docs.put("database-failure (Option B)", Documents.optionBSucceeded());
    docs.put("database-failure (Option A)", Documents.optionAQuick());
    docs.put("redis-failure (snapshot)", Documents.redisSucceeded());
    docs.put("ecs-service-failure (rollback)", Documents.ecsRolledBack());
    // Scenario 6 with every part of its state: indicators, containment, evidence hashes, investigation, watch
    docs.put("security-incident (contained)", SecurityDocuments.contained());
    return docs;
  }

  private static Recovery failed(Recovery r) {
    return r.withVerification(null).withError(Documents.error("ai.sentinel.dr.errors.TimedOutError",
        "still 'creating' after 60 polls"));
  }

  private static Recovery noAction(Recovery r) {
    return r.withVerification(null).withDiagnosis(new Health(Health.Verdict.HEALTHY, List.of("status 'available'"),
        false, "no action: the resource is healthy", "2026-01-17T10:02:14Z"));
  }

  private static Recovery dryRun(Recovery r) {
    Options o = r.options();
    return r.withEnvelope(r.scenario(), r.resource(), r.executionName(), r.environment(), r.trigger(),
        new Options(o.option(), o.snapshotId(), o.restoreTime(), true, o.pollSeconds(), o.maxPolls()));
  }

  private static Recovery drill(Recovery r) {
    return r.withEnvelope(r.scenario(), r.resource(), r.executionName(), r.environment(),
        new Trigger("drill", "manual", "req-1", TRIGGER_TIME, "drill"), r.options());
  }

  private static final CustomerImpact.Meter MEASURED = (from, to) -> new CustomerImpact(1200L, 300L, 12L,
      "app/sentinel-alb/0123456789abcdef", from, to, null);

  @Test
  void noReportOfAnyScenarioKeepsATemplatePlaceholder() {
    List<String> problems = new ArrayList<>();
    int reports = 0;
    for (Map.Entry<String, Recovery> doc : successes().entrySet()) {
      Map<String, IncidentReport> variants = new LinkedHashMap<>();
      Recovery r = doc.getValue();
      for (var settings : List.of(ReportSettings.DEFAULTS, LOCAL)) {
        for (var meter : List.of(CustomerImpact.NOT_CONFIGURED, MEASURED)) {
          String how = (settings == LOCAL ? "local, " : "") + (meter == MEASURED ? "measured" : "not measured");
          variants.put("success (" + how + ")", IncidentReports.from(r, ARN, START, END, "SUCCEEDED", settings,
              meter));
          variants.put("failure (" + how + ")", IncidentReports.from(failed(r), ARN, START, END, "FAILED", settings,
              meter));
          variants.put("no action (" + how + ")", IncidentReports.from(noAction(r), ARN, START, END, "SUCCEEDED",
              settings, meter));
          variants.put("dry-run (" + how + ")", IncidentReports.from(dryRun(r), ARN, START, END, "SUCCEEDED",
              settings, meter));
          variants.put("drill (" + how + ")", IncidentReports.from(drill(r), ARN, START, END, "SUCCEEDED",
              settings, meter));
        }
      }
      for (Map.Entry<String, IncidentReport> v : variants.entrySet()) {
        reports++;
        String markdown = ReportRenderer.markdown(v.getValue());
        String json = Json.write(v.getValue());
        List<String> left = TemplatePlaceholders.in(markdown + json);
        if (!left.isEmpty()) {
          problems.add(doc.getKey() + " " + v.getKey() + ": " + left);
        }
      }
    }
    assertEquals(List.of(), problems, "placeholders left");
    assertEquals((ScenarioRegistry.all().size() + 5) * 5 * 4, reports);
  }

  @Test
  void theVariantsEndAsIntended() {
    Recovery r = Documents.optionBSucceeded();
    assertEquals("SUCCEEDED", IncidentReports.from(r, ARN, START, END, "SUCCEEDED").status());
    assertEquals("FAILED", IncidentReports.from(failed(r), ARN, START, END, "FAILED").status());
    assertEquals("NO_ACTION", IncidentReports.from(noAction(r), ARN, START, END, "SUCCEEDED").status());
    assertEquals("DRY_RUN", IncidentReports.from(dryRun(r), ARN, START, END, "SUCCEEDED").status());
    assertTrue(IncidentReports.from(drill(r), ARN, START, END, "SUCCEEDED").drill());
  }

  @Test
  void theCheckFindsWhatTheTemplateWouldLeave() {
    assertEquals(List.of("[Lesson]", "[Name]", "[X users / X% requests]"), TemplatePlaceholders.in(
        "1. [Lesson]\n- [ ] Fix - Owner: [Name] - Due: x\n- Customer Impact: [X users / X% requests]"));
    assertEquals(List.of("[X minutes]"), TemplatePlaceholders.in("Time to Detection: [X minutes]"));
    assertEquals(List.of("[Description of the outage]"), TemplatePlaceholders.in("[Description of the outage]"));
    assertEquals(List.of(), TemplatePlaceholders.in("## Incident Report: [DRILL] x\n- [ ] a\nverified: "
        + "[select-1=PASS]"));
    assertNotEquals(0, TemplatePlaceholders.ALL.size());
  }
}
