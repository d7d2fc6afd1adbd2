package ai.sentinel.dr.infra;

import ai.sentinel.dr.wait.WaitTokens;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The DynamoDB table {@code <env>-sentinel-dr-waits} behind {@link WaitTokens}: the task tokens of the recoveries
 * waiting for a resource, by what they wait for (partition key) and execution (sort key). A sibling of the lock
 * table, so that the poll steps that register tokens get no write access to locks. Tokens live minutes: nothing to
 * keep when the stack goes.
 */
public final class WaitTokensTable extends Construct {
  /** The construct id under the stack, where {@link #find} looks. */
  public static final String ID = "Waits";

  private final Table table;

  public WaitTokensTable(Stack stack, String tableName) {
    super(stack, ID);
    table = Table.Builder.create(this, "Table")
        .tableName(tableName)
        .partitionKey(Attribute.builder().name(WaitTokens.KEY).type(AttributeType.STRING).build())
        .sortKey(Attribute.builder().name(WaitTokens.SORT).type(AttributeType.STRING).build())
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .timeToLiveAttribute(WaitTokens.TTL)
        .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
            .pointInTimeRecoveryEnabled(true).build())
        .encryption(TableEncryption.AWS_MANAGED)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
  }

  /** The stack's wait table, when it has one (a stack without it leaves every wait to poll). */
  public static Optional<WaitTokensTable> find(IConstruct scope) {
    return Optional.ofNullable((WaitTokensTable) Stack.of(scope).getNode().tryFindChild(ID));
  }

  /** A poll step registers its wait's token. */
  public void grantRegister(RunbookFunction function) {
    grant(function, "PutItem");
  }

  /** The WaitResponder finds the waiting tokens and forgets the answered ones. */
  public void grantAnswer(RunbookFunction function) {
    grant(function, "Query", "DeleteItem");
  }

  /** AcknowledgeApproval reads the pages RequestApproval recorded (oncall/PagingLog). */
  public void grantRead(RunbookFunction function) {
    grant(function, "Query");
  }

  private void grant(RunbookFunction function, String... operations) {
    function.allow(Arrays.stream(operations).map(op -> "dynamodb:" + op).toList(), List.of(table.getTableArn()));
  }

  public String tableName() {
    return table.getTableName();
  }
}
