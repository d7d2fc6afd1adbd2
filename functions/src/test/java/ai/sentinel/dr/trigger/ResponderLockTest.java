package ai.sentinel.dr.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.safety.FakeLockTable;
import ai.sentinel.dr.safety.RecoveryLocks;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionRequest;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * The responder's lock under forced interleavings, against a table that evaluates DynamoDB's conditions: two copies
 * of one signal share one execution name, so the lock must know which acquisition holds it, and a start whose outcome
 * is unknown is settled by asking Step Functions, never by releasing.
 */
class ResponderLockTest {
  private static final Set<String> ALL = Set.of("alarm", "rds-event", "manual");
  private static final String LOCK = "lock#rds-instance:sentinel-db";
  /** The database recovery restarts this service; the ECS recovery of it locks it too. */
  private static final String API_LOCK = "lock#ecs-service:sentinel-production/sentinel-api";
  private static final String ALARM = "alarm-eventbridge-rds-connections.json";

  private final FakeLockTable table = new FakeLockTable();
  private final SfnClient sfn = Fixtures.sdkMock(SfnClient.class);
  private final SnsClient sns = Fixtures.sdkMock(SnsClient.class);
  private final Responder responder = new Responder(Fixtures.config(), sfn, new RecoveryLocks(table,
      "dev-sentinel-dr-locks", Fixtures.CLOCK, Duration.ofHours(3)), sns, Fixtures.CLOCK);
  /** Executions Step Functions holds, by ARN, with their status. */
  private final Map<String, ExecutionStatus> executions = new ConcurrentHashMap<>();

  @BeforeEach
  void stepFunctionsKnowsWhatWasCreated() {
    when(sfn.describeExecution(any(DescribeExecutionRequest.class))).thenAnswer(inv -> {
      String arn = inv.<DescribeExecutionRequest>getArgument(0).executionArn();
      ExecutionStatus status = executions.get(arn);
      if (status == null) {
        throw ExecutionDoesNotExistException.builder().message("Execution Does Not Exist: " + arn).build();
      }
      return DescribeExecutionResponse.builder().executionArn(arn).status(status).build();
    });
  }

  private static String arn(StartExecutionRequest r) {
    return r.stateMachineArn().replace(":stateMachine:", ":execution:") + ":" + r.name();
  }

  private StartExecutionResponse create(StartExecutionRequest r) {
    if (executions.putIfAbsent(arn(r), ExecutionStatus.RUNNING) != null) {
      throw ExecutionAlreadyExistsException.builder().message("Execution Already Exists: " + arn(r)).build();
    }
    return StartExecutionResponse.builder().executionArn(arn(r)).build();
  }

  private Responder.Response handle(String file) throws Exception {
    return responder.handle(Files.readAllBytes(Fixtures.events().resolve(file)), ALL, "Test");
  }

  private String lockOwner() {
    return lockOwner(LOCK);
  }

  private String lockOwner(String key) {
    Map<String, AttributeValue> item = table.item(key);
    return item == null ? null : item.get("owner").s();
  }

  @Test
  void aRestartedInstanceJoinsTheRunningRecoveryAsEvidenceAndNeverStartsOne() throws Exception {
    Responder.Response alone = handle("rds-eventbridge-restarted.json");
    assertEquals("ignore", alone.action(), alone.reason());
    assertNull(table.item(LOCK), "no recovery runs: nothing is written");
    verify(sfn, never()).startExecution(any(StartExecutionRequest.class));

    when(sfn.startExecution(any(StartExecutionRequest.class))).thenAnswer(inv -> create(inv.getArgument(0)));
    assertEquals("start", handle(ALARM).action());
    for (String routine : List.of("rds-eventbridge-restarted.json", "rds-sns-failover-completed.json")) {
      Responder.Response joined = handle(routine);
      assertEquals("ignore", joined.action(), joined.reason());
      assertTrue(joined.reason().contains("as evidence"), routine + ": " + joined.reason());
    }
    String evidence = table.item(LOCK).get("joined").m().toString();
    assertTrue(evidence.contains("RDS-EVENT-0006") && evidence.contains("RDS-EVENT-0049"), evidence);
    verify(sfn, times(1)).startExecution(any(StartExecutionRequest.class));
    assertEquals(1, table.item("attempts#database-failure#sentinel-db").get("starts").m().size(),
        "evidence spends no attempt");
  }

