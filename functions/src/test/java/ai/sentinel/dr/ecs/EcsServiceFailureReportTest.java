package ai.sentinel.dr.ecs;

import static ai.sentinel.dr.report.Documents.ARN;
import static ai.sentinel.dr.report.Documents.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.report.Documents;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.IncidentReport.Verdict;
import ai.sentinel.dr.report.IncidentReports;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ECS service failure's part of the report: the rollback decision, RPO 0, the RTO ending at VerifyTargets. */
class EcsServiceFailureReportTest {

  @Test
  void ecsRollbackIsInTheTitleAndRootCauseAndTheRtoIsMeasuredToVerifyTargets() {
    IncidentReport r = IncidentReports.from(Documents.ecsRolledBack(), ARN, START,
        Instant.parse("2026-01-17T10:14:30Z"), "SUCCEEDED");
    assertEquals("ECS service failure on sentinel-api (rolled back to sentinel-api:7)", r.title());
    assertEquals(709L, r.objective("RTO").measuredSeconds(), "10:02:11 -> VerifyTargets verified 10:14:00");
    assertEquals(Verdict.FAIL, r.objective("RTO").verdict(), "beyond the 10 minute objective");
    assertEquals(0L, r.objective("RPO").measuredSeconds(), "a stateless service loses no data");
    assertEquals(Verdict.PASS, r.objective("RPO").verdict());
    assertTrue(r.rootCause().contains("Decision: rolled back from sentinel-api:9 to sentinel-api:7: not stable "
        + "after 10 polls"), r.rootCause());
    assertTrue(r.impact().contains("ECS service sentinel-api had 0/1 tasks running, 1 stopped "
        + "(CannotPullContainerError: image not found)"), r.impact());
    assertTrue(r.rootCause().contains("Underlying cause: the container image of sentinel-api:9 could not be pulled "
        + "('CannotPullContainerError: image not found'): the revision names an image or tag that does not exist, or "
        + "one its execution role may not read. The rollback to sentinel-api:7 recovered the service, which places "
        + "the fault in sentinel-api:9."), r.rootCause());
    assertTrue(r.resolution().stream().anyMatch(s -> s.contains("DeployPreviousVersion rolled-back")),
        r.resolution().toString());
  }

  @Test
  void eachStopReasonReadsAsACause() {
    String rev = "sentinel-api:9";
    assertTrue(EcsStopCauses.of(task("ResourceInitializationError: unable to pull secrets", null, List.of()), rev)
        .startsWith("tasks of sentinel-api:9 could not initialise"));
    assertTrue(EcsStopCauses.of(task("Essential container in task exited", "EssentialContainerExited",
        List.of("api: exit 137, OutOfMemoryError")), rev).startsWith("containers of sentinel-api:9 ran out of memory"));
    assertTrue(EcsStopCauses.of(task("Essential container in task exited", "EssentialContainerExited",
        List.of("api: exit 1")), rev).equals("the essential container of sentinel-api:9 exited (api: exit 1): the "
        + "application failed at start"));
    assertTrue(EcsStopCauses.of(task("Task failed ELB health checks in (target-group x)", null, List.of()), rev)
        .startsWith("tasks of sentinel-api:9 failed their health checks"));
    assertEquals("tasks of sentinel-api:9 stopped ('Scaling activity initiated by deployment', "
        + "ServiceSchedulerInitiated)",
        EcsStopCauses.of(task("Scaling activity initiated by deployment", "ServiceSchedulerInitiated", List.of()),
            rev));
  }

  private static EcsState.StoppedTask task(String reason, String code, List<String> containers) {
    return new EcsState.StoppedTask("arn:t", null, reason, code, "2026-01-17T10:01:00Z", containers);
  }
}
