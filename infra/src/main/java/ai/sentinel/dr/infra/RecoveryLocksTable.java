package ai.sentinel.dr.infra;

import ai.sentinel.dr.safety.RecoveryLocks;
import java.util.Arrays;
import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.constructs.Construct;

/**
 * The DynamoDB table {@code <env>-sentinel-dr-locks} behind {@link RecoveryLocks}: one recovery per resource at a
 * time, and the per-resource attempt budget. Key and TTL attribute come from RecoveryLocks itself, so the table and
 * the code cannot disagree. Each function is granted only the item operations its role needs, on this table only.
 */
public final class RecoveryLocksTable extends Construct {
  /**
   * @param tableName     physical name, {@code <env>-sentinel-dr-locks}
   * @param removalPolicy what a stack deletion does to the table (and the lock and budget state in it)
   */
  public record Props(String tableName, RemovalPolicy removalPolicy) {}

  private final Table table;

  public RecoveryLocksTable(Construct scope, String id, Props props) {
    super(scope, id);
    table = Table.Builder.create(this, "Table")
        .tableName(props.tableName())
        .partitionKey(Attribute.builder().name(RecoveryLocks.KEY).type(AttributeType.STRING).build())
        // a handful of writes per incident: on demand costs nothing at rest and never throttles a recovery
        .billingMode(BillingMode.PAY_PER_REQUEST)
        // expired leases and old attempt records disappear by themselves
        .timeToLiveAttribute(RecoveryLocks.TTL)
        .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
            .pointInTimeRecoveryEnabled(true).build())
        // the aws/dynamodb key: no key policy to maintain, and no grant each function would need
        .encryption(TableEncryption.AWS_MANAGED)
        .removalPolicy(props.removalPolicy())
        .build();
  }

  /** Responders take and join locks, release them when a start fails, count attempts and escalations. */
  public void grantResponder(RunbookFunction function) {
    grant(function, "GetItem", "PutItem", "UpdateItem", "DeleteItem");
  }

  /** AcquireLock takes the lock (conditional put) and reads the holder when it is taken. */
  public void grantAcquire(RunbookFunction function) {
    grant(function, "PutItem", "GetItem");
  }

  /**
   * Notify releases the recovery's lock on every terminal path, and gives back the attempt of a recovery that took no
   * action (an update of the attempts item).
   */
  public void grantRelease(RunbookFunction function) {
    grant(function, "DeleteItem", "UpdateItem");
  }

  /** dynamodb:{@code operations} on this table's ARN only (it has no indexes, so nothing else to cover). */
  private void grant(RunbookFunction function, String... operations) {
    function.allow(Arrays.stream(operations).map(op -> "dynamodb:" + op).toList(), List.of(table.getTableArn()));
  }

  public Table table() {
    return table;
  }

  public String tableName() {
    return table.getTableName();
  }
}
