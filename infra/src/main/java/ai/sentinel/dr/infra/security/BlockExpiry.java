package ai.sentinel.dr.infra.security;

import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Names;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.security.SecuritySettings;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.constructs.Construct;

/**
 * Blocks expire (runbook: each entry recorded with who/why, default 24 h): the table BlockIps records each blocked
 * range in ({@code <env>-sentinel-dr-security-blocks}: range, expiry, execution, reason; encrypted, point-in-time
 * recovery) and an hourly schedule of PruneBlocks, which removes the expired ranges from the IP set.
 */
final class BlockExpiry extends Construct {
  static final String RULE = "security-prune-blocks";
  private final Table table;

  BlockExpiry(Construct scope, String id, EnvironmentConfig config, RunbookFunction prune) {
    super(scope, id);
    table = Table.Builder.create(this, "Table")
        .tableName(SecuritySettings.blocksTable(config.name()))
        .partitionKey(Attribute.builder().name("cidr").type(AttributeType.STRING).build())
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
            .pointInTimeRecoveryEnabled(true).build())
        .encryption(TableEncryption.AWS_MANAGED)
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();
    Rule.Builder.create(this, "Schedule")
        .ruleName(Names.rule(config.prefix(), RULE))
        .description("Sentinel DR Scenario 6: remove expired blocks from the WAF IP set")
        .schedule(Schedule.rate(Duration.hours(1)))
        .targets(List.of(LambdaFunction.Builder.create(prune.live()).retryAttempts(2).build()))
        .build();
    prune.allow(List.of("dynamodb:Scan", "dynamodb:DeleteItem"), List.of(table.getTableArn()));
  }

  Table table() {
    return table;
  }
}
