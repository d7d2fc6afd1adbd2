package ai.sentinel.dr.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.support.Fixtures;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBInstanceAutomatedBackup;
import software.amazon.awssdk.services.rds.model.DescribeDbInstanceAutomatedBackupsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstanceAutomatedBackupsResponse;
import software.amazon.awssdk.services.rds.model.RdsException;

/**
 * The clean time's window: the earliest restorable time is the automated backups' RestoreWindow.EarliestTime (of the
 * current instance's backup, not a retained one of a deleted namesake); now minus the retention only when RDS gives
 * none, and then the reason is said. A clean time before it is refused with where the earliest time came from.
 */
class RestorableWindowTest {
  private static final Instant NOW = Fixtures.NOW;
  private static final Instant LATEST = Instant.parse("2026-01-17T10:00:00Z");
  private static final DBInstance SOURCE = DBInstance.builder().dbInstanceIdentifier("sentinel-db")
      .dbiResourceId("db-LIVE").backupRetentionPeriod(7).latestRestorableTime(LATEST).build();

  private static RdsClient answering(DBInstanceAutomatedBackup... backups) {
    RdsClient rds = Fixtures.sdkMock(RdsClient.class);
    when(rds.describeDBInstanceAutomatedBackups(any(DescribeDbInstanceAutomatedBackupsRequest.class)))
        .thenReturn(DescribeDbInstanceAutomatedBackupsResponse.builder().dbInstanceAutomatedBackups(backups)
            .build());
    return rds;
  }

  private static DBInstanceAutomatedBackup backup(String resourceId, String status, String earliest) {
    return DBInstanceAutomatedBackup.builder().dbInstanceIdentifier("sentinel-db").dbiResourceId(resourceId)
        .status(status).restoreWindow(w -> w.earliestTime(earliest == null ? null : Instant.parse(earliest))
            .latestTime(LATEST)).build();
  }

  @Test
  void theEarliestTimeIsTheCurrentInstancesRestoreWindowAndACleanTimeBeforeItIsRefused() {
    // a retained backup of a deleted instance of the same name reaches further back: not this instance's
    RestorableWindow w = RestorableWindow.of(answering(backup("db-OLD", "retained", "2026-01-11T00:00:00Z"),
        backup("db-LIVE", "active", "2026-01-14T03:00:00Z")), SOURCE, NOW);
    assertEquals(Instant.parse("2026-01-14T03:00:00Z"), w.earliest());
    assertEquals(LATEST, w.latest());
    assertEquals(RestorableWindow.FROM_BACKUPS, w.earliestFrom());
    assertNull(w.refuse(Instant.parse("2026-01-15T00:00:00Z"), "operator", "sentinel-db"));
    // within "now minus 7 days" (2026-01-10T10:05) but before what the backups can give
    String refused = w.refuse(Instant.parse("2026-01-12T00:00:00Z"), "operator", "sentinel-db");
    assertTrue(refused.contains("is before sentinel-db's earliest restorable time 2026-01-14T03:00:00Z "
        + "(RestoreWindow.EarliestTime of the automated backups)"), refused);
    assertTrue(w.refuse(Instant.parse("2026-01-17T10:01:00Z"), "operator", "sentinel-db")
        .contains("after sentinel-db's latest restorable time"));
  }

  @Test
  void withoutARestoreWindowItIsNowMinusTheRetentionWithTheReason() {
    // moto 5.2.1 lists {DBInstanceIdentifier, Status: active} only
    RestorableWindow moto = RestorableWindow.of(answering(DBInstanceAutomatedBackup.builder()
        .dbInstanceIdentifier("sentinel-db").status("active").build()), SOURCE, NOW);
    assertEquals(Instant.parse("2026-01-10T10:05:00Z"), moto.earliest());
    assertEquals("now minus the 7-day backup retention, because the automated backup of sentinel-db (active) gives "
        + "no RestoreWindow", moto.earliestFrom());
    String refused = moto.refuse(Instant.parse("2026-01-09T00:00:00Z"), "operator", "sentinel-db");
    assertTrue(refused.contains("(now minus the 7-day backup retention, because"), refused);

    RestorableWindow none = RestorableWindow.of(answering(), SOURCE, NOW);
    assertTrue(none.earliestFrom().endsWith("because no automated backup of sentinel-db is listed"));

    RdsClient refusing = Fixtures.sdkMock(RdsClient.class);
    when(refusing.describeDBInstanceAutomatedBackups(any(DescribeDbInstanceAutomatedBackupsRequest.class)))
        .thenThrow(RdsException.builder().statusCode(403).awsErrorDetails(AwsErrorDetails.builder()
            .errorCode("AccessDenied").build()).build());
    RestorableWindow denied = RestorableWindow.of(refusing, SOURCE, NOW);
    assertEquals(Instant.parse("2026-01-10T10:05:00Z"), denied.earliest());
    assertTrue(denied.earliestFrom().endsWith("DescribeDBInstanceAutomatedBackups refused (AccessDenied)"));
  }

  @Test
  void anInstanceWithoutBackupsHasNoPointInTime() {
    DBInstance noBackups = SOURCE.toBuilder().backupRetentionPeriod(0).build();
    RestorableWindow w = RestorableWindow.of(answering(), noBackups, NOW);
    assertTrue(w.refuse(Instant.parse("2026-01-17T09:00:00Z"), "proposed", "sentinel-db")
        .contains("keeps no automated backups (backup retention 0 days)"));
  }
}
