package ai.sentinel.dr.drill.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.corruption.CorruptionState;
import ai.sentinel.dr.corruption.DataCorruptionSettings;
import ai.sentinel.dr.corruption.DeleteCleanInstance;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.RepoPaths;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Scenario 5's clean copy deleted on approval, end to end on the local cloud: the environment keeps the copy an hour
 * after the report ({@code keepCleanInstanceHours}), the on-call approves the repair choosing
 * {@value DeleteCleanInstance#DELETE_NOW} (what {@code ./sentinel approve TOKEN --choose delete-clean-copy} sends),
 * and the copy is gone when the recovery ends, without the hour's wait. Judged on RDS and the recovery's timeline.
 */
class CleanCopyApprovalIT {
  @Test
  void anApprovalChoosingDeleteCleanCopySkipsTheRetention() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Drill.Result result;
    String cleanId;
    try (LocalSentinel sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"),
        Map.of(DataCorruptionSettings.SECTION.variable(), "{\"keepCleanInstanceHours\": 1}"),
        Files.createTempDirectory("clean-copy-approval-it-"))) {
      assertEquals(1, DataCorruptionSettings.of(sentinel.config).keepHours(), "the retention is configured");
      result = Drill.of(sentinel, "data-corruption", new PrintStream(buffer, true, StandardCharsets.UTF_8))
          .run(false, Drill.Gate.approveAs("alice", List.of(DeleteCleanInstance.DELETE_NOW)));
      // without the choice the recovery waits the hour and the drill gives up after 5 minutes, failing here
      assertTrue(result.passed() && result.recovery() != null, result.status() + "\n" + buffer);
      cleanId = result.recovery().part(CorruptionState.PART).clean().instanceId();
      String status;
      try {
        status = sentinel.aws.rds.describeDBInstances(b -> b.dbInstanceIdentifier(
            DatabaseSettings.of(sentinel.config).cleanInstanceId())).dbInstances().get(0)
            .dbInstanceStatus();
      } catch (DbInstanceNotFoundException e) {
        status = "deleted";
      }
      assertTrue(status.equals("deleted") || status.equals("deleting"), status + "\n" + buffer);
    }
    String output = buffer.toString(StandardCharsets.UTF_8);
    assertEquals(ExecutionStatus.SUCCEEDED, result.status(), output);
    assertTrue(output.contains("--choose " + DeleteCleanInstance.DELETE_NOW), output);
    assertTrue(result.recovery().part(CorruptionState.PART).clean().deleted(), cleanId);
    assertTrue(result.recovery().timeline().stream().anyMatch(e -> "retention-skipped".equals(e.event())
        && e.detail().contains("alice")), "the approval's choice, by whom: " + result.recovery().timeline());
  }
}
