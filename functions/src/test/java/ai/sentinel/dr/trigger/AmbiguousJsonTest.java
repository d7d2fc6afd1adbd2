package ai.sentinel.dr.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.verifyNoInteractions;

import ai.sentinel.dr.safety.RecoveryLocks;
import ai.sentinel.dr.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * JSON whose meaning depends on which parser reads it never starts a recovery: a key given twice (last one wins in
 * Jackson, first one in others: {@code "dryRun":true,"dryRun":false} was a real run) or content after the document.
 */
class AmbiguousJsonTest {
  private static final Set<String> ALL = Set.of("alarm", "rds-event", "ecs-event", "elasticache-event", "manual",
      "drill");

  private final SfnClient sfn = Fixtures.sdkMock(SfnClient.class);
  private final DynamoDbClient ddb = Fixtures.sdkMock(DynamoDbClient.class);
  private final SnsClient sns = Fixtures.sdkMock(SnsClient.class);
  private final Responder responder = new Responder(Fixtures.config(), sfn, new RecoveryLocks(ddb,
      "dev-sentinel-dr-locks", Fixtures.CLOCK, Duration.ofHours(3)), sns, Fixtures.CLOCK);

  private Responder.Response handle(String payload) {
    return responder.handle(payload.getBytes(StandardCharsets.UTF_8), ALL, "Test");
  }

  private Responder.Response handleSample(String file) throws Exception {
    return responder.handle(Files.readAllBytes(Fixtures.events().resolve(file)), ALL, "Test");
  }

  private static void rejected(Responder.Response r, String why) {
    assertEquals("reject", r.action(), r.reason());
    assertTrue(r.reason().contains(why), r.reason());
  }

  @Test
  void aDuplicateKeyIsRejectedWithTheKeyNamed() throws Exception {
    rejected(handleSample("invalid-duplicate-dry-run.json"), "duplicate key 'dryRun'");
    rejected(handleSample("invalid-duplicate-runbook.json"), "duplicate key 'runbook'");
    rejected(handleSample("invalid-duplicate-resource.json"), "duplicate key 'resource'");
    rejected(handle("{\"source\":\"aws.rds\",\"detail-type\":\"RDS DB Instance Event\",\"detail\":"
        + "{\"SourceIdentifier\":\"billing-db\",\"SourceIdentifier\":\"sentinel-db\"}}"), "duplicate key "
        + "'SourceIdentifier'");
    verifyNoInteractions(sfn, ddb, sns);
  }

  @Test
  void contentAfterTheDocumentIsRejected() throws Exception {
    rejected(handleSample("invalid-trailing-document.json"), "trailing content");
    rejected(handleSample("invalid-trailing-garbage.json"), "trailing content");
    rejected(handle("{\"runbook\":\"database-failure\"}]"), "trailing content");
    verifyNoInteractions(sfn, ddb, sns);
  }

  @Test
  void theSnsMessageInsideTheEnvelopeIsReadAsStrictly() throws Exception {
    rejected(handleSample("invalid-sns-message-duplicate-key.json"), "duplicate key 'NewStateValue'");
    String alarm = new String(Files.readAllBytes(Fixtures.events().resolve("alarm-sns-rds-connections.json")),
        StandardCharsets.UTF_8);
    String message = "\"Message\": \"{\\\"AlarmName\\\"";
    assertTrue(alarm.contains(message), "sample shape");
    int end = alarm.indexOf("}}\",", alarm.indexOf(message)) + 2;
    rejected(handle(alarm.substring(0, end) + " {}" + alarm.substring(end)), "trailing content");
    rejected(handle(alarm.substring(0, end) + "garbage" + alarm.substring(end)), "trailing content");
    verifyNoInteractions(sfn, ddb, sns);
  }

  @Test
  void aPlainTextSnsMessageIsStillIgnoredNotRejected() throws Exception {
    String alarm = new String(Files.readAllBytes(Fixtures.events().resolve("alarm-sns-rds-connections.json")),
        StandardCharsets.UTF_8);
    String text = alarm.replaceFirst("\"Message\": \"(\\\\\"|[^\"])*\"", "\"Message\": \"2 alarms: see console\"");
    Responder.Response r = handle(text);
    assertEquals("ignore", r.action(), r.reason());
    assertTrue(r.reason().contains("not JSON"), r.reason());
  }

  @Test
  void reasonsQuoteAShortPrefixOfAHostileKey() {
    String key = "k".repeat(10_000);
    Responder.Response r = handle("{\"" + key + "\":1,\"" + key + "\":2}");
    assertEquals("reject", r.action());
    assertTrue(r.reason().length() < 300, r.reason().length() + " characters");
  }
}
