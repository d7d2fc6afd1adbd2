package ai.sentinel.dr.database;

import ai.sentinel.dr.ecs.EcsState;
import ai.sentinel.dr.redis.CacheState;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.database.DatabaseState.Decision;
import ai.sentinel.dr.database.DatabaseState.Diagnosis;
import ai.sentinel.dr.database.DatabaseState.Restore;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.support.Fixtures;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.Endpoint;

/** Scenario 1 test data and an RDS fake keyed by instance id. */
final class Db {
  static final String ORIGINAL = "sentinel-db";
  static final String RECOVERY = "sentinel-db-recovery";
  static final String PITR = "sentinel-db-pitr";
  static final String SECRET = "sentinel/database-url";
  static final String OLD_HOST = "sentinel-db.abc123.us-east-1.rds.amazonaws.com";
  static final String NEW_HOST = "sentinel-db-recovery.abc123.us-east-1.rds.amazonaws.com";

  private Db() {}

  static DBInstance instance(String id, String status, String az, String host, Integer port) {
    DBInstance.Builder b = DBInstance.builder().dbInstanceIdentifier(id).dbInstanceStatus(status).availabilityZone(az);
    if (host != null) {
      b.endpoint(Endpoint.builder().address(host).port(port).build());
    }
    return b.build();
  }

  /**
   * Stubs DescribeDBInstances from a mutable map: an id absent from the map answers DBInstanceNotFound, as RDS does.
   * Tests put instances in (or a stubbed restore call does) to change what later describes see.
   */
  static Map<String, DBInstance> stubInstances(RdsClient rds) {
    Map<String, DBInstance> instances = new ConcurrentHashMap<>();
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenAnswer(inv -> {
      String id = inv.<DescribeDbInstancesRequest>getArgument(0).dbInstanceIdentifier();
      DBInstance found = id == null ? null : instances.get(id);
      if (found == null) {
        throw DbInstanceNotFoundException.builder().statusCode(404).message("DBInstance " + id + " not found.")
            .build();
      }
      return DescribeDbInstancesResponse.builder().dbInstances(found).build();
    });
    return instances;
  }

  /** The original as Diagnose saw it, with settings distinct from every env fallback. */
  static Diagnosis seenOriginal(String status) {
    return new Diagnosis(true, status, "us-east-1a", "us-east-1b", true, "db.r6g.large", "orig-subnet-group",
        List.of("sg-0orig1", "sg-0orig2"), OLD_HOST, 5432, List.of(), 12.0, "test");
  }

  static Recovery recovery(boolean dryRun, Diagnosis diagnosis, Restore restore) {
    return Fixtures.recovery(dryRun).with(DatabaseState.PART, new DatabaseState(diagnosis, new Decision("B", "test"),
        null,
        restore, null));
  }

  static Recovery withOptions(Recovery r, Options o) {
    return r.withEnvelope(r.scenario(), r.resource(), r.executionName(), r.environment(), r.trigger(), o);
  }

  static Recovery withExecutionName(Recovery r, String name) {
    return r.withEnvelope(r.scenario(), r.resource(), name, r.environment(), r.trigger(), r.options());
  }

  static Options options(String option, String snapshotId, String restoreTime, boolean dryRun) {
    return new Options(option, snapshotId, restoreTime, dryRun, 30, 5);
  }

  /** A restore that WaitForInstance has seen available. */
  static Restore availableRestore(String host, int port) {
    return new Restore(RECOVERY, "rds:sentinel-db-2026-01-17-03-00", "2026-01-17T03:00:00Z", null,
        "2026-01-17T10:06:00Z", "available", host, port, 3, true);
  }

  static Instant at(String iso) {
    return Instant.parse(iso);
  }
}
