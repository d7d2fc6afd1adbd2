package ai.sentinel.dr.recovery;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/** Last step: the on-call reads the subject first; it must never say RECOVERED unless verification passed. */
class NotifyTest {
  private final SnsClient sns = Fixtures.sdkMock(SnsClient.class);
  private final DynamoDbClient ddb = Fixtures.sdkMock(DynamoDbClient.class);

  @BeforeEach
  void setUp() {
    when(sns.publish(any(PublishRequest.class))).thenReturn(PublishResponse.builder().messageId("msg-1").build());
  }

  private PublishRequest published(Recovery in) {
    Recovery out = invoke(new Notify(Fixtures.deps(sns, ddb)), in);
    ArgumentCaptor<PublishRequest> sent = ArgumentCaptor.forClass(PublishRequest.class);
    verify(sns, times(1)).publish(sent.capture());
    assertTrue(only(out, "Notify", "notified").detail().contains("msg-1"));
    PublishRequest req = sent.getValue();
    assertEquals(Fixtures.TOPIC, req.topicArn());
    assertTrue(req.subject().length() <= 100, req.subject());
    assertFalse(req.subject().contains("\n"), req.subject());
    return req;
  }

  @Test
  void theLockIsReleasedByItsOwnerAndJoinedSignalsEnterTheTimeline() {
    when(ddb.deleteItem(any(DeleteItemRequest.class))).thenReturn(DeleteItemResponse.builder().attributes(Map.of(
        "joined", AttributeValue.fromM(Map.of("rds:sentinel-db:RDS-EVENT-0049",
            AttributeValue.fromS("2026-01-17T10:03:05Z rds:sentinel-db:RDS-EVENT-0049"))))).build());
    Recovery in = withVerification(true);
    Recovery out = invoke(new Notify(Fixtures.deps(sns, ddb)), in);
    // every lock the recovery took: the instance (where signals join), the restore targets, secret, services
    ArgumentCaptor<DeleteItemRequest> delete = ArgumentCaptor.forClass(DeleteItemRequest.class);
    verify(ddb, times(6)).deleteItem(delete.capture());
    assertTrue(delete.getAllValues().stream().map(d -> d.key().get("pk").s()).toList().containsAll(List.of(
        "lock#rds-instance:sentinel-db", "lock#secret:sentinel/database-url",
        "lock#ecs-service:sentinel-production/sentinel-api")));
    for (DeleteItemRequest d : delete.getAllValues()) {
      assertEquals(in.executionName(), d.expressionAttributeValues().get(":owner").s());
    }
    assertTrue(only(out, "Notify", "joined").detail().contains("RDS-EVENT-0049"));
    ArgumentCaptor<PublishRequest> sent = ArgumentCaptor.forClass(PublishRequest.class);
    verify(sns).publish(sent.capture());
    assertTrue(sent.getValue().message().contains("RDS-EVENT-0049"), "the report shows the joined signal");
  }

  @Test
  void aRecoveryThatRanWhileARegionFailoverFencedItsRegionIsToldAtItsEnd() {
    // Scenario 4's FenceRecoveries holds the region's fence in this lock table: the running recovery was not
    // interrupted, so its timeline, its message and its report say so
    when(ddb.deleteItem(any(DeleteItemRequest.class))).thenReturn(DeleteItemResponse.builder().build());
    when(ddb.getItem(any(software.amazon.awssdk.services.dynamodb.model.GetItemRequest.class))).thenAnswer(a -> {
      var req = (software.amazon.awssdk.services.dynamodb.model.GetItemRequest) a.getArgument(0);
      String key = ai.sentinel.dr.safety.RegionFence.key("us-east-1");
      return key.equals(req.key().get("pk").s())
          ? software.amazon.awssdk.services.dynamodb.model.GetItemResponse.builder().item(Map.of("pk",
              AttributeValue.fromS(key), "owner", AttributeValue.fromS("region-failure-us-east-1-0123"), "leaseUntil",
              AttributeValue.fromN(Long.toString(java.time.Instant.now().getEpochSecond() + 3600)))).build()
          : software.amazon.awssdk.services.dynamodb.model.GetItemResponse.builder().build();
    });
    Recovery out = invoke(new Notify(Fixtures.deps(sns, ddb)), withVerification(true));
    assertTrue(only(out, "Notify", "fenced").detail().contains("region-failure-us-east-1-0123"), out.toString());
    ArgumentCaptor<PublishRequest> sent = ArgumentCaptor.forClass(PublishRequest.class);
    verify(sns).publish(sent.capture());
    assertTrue(sent.getValue().message().contains("being failed over by region-failure-us-east-1-0123"),
        sent.getValue().message());
  }

  @Test
  void withoutAFenceNothingIsSaidOfOne() {
    when(ddb.deleteItem(any(DeleteItemRequest.class))).thenReturn(DeleteItemResponse.builder().build());
    Recovery out = invoke(new Notify(Fixtures.deps(sns, ddb)), withVerification(true));
    assertTrue(out.timeline().stream().noneMatch(e -> e.event().equals("fenced")), out.toString());
  }

