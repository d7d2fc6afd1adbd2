package ai.sentinel.dr.drill.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.RepoPaths;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * ./sentinel drill data-corruption --reject-as bob: the on-call sees the diff and the plan and says no. Live is left
 * exactly as the corruption left it, writes resume (nothing in live was changed, a human chose not to repair), the
 * recovery ends failed with the rejection told, and the clean copy is kept for a manual repair.
 */
class CorruptionRejectionIT {

  @Test
  void aRejectedRepairChangesNoRowResumesWritesAndKeepsTheCleanCopy() throws Exception {
    try (LocalSentinel sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"), Map.of(),
        Files.createTempDirectory("corruption-rejection-it-"))) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      DataCorruption drill = new DataCorruption();
      Drill.Result result = new Drill(sentinel, drill, new PrintStream(buffer, true, StandardCharsets.UTF_8))
          .run(false, Drill.Gate.rejectAs("bob"));
      String output = buffer.toString(StandardCharsets.UTF_8);
      assertTrue(result.passed(), output);
      assertEquals(ExecutionStatus.FAILED, result.status(), output);
      assertTrue(output.contains("REJECTION HONORED"), output);
      // the gate was reached with the diff, and its answer was the rejection (not some earlier failure)
      assertTrue(output.contains("Diff and plan: audit_logs: "), output);
      var history = sentinel.aws.sfn.getExecutionHistory(b -> b.executionArn(result.executionArn())
          .maxResults(1000)).events();
      assertTrue(history.stream().anyMatch(e -> e.stateEnteredEventDetails() != null
          && "ExitMaintenance (rejected)".equals(e.stateEnteredEventDetails().name())), output);
      assertTrue(history.stream().noneMatch(e -> e.stateEnteredEventDetails() != null
          && ("RestoreTables".equals(e.stateEnteredEventDetails().name())
              || "HoldMaintenance".equals(e.stateEnteredEventDetails().name()))), output);

      assertEquals(drill.liveAfterInjection(), drill.liveNow(sentinel), "live as the corruption left it");
      CorruptionSeed seed = sentinel.part(CorruptionSeed.class);
      try (SsmClient ssm = CorruptionSeed.ssm(sentinel.cloud.endpoint())) {
        assertEquals(CorruptionSeed.NORMAL, ssm.getParameter(b -> b.name(seed.parameter())).parameter().value(),
            "writes resumed");
      }
      assertEquals(1, CorruptionSeed.rules(sentinel, seed.listenerArn()).size(), "the 503 rule is gone");
      String clean = DatabaseSettings.of(sentinel.config).cleanInstanceId();
      assertEquals("available", sentinel.aws.rds.describeDBInstances(b -> b.dbInstanceIdentifier(clean))
          .dbInstances().get(0).dbInstanceStatus(), "the clean copy is kept for a manual repair");
      // the gate's task failed with the rejection itself (moto's history keeps the error, not the cause)
      assertTrue(history.stream().filter(e -> e.taskFailedEventDetails() != null).anyMatch(e -> "Rejected".equals(
          e.taskFailedEventDetails().error())), "the gate answered Rejected");
    }
  }
}