  @Test
  void theLosingCopyWhoseStartFailsDoesNotFreeTheWinnersLock() throws Exception {
    CountDownLatch winnerStarting = new CountDownLatch(1);
    CountDownLatch loserDone = new CountDownLatch(1);
    AtomicInteger starts = new AtomicInteger();
    when(sfn.startExecution(any(StartExecutionRequest.class))).thenAnswer(inv -> {
      StartExecutionRequest r = inv.getArgument(0);
      switch (starts.getAndIncrement()) {
        case 0 -> { // the winner's request is slow: the second copy arrives meanwhile
          winnerStarting.countDown();
          assertTrue(loserDone.await(10, TimeUnit.SECONDS));
          return create(r);
        }
        case 1 -> throw SfnException.builder().statusCode(500).message("InternalFailure").build();
        default -> {
          return create(r);
        }
      }
    });
    CompletableFuture<Responder.Response> winner = CompletableFuture.supplyAsync(() -> {
      try {
        return handle(ALARM);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(winnerStarting.await(10, TimeUnit.SECONDS));
    // the second copy of the same alarm: same execution name, its StartExecution gets a 5xx
    try {
      assertThrows(SfnException.class, () -> handle(ALARM));
    } finally {
      loserDone.countDown();
    }
    Responder.Response won = winner.get(10, TimeUnit.SECONDS);
    assertEquals("start", won.action(), won.reason());
    String name = ExecutionNames.of("database-failure", "sentinel-db", won.dedupKey());
    assertEquals(name, lockOwner(), "the winner's recovery still holds the resource");

    // another signal for the same resource joins the running recovery instead of starting a second one
    Responder.Response other = handle("rds-eventbridge-failover-started.json");
    assertEquals("ignore", other.action(), other.reason());
    assertTrue(other.reason().startsWith("joined running recovery " + name), other.reason());
    assertEquals(2, starts.get(), "no third StartExecution");
    assertEquals(1, executions.size());
  }

  @Test
  void aStartWhoseResponseIsLostIsFoundByDescribeExecutionAndKeepsItsLock() throws Exception {
    when(sfn.startExecution(any(StartExecutionRequest.class))).thenAnswer(inv -> {
      create(inv.getArgument(0)); // applied by Step Functions; the response never arrives
      throw SdkClientException.create("Unable to execute HTTP request: Read timed out");
    });
    Responder.Response r = handle(ALARM);
    assertEquals("start", r.action(), r.reason());
    String name = ExecutionNames.of("database-failure", "sentinel-db", r.dedupKey());
    assertNotNull(r.executionArn());
    assertTrue(r.executionArn().endsWith(":" + name), r.executionArn());
    assertEquals(name, lockOwner(), "the running recovery keeps its lock");
  }

  @Test
  void aStartThatDidNotHappenGivesBackTheLockItTook() throws Exception {
    when(sfn.startExecution(any(StartExecutionRequest.class)))
        .thenThrow(SfnException.builder().statusCode(500).message("InternalFailure").build());
    assertThrows(SfnException.class, () -> handle(ALARM));
    assertNull(lockOwner(), "nothing started: the resource is not left locked until the lease ends");
    assertNull(lockOwner(API_LOCK), "nor the services it would have restarted");
  }

  @Test
  void whenStepFunctionsCannotSayTheLockIsKeptForTheLeaseToSettle() throws Exception {
    when(sfn.startExecution(any(StartExecutionRequest.class)))
        .thenThrow(SdkClientException.create("Unable to execute HTTP request: Connection reset"));
    when(sfn.describeExecution(any(DescribeExecutionRequest.class)))
        .thenThrow(ExecutionDoesNotExistException.builder().message("no").build())
        .thenThrow(SdkClientException.create("Unable to execute HTTP request: Connection reset"));
    assertThrows(SdkClientException.class, () -> handle(ALARM));
    assertNotNull(lockOwner(), "an unknown outcome is not a reason to free the resource");
  }

  @Test
  void aLockTakenAfterTheSignalsExecutionHadEndedIsGivenBack() throws Exception {
    // the execution is created (and ends) between our DescribeExecution and our StartExecution
    when(sfn.startExecution(any(StartExecutionRequest.class))).thenAnswer(inv -> {
      executions.put(arn(inv.getArgument(0)), ExecutionStatus.SUCCEEDED);
      return create(inv.getArgument(0));
    });
    Responder.Response r = handle(ALARM);
    assertEquals("ignore", r.action());
    assertTrue(r.reason().startsWith("duplicate"), r.reason());
    assertNull(lockOwner(), "an ended recovery's signal must not hold the resource until the lease ends");
  }

  /** The responder of an environment with the database and the ECS recoveries deployed. */
  private Responder withEcs() {
    Map<String, String> env = Fixtures.env();
    env.put("STATE_MACHINE_ARNS", Json.write(Map.of("database-failure", Fixtures.STATE_MACHINE,
        "ecs-service-failure", Fixtures.STATE_MACHINE.replace("database-failure", "ecs-service-failure"))));
    return new Responder(DrConfig.fromEnv(env), sfn, new RecoveryLocks(table, "dev-sentinel-dr-locks",
        Fixtures.CLOCK, Duration.ofHours(3)), sns, Fixtures.CLOCK);
  }

  @Test
  void aRecoveryThatWouldRestartAServiceAnotherScenarioIsRecoveringDoesNotStartAndPagesWithTheHolder()
      throws Exception {
    when(sfn.startExecution(any(StartExecutionRequest.class))).thenAnswer(inv -> create(inv.getArgument(0)));
    Responder both = withEcs();
    Responder.Response ecs = both.handle("{\"runbook\":\"ecs-service-failure\",\"resource\":\"sentinel-api\"}"
        .getBytes(StandardCharsets.UTF_8), ALL, "Test", "req-1");
    assertEquals("start", ecs.action(), ecs.reason());
    String ecsName = lockOwner(API_LOCK);
    assertNotNull(ecsName, "the ECS recovery holds its service");

    Responder.Response db = both.handle(Files.readAllBytes(Fixtures.events().resolve(ALARM)), ALL, "Test");
    assertEquals("ignore", db.action(), db.reason());
    assertTrue(db.reason().startsWith("resource busy: ecs-service:sentinel-production/sentinel-api is held by "
        + "ecs-service-failure on sentinel-api (" + ecsName + ")"), db.reason());
    assertNull(db.executionArn());
    assertEquals(1, executions.size(), "the database recovery was not started");
    assertNull(lockOwner(LOCK), "all-or-nothing: the database recovery holds nothing");
    assertEquals(ecsName, lockOwner(API_LOCK), "the holder keeps its lock");
    ArgumentCaptor<PublishRequest> page = ArgumentCaptor.forClass(PublishRequest.class);
    verify(sns).publish(page.capture());
    assertTrue(page.getValue().subject().contains("database-failure on sentinel-db: NOT STARTED - resource busy"),
        page.getValue().subject());
    assertTrue(page.getValue().message().contains(ecsName), "the page names the recovery holding the service");
  }
}