  private static Recovery diagnosed(Health.Verdict verdict, boolean act) {
    return Fixtures.recovery(false).withDiagnosis(new Health(verdict, List.of("sentinel-db is 'available'",
        "SELECT 1 on 10.0.0.5:5432/sentinel returned 1"), act, "no action: sentinel-db is healthy",
        Fixtures.NOW.toString()));
  }

  @Test
  void noActionOnAHealthyResourceInformsGivesTheAttemptBackAndReleasesTheLocks() {
    when(ddb.deleteItem(any(DeleteItemRequest.class))).thenReturn(DeleteItemResponse.builder().build());
    Recovery out = invoke(new Notify(Fixtures.deps(sns, ddb)), diagnosed(Health.Verdict.HEALTHY, false));
    ArgumentCaptor<UpdateItemRequest> refund = ArgumentCaptor.forClass(UpdateItemRequest.class);
    verify(ddb).updateItem(refund.capture());
    assertEquals("attempts#database-failure#sentinel-db", refund.getValue().key().get("pk").s());
    assertEquals("REMOVE #starts.#name", refund.getValue().updateExpression());
    assertEquals(out.executionName(), refund.getValue().expressionAttributeNames().get("#name"));
    verify(ddb, times(6)).deleteItem(any(DeleteItemRequest.class));
    assertTrue(only(out, "Notify", "refunded").detail().contains("given back"));
    ArgumentCaptor<PublishRequest> sent = ArgumentCaptor.forClass(PublishRequest.class);
    verify(sns).publish(sent.capture());
    assertEquals("[Sentinel DR][dev] database-failure on sentinel-db: NO ACTION - healthy",
        sent.getValue().subject());
    assertTrue(sent.getValue().message().contains("SELECT 1 on 10.0.0.5:5432/sentinel returned 1"),
        sent.getValue().message());
  }

  @Test
  void anInconclusiveDiagnosisAsksForAHuman() {
    String subject = published(diagnosed(Health.Verdict.INCONCLUSIVE, false)).subject();
    assertTrue(subject.endsWith(": NO ACTION - diagnosis inconclusive, human needed"), subject);
  }

  @Test
  void aRecoveryThatActedIsNotANoAction() {
    assertFalse(published(diagnosed(Health.Verdict.FAILED, true).withVerification(withVerification(true)
        .verification())).subject().contains("NO ACTION"));
    verify(ddb, never()).updateItem(any(UpdateItemRequest.class));
  }

  @Test
  void aDryRunReleasesNoLock() {
    invoke(new Notify(Fixtures.deps(sns, ddb)), Fixtures.recovery(true));
    verifyNoInteractions(ddb);
  }

  private static Recovery withVerification(boolean verified) {
    Verification v = Verification.of(List.of(new Check("instance-available", verified ? Result.PASS : Result.FAIL,
        "sentinel-db-recovery is available")));
    return Fixtures.recovery(false).withVerification(v)
        .log(new TimelineEntry("2026-01-17T10:04:00Z", "ChooseOption", "decided", "Option B: instance not found"));
  }

  private static Recovery caught(Recovery r, String error, String cause) {
    ObjectNode e = Json.object();
    e.put("Error", error);
    e.put("Cause", cause);
    return r.withError(e);
  }

  @Test
  void aPassedTestOfTheTestingScheduleSaysTestPassedNotRecovered() {
    Recovery r = withVerification(true);
    Recovery test = Recovery.start("database-restore-test", r.resource(), r.executionName(), r.environment(),
        r.trigger(), r.options()).withVerification(r.verification()).withTimeline(r.timeline());
    assertEquals("[Sentinel DR][dev] database-restore-test on sentinel-db: TEST PASSED (verified)",
        published(test).subject());
  }

  @Test
  void verifiedRecoveryIsReportedRecovered() {
    PublishRequest req = published(withVerification(true));
    assertEquals("[Sentinel DR][dev] database-failure on sentinel-db: RECOVERED (verified)", req.subject());
    assertTrue(req.message().contains("ChooseOption decided: Option B: instance not found"), req.message());
    assertTrue(req.message().contains("instance-available: PASS"), req.message());
    assertTrue(req.message().contains("Execution: " + Fixtures.recovery(false).executionName()), req.message());
  }

  @Test
  void unverifiedRecoveryIsNeverReportedRecovered() {
    assertFalse(published(withVerification(false)).subject().contains("RECOVERED"));
  }

  @Test
  void recoveryWithoutVerificationIsNeverReportedRecovered() {
    PublishRequest req = published(Fixtures.recovery(false));
    assertFalse(req.subject().contains("RECOVERED"), req.subject());
    assertTrue(req.subject().contains("human needed"), req.subject());
  }

