package ai.sentinel.dr.oncall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/** The on-call reads the headline first: one rule for every message, and what happened always survives the cut. */
class SnsOnCallTest {
  private final SnsClient sns = Fixtures.sdkMock(SnsClient.class);
  private final OnCall onCall = new SnsOnCall(sns, Fixtures.TOPIC);

  @BeforeEach
  void setUp() {
    when(sns.publish(any(PublishRequest.class))).thenReturn(PublishResponse.builder().messageId("msg-7").build());
  }

  private static Alert alert(String env, String resource, String happened) {
    return Alert.about(env, "redis-failure", resource, happened, "details\nline 2", "redis-failure-x-1",
        Severity.CRITICAL);
  }

  @Test
  void everyVerbPublishesOneMessageWithTheHeadlineAndTheDetails() {
    Alert a = alert("dev", "sentinel-redis", "FAILED - human needed");
    List<Function<Alert, String>> verbs = List.of(onCall::page, onCall::resolve, onCall::inform);
    for (Function<Alert, String> verb : verbs) {
      assertEquals("SNS message msg-7", verb.apply(a), "how it went out, for the timeline");
    }
    ArgumentCaptor<PublishRequest> sent = ArgumentCaptor.forClass(PublishRequest.class);
    verify(sns, times(3)).publish(sent.capture());
    for (PublishRequest p : sent.getAllValues()) {
      assertEquals(Fixtures.TOPIC, p.topicArn());
      assertEquals("[Sentinel DR][dev] redis-failure on sentinel-redis: FAILED - human needed", p.subject());
      assertEquals("details\nline 2", p.message());
    }
  }

  @Test
  void aLongSubjectLosesWhatItIsAboutNeverWhatHappened() {
    Alert a = alert("production-eu-west-1", "sentinel-redis-" + "x".repeat(150), "NOT VERIFIED - human needed");
    String subject = SnsOnCall.subject(a);
    assertTrue(subject.length() < 100, subject);
    assertTrue(subject.startsWith("[Sentinel DR][production-eu-west-1] redis-failure on sentinel-redis"), subject);
    assertTrue(subject.endsWith("...: NOT VERIFIED - human needed"), subject);
  }

  @Test
  void whatItIsAboutKeepsAFewCharactersEvenWhenWhatHappenedIsLong() {
    Alert a = alert("dev", "sentinel-redis", "APPROVAL needed before " + "Step".repeat(40));
    String subject = SnsOnCall.subject(a);
    assertTrue(subject.length() < 100, subject);
    assertTrue(subject.startsWith("[Sentinel DR][dev] redis-f...: APPROVAL needed before StepStep"), subject);
    assertTrue(subject.endsWith("..."), subject);
  }

  @Test
  void theSubjectIsOnePrintableAsciiLine() {
    Alert a = new Alert("dev", "Database failure on sentinel-db \u2014 Option B\n(restore)", "P1 report,\tFAILED",
        "body", "sentinel-db", "k", Severity.INFO);
    String subject = SnsOnCall.subject(a);
    assertEquals("[Sentinel DR][dev] Database failure on sentinel-db ? Option B (restore): P1 report, FAILED",
        subject);
    assertFalse(subject.chars().anyMatch(c -> c < 0x20 || c > 0x7E), subject);
  }

  @Test
  void anIncidentToolsSummaryFollowsTheSameRuleWithinItsLimit() {
    Alert a = alert("dev", "r".repeat(3000), "FAILED - human needed");
    String summary = a.headline(Alert.SUMMARY_MAX);
    assertEquals(Alert.SUMMARY_MAX, summary.length());
    assertTrue(summary.endsWith("...: FAILED - human needed"), summary);
    assertEquals("sentinel-redis", alert("dev", "sentinel-redis", "x").source());
    assertEquals("redis-failure-x-1", a.dedupKey());
  }

  @Test
  void severitiesAreTheEventsApiLevelsAndFollowTheRunbooksPriorities() {
    assertEquals(List.of("critical", "error", "warning", "info"),
        List.of(Severity.values()).stream().map(Severity::eventsApiName).toList());
    assertEquals(Severity.CRITICAL, Severity.ofPriority("P1"));
    assertEquals(Severity.ERROR, Severity.ofPriority("p2"));
    assertEquals(Severity.WARNING, Severity.ofPriority("P3"));
    assertEquals(Severity.INFO, Severity.ofPriority("P4"));
    assertEquals(Severity.INFO, Severity.ofPriority(null));
    assertEquals(Severity.INFO, Severity.CRITICAL.forDrill(true), "a drill is a P4: it never wakes anyone");
    assertEquals(Severity.CRITICAL, Severity.CRITICAL.forDrill(false));
  }
}
