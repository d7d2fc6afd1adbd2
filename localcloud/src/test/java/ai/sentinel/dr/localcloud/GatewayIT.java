package ai.sentinel.dr.localcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Topic;

/** The local cloud end to end: the AWS SDK against the gateway, moto behind it, handlers in this JVM. */
class GatewayIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:";
  private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/sentinel-dr-sfn";
  private static final String OUTAGE = SimulatedOutageException.class.getName();

  private static LocalCloud cloud;
  private static SdkHttpClient http;
  private static LambdaClient lambda;
  private static SfnClient sfn;
  private static SnsClient sns;

  @BeforeAll
  static void start() throws IOException {
    // moto's log lands next to the failsafe reports, where CI keeps it
    cloud = LocalCloud.start(FunctionRegistry.of(
            new ReflectiveHandlerFunction("echo", EchoHandler.class.getName(), Map.of("MODE", "it")),
            new ReflectiveHandlerFunction("fail", FailingHandler.class.getName() + "::handleRequest", Map.of())),
        Path.of("target", "localcloud-it"));
    http = UrlConnectionHttpClient.create();
    lambda = configure(LambdaClient.builder()).build();
    sfn = configure(SfnClient.builder()).build();
    sns = configure(SnsClient.builder()).build();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {lambda, sfn, sns, http, cloud}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception ignored) {
        // best effort: the next resource must still close
      }
    }
  }

  private static <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(B builder) {
    return builder.endpointOverride(cloud.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(http);
  }

  @Test
  void lambdaInvokeByNameAndByQualifiedArnReachesTheHandler() throws IOException {
    InvokeResponse byName = lambda.invoke(r -> r.functionName("echo").payload(SdkBytes.fromUtf8String("{\"n\":1}")));
    assertNull(byName.functionError());
    assertEquals("$LATEST", byName.executedVersion());
    JsonNode out = JSON.readTree(byName.payload().asUtf8String());
    assertEquals(1, out.get("n").asInt());
    assertEquals("echo", out.get("echoedBy").asText());
    assertEquals("it", out.get("mode").asText());

    InvokeResponse byArn = lambda.invoke(r -> r.functionName(FUNCTION_ARN + "echo:live")
        .payload(SdkBytes.fromUtf8String("{\"n\":2}")));
    assertEquals(2, JSON.readTree(byArn.payload().asUtf8String()).get("n").asInt());

    InvokeResponse withQualifier = lambda.invoke(r -> r.functionName(FUNCTION_ARN + "echo").qualifier("3")
        .payload(SdkBytes.fromUtf8String("{\"n\":3}")));
    assertEquals(3, JSON.readTree(withQualifier.payload().asUtf8String()).get("n").asInt());

    assertTrue(cloud.calls().stream().anyMatch(c -> c.service().equals("lambda") && c.action().equals("Invoke:echo")
        && c.status() == 200));
  }

  @Test
  void lambdaFunctionErrorsAndUnknownFunctionsLookLikeLambda() throws IOException {
    InvokeResponse failed = lambda.invoke(r -> r.functionName("fail").payload(SdkBytes.fromUtf8String("{}")));
    assertEquals(200, failed.statusCode());
    assertEquals("Unhandled", failed.functionError());
    JsonNode error = JSON.readTree(failed.payload().asUtf8String());
    assertEquals(OUTAGE, error.get("errorType").asText());
    assertEquals("primary database is down", error.get("errorMessage").asText());
    assertTrue(error.get("stackTrace").isArray());

    ResourceNotFoundException missing = assertThrows(ResourceNotFoundException.class,
        () -> lambda.invoke(r -> r.functionName("nope").payload(SdkBytes.fromUtf8String("{}"))));
    assertEquals(404, missing.statusCode());
    assertTrue(missing.getMessage().contains("Function not found: nope"), missing.getMessage());
  }

  @Test
  void otherCallsAreForwardedToMotoAndLogged() {
    cloud.clearCalls();
    String arn = sns.createTopic(r -> r.name("forwarded")).topicArn();
    assertEquals("arn:aws:sns:us-east-1:123456789012:forwarded", arn);
    assertTrue(sns.listTopics().topics().stream().anyMatch(t -> t.topicArn().equals(arn)));

    List<CallRecord> calls = cloud.calls();
    CallRecord create = calls.stream().filter(c -> c.action().equals("CreateTopic")).findFirst().orElseThrow();
    assertEquals("sns", create.service());
    assertEquals(200, create.status());
    assertTrue(create.mutating());
    assertTrue(calls.stream().anyMatch(c -> c.action().equals("ListTopics") && !c.mutating()));
  }

  @Test
  void headAndEmptyResponsesAreRelayed() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    URI uri = cloud.endpoint().resolve("/moto-api/data.json");
    HttpResponse<byte[]> get =
        client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> head = client.send(
        HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, get.statusCode());
    assertEquals(200, head.statusCode());
    assertEquals(0, head.body().length);
    assertEquals(String.valueOf(get.body().length), head.headers().firstValue("Content-Length").orElseThrow());
  }

  @Test
  void stateMachineRunsTheEchoHandlerThroughTheGateway() throws Exception {
    String definition = """
        {"StartAt":"Echo","States":{
          "Echo":{"Type":"Task","Resource":"%1$secho","Next":"EchoAgain"},
          "EchoAgain":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
            "Parameters":{"FunctionName":"%1$secho:live","Payload.$":"$"},"OutputPath":"$.Payload","Next":"Check"},
          "Check":{"Type":"Choice","Choices":[{"Variable":"$.ok","BooleanEquals":true,"Next":"Done"}],
            "Default":"NotEchoed"},
          "NotEchoed":{"Type":"Fail","Error":"NotEchoed"},
          "Done":{"Type":"Succeed"}}}""".formatted(FUNCTION_ARN);
    String machine = createStateMachine("echo-flow", definition);
    cloud.clearCalls();

    DescribeExecutionResponse done = run(machine, "echo-1", "{\"incident\":\"db-failover\"}");

    assertEquals(ExecutionStatus.SUCCEEDED, done.status(), () -> "output/cause: " + done.output() + done.cause());
    JsonNode output = JSON.readTree(done.output());
    assertEquals("db-failover", output.get("incident").asText());
    assertEquals("echo", output.get("echoedBy").asText());
    assertEquals("it", output.get("mode").asText());
    assertEquals(2, cloud.calls().stream().filter(c -> c.action().equals("Invoke:echo")).count(),
        "both Task styles reached the gateway");
  }

  @Test
  void functionErrorsAreCaughtByExceptionClassNameAndByStatesAll() throws Exception {
    String definition = """
        {"StartAt":"Failover","States":{
          "Failover":{"Type":"Task","Resource":"%1$sfail",
            "Retry":[{"ErrorEquals":["%2$s"],"IntervalSeconds":1,"MaxAttempts":1,"BackoffRate":1}],
            "Catch":[{"ErrorEquals":["%2$s"],"ResultPath":"$.specific","Next":"FailoverAgain"},
                     {"ErrorEquals":["States.ALL"],"Next":"WrongCatch"}],
            "Next":"WrongCatch"},
          "FailoverAgain":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
            "Parameters":{"FunctionName":"fail","Payload.$":"$"},
            "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.any","Next":"Caught"}],
            "Next":"WrongCatch"},
          "Caught":{"Type":"Pass","End":true},
          "WrongCatch":{"Type":"Fail","Error":"WrongCatch"}}}""".formatted(FUNCTION_ARN, OUTAGE);
    String machine = createStateMachine("catch-flow", definition);
    cloud.clearCalls();

    DescribeExecutionResponse done = run(machine, "catch-1", "{\"incident\":\"db-down\"}");

    assertEquals(ExecutionStatus.SUCCEEDED, done.status(), () -> "cause: " + done.cause());
    JsonNode output = JSON.readTree(done.output());
    assertEquals("db-down", output.get("incident").asText());
    assertEquals(OUTAGE, output.at("/specific/Error").asText());
    assertEquals(OUTAGE, JSON.readTree(output.at("/specific/Cause").asText()).get("errorType").asText());
    assertEquals(OUTAGE, output.at("/any/Error").asText());
    assertEquals(3, cloud.calls().stream().filter(c -> c.action().equals("Invoke:fail")).count(),
        "one try plus one retry, then the lambda:invoke state");
  }

  @Test
  void aRejectionsCauseReachesTheCatchTheHistoryAndTheExecution() throws Exception {
    // an approval gate's shape: a task waiting for its token, a rejection caught and passed on, or the run fails
    String definition = """
        {"StartAt":"Gate","States":{
          "Gate":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters":{"FunctionName":"echo","Payload":{"token.$":"$$.Task.Token"}},
            "Catch":[{"ErrorEquals":["Rejected"],"ResultPath":"$.rejection","Next":"Stopped"}],"End":true},
          "Stopped":{"Type":"Fail","Error":"Rejected","CausePath":"$.rejection.Cause"}}}""";
    String machine = createStateMachine("gate-flow", definition);
    String executionArn = sfn.startExecution(r -> r.stateMachineArn(machine).name("gate-1").input("{}"))
        .executionArn();
    String token = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (token == null && System.nanoTime() < deadline) {
      for (var e : sfn.getExecutionHistory(r -> r.executionArn(executionArn)).events()) {
        if (e.taskScheduledEventDetails() != null) {
          token = JSON.readTree(e.taskScheduledEventDetails().parameters()).at("/Payload/token").asText(null);
        }
      }
      Thread.sleep(100);
    }
    assertNotNull(token, "the gate's token");
    String waiting = token;
    // moto 5.2.1 dropped the cause (launcher F10)
    sfn.sendTaskFailure(r -> r.taskToken(waiting).error("Rejected").cause("rejected by bob: wrong snapshot"));
    DescribeExecutionResponse done = null;
    while (System.nanoTime() < deadline) {
      done = sfn.describeExecution(r -> r.executionArn(executionArn));
      if (done.status() != ExecutionStatus.RUNNING) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals(ExecutionStatus.FAILED, done.status());
    var failed = sfn.getExecutionHistory(r -> r.executionArn(executionArn)).events().stream()
        .filter(e -> e.taskFailedEventDetails() != null).findFirst().orElseThrow();
    assertEquals("Rejected", failed.taskFailedEventDetails().error());
    assertEquals("rejected by bob: wrong snapshot", failed.taskFailedEventDetails().cause());
    assertEquals("rejected by bob: wrong snapshot", done.cause(), "the Catch passed the Cause on");
  }

  @Test
  void executionsCanBeStartedOneAfterAnother() throws Exception {
    String machine = createStateMachine("twice",
        "{\"StartAt\":\"Echo\",\"States\":{\"Echo\":{\"Type\":\"Task\",\"Resource\":\"" + FUNCTION_ARN
            + "echo\",\"End\":true}}}");
    // moto 5.2.1 failed the second StartExecution (getmoto/moto#10077) without the launcher's patch
    DescribeExecutionResponse first = run(machine, "first", "{\"n\":1}");
    DescribeExecutionResponse second = run(machine, "second", "{\"n\":2}");
    assertEquals(ExecutionStatus.SUCCEEDED, first.status());
    assertEquals(ExecutionStatus.SUCCEEDED, second.status());
    assertEquals(2, JSON.readTree(second.output()).get("n").asInt());
    assertTrue(second.executionArn().endsWith(":second"));
  }

  @Test
  void aLostResponseIsAppliedByMotoButFailsTheCaller() {
    try (SnsClient once = configure(SnsClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
      cloud.clearCalls();
      cloud.setLostResponseRate(1.0, 7);
      try {
        IntStream.range(0, 6).forEach(i -> assertThrows(RuntimeException.class,
            () -> once.createTopic(r -> r.name("lost-" + i)), "the caller never hears of topic " + i));
      } finally {
        cloud.setLostResponseRate(0, 0);
      }
    }
    Set<String> topics = sns.listTopics().topics().stream().map(Topic::topicArn).collect(Collectors.toSet());
    IntStream.range(0, 6).forEach(i ->
        assertTrue(topics.contains("arn:aws:sns:us-east-1:123456789012:lost-" + i), "yet topic " + i + " exists"));
    List<CallRecord> lost = cloud.calls().stream().filter(c -> c.action().equals("CreateTopic")).toList();
    assertEquals(6, lost.size());
    assertTrue(lost.stream().allMatch(c -> c.responseLost() && c.applied() && !c.succeeded()), lost.toString());
    // both ways a response is lost: a retryable error, and a connection closed before any status line
    assertTrue(lost.stream().anyMatch(c -> c.status() == 0), lost.toString());
    assertTrue(lost.stream().anyMatch(c -> c.status() >= 400), lost.toString());
  }

  @Test
  void sdkRetriesThroughInjectedFaults() {
    RetryStrategy patient = AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(10)
        .circuitBreakerEnabled(false)
        .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(5), Duration.ofMillis(50)))
        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(5), Duration.ofMillis(50)))
        .build();
    try (SnsClient faultySns = configure(SnsClient.builder())
            .overrideConfiguration(o -> o.retryStrategy(patient)).build();
        SfnClient faultySfn = configure(SfnClient.builder())
            .overrideConfiguration(o -> o.retryStrategy(patient)).build()) {
      cloud.clearCalls();
      cloud.setFaultRate(0.3, 42);
      try {
        IntStream.range(0, 20).forEach(i -> faultySns.createTopic(r -> r.name("faulty-" + i)));
        IntStream.range(0, 10).forEach(i -> faultySfn.listStateMachines());
      } finally {
        cloud.setFaultRate(0, 0);
      }
    }

    Set<String> topics = sns.listTopics().topics().stream().map(Topic::topicArn).collect(Collectors.toSet());
    IntStream.range(0, 20).forEach(i ->
        assertTrue(topics.contains("arn:aws:sns:us-east-1:123456789012:faulty-" + i), "topic " + i));
    List<CallRecord> calls = cloud.calls();
    long snsFaults = calls.stream().filter(c -> c.injectedFault() && c.service().equals("sns")).count();
    long sfnFaults = calls.stream().filter(c -> c.injectedFault() && c.service().equals("states")).count();
    assertTrue(snsFaults > 0, "faults injected into SNS (query protocol)");
    assertTrue(sfnFaults > 0, "faults injected into SFN (JSON protocol)");
    assertEquals(20, calls.stream().filter(c -> c.action().equals("CreateTopic") && c.succeeded()).count());
    assertEquals(10, calls.stream().filter(c -> c.action().equals("ListStateMachines") && c.succeeded()).count());
  }

  private static String createStateMachine(String name, String definition) {
    return sfn.createStateMachine(r -> r.name(name).definition(definition).roleArn(ROLE_ARN)).stateMachineArn();
  }

  private static DescribeExecutionResponse run(String machineArn, String name, String input)
      throws InterruptedException {
    String executionArn = sfn.startExecution(r -> r.stateMachineArn(machineArn).name(name).input(input))
        .executionArn();
    assertNotNull(executionArn);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      DescribeExecutionResponse execution = sfn.describeExecution(r -> r.executionArn(executionArn));
      if (execution.status() != ExecutionStatus.RUNNING) {
        return execution;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Execution " + executionArn + " still running after 60 s");
  }
}