  @Test
  void failureFromACatchSaysFailedAndCarriesTheErrorMessage() {
    String cause = "{\"errorMessage\":\"no available snapshot of sentinel-db to restore\","
        + "\"errorType\":\"ai.sentinel.dr.errors.StepFailedError\",\"stackTrace\":[\"a.b.C.run(C.java:1)\"]}";
    // even a verification that once passed does not turn a failure into a success
    Recovery in = caught(withVerification(true), "ai.sentinel.dr.errors.StepFailedError", cause);
    PublishRequest req = published(in);
    assertTrue(req.subject().contains("FAILED"), req.subject());
    assertFalse(req.subject().contains("RECOVERED"), req.subject());
    assertTrue(req.message().contains("StepFailedError: no available snapshot of sentinel-db to restore"),
        req.message());
    assertFalse(req.message().contains("stackTrace"), req.message());
  }

  @Test
  void failureWhoseCauseIsNotJsonKeepsTheText() {
    PublishRequest req = published(caught(Fixtures.recovery(false), "States.Timeout", "task timed out"));
    assertTrue(req.subject().contains("FAILED"), req.subject());
    assertTrue(req.message().contains("Timeout: task timed out"), req.message());
  }

  @Test
  void dryRunSaysSoAndListsThePlan() {
    Recovery in = Fixtures.recovery(true).withPlanned(new PlannedCall("RestoreFromSnapshot", "rds",
        "RestoreDBInstanceFromDBSnapshot", "sentinel-db-recovery", "RestoreDbInstanceFromDbSnapshotRequest(...)"));
    PublishRequest req = published(in);
    assertTrue(req.subject().contains("DRY-RUN"), req.subject());
    assertFalse(req.subject().contains("RECOVERED"), req.subject());
    assertTrue(req.message()
        .contains("RestoreFromSnapshot: rds:RestoreDBInstanceFromDBSnapshot on sentinel-db-recovery"),
        req.message());
  }

  @Test
  void longSubjectIsCutToSnsLimit() {
    Recovery r = Fixtures.recovery(false);
    Recovery longName = Recovery.start(r.scenario(), "sentinel-db-" + "x".repeat(120), r.executionName(),
        "production-eu-west-1", r.trigger(), r.options());
    PublishRequest req = published(longName);
    // SNS wants fewer than 100 characters; what happened must survive the cut
    assertTrue(req.subject().length() < 100, req.subject());
    assertTrue(req.subject().endsWith(": NOT VERIFIED - human needed"), req.subject());
    assertTrue(req.subject().contains("..."), req.subject());
  }

  /** An OnCall that records each action and its dedup key. */
  private static final class Recording implements ai.sentinel.dr.oncall.OnCall {
    final List<String> sent = new java.util.ArrayList<>();

    @Override
    public String page(ai.sentinel.dr.oncall.Alert alert) {
      sent.add("trigger " + alert.dedupKey());
      return "paged";
    }

    @Override
    public String resolve(ai.sentinel.dr.oncall.Alert alert) {
      sent.add("resolve " + alert.dedupKey() + " " + alert.happened());
      return "resolved";
    }

    @Override
    public String inform(ai.sentinel.dr.oncall.Alert alert) {
      sent.add("inform " + alert.dedupKey());
      return "informed";
    }
  }

  private static Recovery repagedThenTimedOut() {
    ObjectNode repaged = Json.object().put("Error", "States.Timeout");
    return caught(Fixtures.recovery(false), "States.Timeout", "task timed out")
        .with(new Part<>(AcknowledgeApproval.REPAGED_FIELD, com.fasterxml.jackson.databind.JsonNode.class), repaged);
  }

  @Test
  void aRepageThatTimedOutIsResolvedAsSupersededByTheFailurePage() {
    Recording onCall = new Recording();
    Recovery in = repagedThenTimedOut();
    Recovery out = invoke(new Notify(Fixtures.deps(sns, ddb), onCall), in);
    String execution = in.executionName();
    assertEquals(List.of("trigger " + execution, "resolve " + execution + "/repage RE-PAGE superseded: FAILED - human "
        + "needed"), onCall.sent);
    TimelineEntry resolved = out.timeline().stream().filter(e -> e.event().equals("resolved")).findFirst()
        .orElseThrow(() -> new AssertionError(out.timeline().toString()));
    assertTrue(resolved.detail().contains("dedup key " + execution + "/repage (the re-page, unanswered"),
        resolved.detail());
  }

  @Test
  void aRepageAlreadyResolvedByItsAnswerIsNotResolvedAgainAndNoRepageNeedsNone() {
    Recording onCall = new Recording();
    Recovery in = repagedThenTimedOut();
    String execution = in.executionName();
    Recovery answered = in.log(new TimelineEntry("2026-01-17T10:10:00Z", AcknowledgeApproval.NAME, "resolved",
        "resolve to sns, dedup key " + execution + "/repage (the re-page, answered): resolved"));
    invoke(new Notify(Fixtures.deps(sns, ddb), onCall), answered);
    assertEquals(List.of("trigger " + execution), onCall.sent);

    Recording plain = new Recording();
    invoke(new Notify(Fixtures.deps(sns, ddb), plain), caught(Fixtures.recovery(false), "States.Timeout", "x"));
    assertEquals(List.of("trigger " + execution), plain.sent);
  }
}
