package ai.sentinel.dr.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Cli;
import ai.sentinel.dr.cli.Main;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.drill.LocalAws;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.LocalFiles;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * {@code ./sentinel cloud up}, the AWS-style calls the README shows (through the SDK, as the AWS CLI makes them:
 * Lambda ListFunctions, Invoke of the manual responder with an events/ sample, Step Functions ListExecutions), the
 * {@code ./sentinel report} of the execution it started (through {@link Main}, with the printed exports), then
 * {@code ./sentinel cloud down}, after which no process of the cloud is left (the daemon JVM, moto, the gateway it
 * hosts, PostgreSQL, Redis and their guards).
 */
class CloudUpIT {
  private static final String MANUAL = "local-sentinel-dr-manual-responder";
  private static final String SAMPLE = "manual-database-restore-snapshot-dry-run.json";

  @Test
  void upAnswersTheReadmesCallsAndDownLeavesNoProcessBehind() throws Exception {
    Path root = RepoPaths.root();
    Path dir = Files.createTempDirectory("cloud-up-it-");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CloudCommand command = new CloudCommand(root, dir, CloudCommand.thisJvm(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    Set<Long> processes = Set.of();
    try {
      long began = System.nanoTime();
      assertEquals(CloudCommand.OK, command.up("local"), text(out) + text(err));
      System.out.printf("[cloud up] %.1f s%n", (System.nanoTime() - began) / 1e9);
      CloudState state = CloudState.read(dir).orElseThrow();
      ProcessHandle daemon = state.running().orElseThrow();
      // the daemon and everything below it: cloud down must leave none of them
      processes = java.util.stream.Stream.concat(java.util.stream.Stream.of(daemon), daemon.descendants())
          .map(ProcessHandle::pid).collect(Collectors.toSet());
      assertTrue(processes.containsAll(state.children()), processes + " vs " + state.children());
      assertTrue(state.children().size() >= 2, "moto and at least one local server: " + state.children());
      assertTrue(text(out).contains("export AWS_ENDPOINT_URL=" + state.endpoint()), text(out));
      assertTrue(text(out).contains("--cli-binary-format raw-in-base64-out"), "the v2 form: " + text(out));

      try (LocalAws aws = new LocalAws(state.endpoint())) {
        // aws lambda list-functions
        List<String> names = aws.lambda.listFunctions().functions().stream().map(FunctionConfiguration::functionName)
            .toList();
        assertTrue(names.contains(MANUAL), names.toString());
        assertTrue(names.containsAll(state.functions()), names + " vs " + state.functions());

        // aws lambda invoke --function-name ... --payload file://events/manual-...-dry-run.json out.json
        byte[] payload = Files.readAllBytes(root.resolve("events").resolve(SAMPLE));
        InvokeResponse invoked = aws.lambda.invoke(b -> b.functionName(MANUAL)
            .payload(SdkBytes.fromByteArray(payload)));
        assertEquals(200, invoked.statusCode());
        assertNull(invoked.functionError(), invoked.payload().asUtf8String());
        JsonNode answer = Json.tree(invoked.payload().asUtf8String());
        assertEquals("start", answer.path("action").asText(), answer.toString());
        String executionArn = answer.path("executionArn").asText();

        // aws stepfunctions list-executions --state-machine-arn ...
        String machine = state.stateMachines().get("local-sentinel-dr-database-failure");
        List<ExecutionListItem> executions = aws.sfn.listExecutions(b -> b.stateMachineArn(machine)).executions();
        assertTrue(executions.stream().anyMatch(e -> e.executionArn().equals(executionArn)), executions.toString());
        ExecutionStatus status = awaitEnd(aws, executionArn);
        assertEquals(ExecutionStatus.SUCCEEDED, status, "a dry-run plan ends as a plan");

        // ./sentinel report --env local ARN, with the exports cloud up printed
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        ByteArrayOutputStream reportErr = new ByteArrayOutputStream();
        Map<String, String> exported = Map.of("AWS_ENDPOINT_URL", state.endpoint(), "AWS_REGION", state.region(),
            "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test");
        long reportBegan = System.nanoTime();
        int code = Main.run(new String[] {"report", "--env", "local", executionArn},
            new Cli(new PrintStream(report, true, StandardCharsets.UTF_8),
                new PrintStream(reportErr, true, StandardCharsets.UTF_8), exported, root));
        System.out.printf("[report] %.1f s%n", (System.nanoTime() - reportBegan) / 1e9);
        assertEquals(0, code, text(report) + text(reportErr));
        assertTrue(text(report).startsWith(
            "## Incident Report: [DRILL, DRY-RUN] Database failure on sentinel-db (Option B: restore from snapshot)"),
            text(report));
        assertTrue(text(report).contains("RestoreFromSnapshot planned: rds:RestoreDBInstanceFromDBSnapshot"),
            text(report));
        assertTrue(text(report).contains("from execution `" + executionArn + "` (DRY_RUN)"), text(report));
      }

      // a second up finds the running cloud and leaves it as it is
      ByteArrayOutputStream again = new ByteArrayOutputStream();
      CloudCommand second = new CloudCommand(root, dir, CloudCommand.thisJvm(),
          new PrintStream(again, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(CloudCommand.OK, second.up("local"));
      assertTrue(text(again).contains("already up"), text(again));
      assertEquals(state.pid(), CloudState.read(dir).orElseThrow().pid());

      began = System.nanoTime();
      assertEquals(CloudCommand.OK, command.down(), text(out) + text(err));
      System.out.printf("[cloud down] %.1f s%n", (System.nanoTime() - began) / 1e9);
      List<Long> left = processes.stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive)
          .orElse(false)).toList();
      assertEquals(List.of(), left, "processes of the cloud still running after cloud down");
      assertFalse(Files.exists(dir.resolve(CloudState.FILE)), "the state is removed");
      assertTrue(text(out).contains("the local cloud is down"), text(out));
    } finally {
      // a failed assertion must not leave the cloud running either
      Optional<CloudState> state = CloudState.read(dir);
      if (state.isPresent() && state.get().running().isPresent()) {
        command.down();
      }
      processes.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      LocalFiles.deleteTree(dir);
    }
  }

  private static ExecutionStatus awaitEnd(LocalAws aws, String executionArn) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
    ExecutionStatus status = ExecutionStatus.RUNNING;
    while (status == ExecutionStatus.RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(500);
      status = aws.sfn.describeExecution(b -> b.executionArn(executionArn)).status();
    }
    return status;
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
