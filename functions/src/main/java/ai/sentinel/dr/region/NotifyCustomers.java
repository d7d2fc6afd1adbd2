package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.common.TemplatedEmail;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Scenario 4, runbook step 9 "notify customers": once the DR region is verified, the customers are told through the
 * configured backup channel ({@code dr.customerNotification}): one SES templated email from the DR region, with the
 * configured status text. Sent once per failover: a claim {@code customers#<execution>} is written to the DR stack's
 * lock table with a condition before the send, so a retried or redelivered step finds it and sends nothing again (a
 * send that fails releases the claim, so the retry sends). Not verified, or no channel configured: nothing is sent and
 * the timeline says why. A dry-run plans the send.
 */
public final class NotifyCustomers extends Step {
  static final String SERVICE = "ses";
  /** Why nothing is sent where the environment has no channel: the report's action item reads it. */
  static final String NO_CHANNEL = "no customer channel configured (cdk.json dr.customerNotification)";
  private final RegionSettings region;
  private final TemplatedEmail email;
  private final DynamoDbClient table;

  public NotifyCustomers() {
    this(Deps.fromProcessEnv());
  }

  public NotifyCustomers(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public NotifyCustomers(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.email = deps.clients().in(region.drRegion()).templatedEmail();
    this.table = deps.clients().in(region.drRegion()).dynamoDb();
  }

  @Override
  public String name() {
    return "NotifyCustomers";
  }

  /** The claim's key in the DR stack's lock table: one customer notice per failover execution. */
  static String claimKey(String executionName) {
    return "customers#" + executionName;
  }

  @Override
  protected Recovery run(Recovery recovery) {
    CustomerNotification channel = region.customerNotification();
    if (channel == null) {
      return recovery.log(entry("skipped", NO_CHANNEL + ": tell the customers by hand"));
    }
    if (!recovery.dryRun() && (recovery.verification() == null || !recovery.verification().verified())) {
      return recovery.log(entry("skipped", "the DR region is not verified: customers are not told it serves them"));
    }
    String target = RegionSettings.target(region.drRegion(), channel.template());
    String data = Json.write(templateData(recovery, channel));
    if (recovery.dryRun()) {
      return mutate(recovery, SERVICE, "SendTemplatedEmail", target, "SendTemplatedEmail(template="
          + channel.template() + ", to=" + channel.recipients().size() + " recipients)", () -> null).recovery();
    }
    String key = claimKey(recovery.executionName());
    String tableName = deps.config().requireLockTable();
    try {
      table.putItem(b -> b.tableName(tableName).item(Map.of("pk", AttributeValue.fromS(key), "owner",
          AttributeValue.fromS(recovery.executionName()), "claimedAt", AttributeValue.fromS(now())))
          .conditionExpression("attribute_not_exists(pk)"));
    } catch (ConditionalCheckFailedException e) {
      Map<String, AttributeValue> item = table.getItem(b -> b.tableName(tableName).key(Map.of("pk",
          AttributeValue.fromS(key))).consistentRead(true)).item();
      String id = item == null || item.get("messageId") == null ? "(send in progress or its id not recorded)"
          : item.get("messageId").s();
      return recovery.log(entry("skipped", "customers were already notified for this failover: " + id));
    }
    Mutation<String> sent;
    try {
      sent = mutate(recovery, SERVICE, "SendTemplatedEmail", target, "SendTemplatedEmail(template="
          + channel.template() + ")", () -> email.send(channel.sender(), channel.recipients(), channel.template(),
              data));
    } catch (RuntimeException e) {
      // not sent: release the claim so that the retry sends
      table.deleteItem(b -> b.tableName(tableName).key(Map.of("pk", AttributeValue.fromS(key))));
      throw e;
    }
    String messageId = sent.response();
    table.updateItem(b -> b.tableName(tableName).key(Map.of("pk", AttributeValue.fromS(key)))
        .updateExpression("SET messageId = :m").expressionAttributeValues(Map.of(":m",
            AttributeValue.fromS(String.valueOf(messageId)))));
    Log.info(recovery.executionName(), "region.customers-notified", Map.of("template", channel.template(),
        "recipients", channel.recipients().size(), "messageId", String.valueOf(messageId)));
    return sent.recovery().log(entry("notified", "customers told by SES template " + channel.template() + " from "
        + channel.sender() + " to " + channel.recipients().size() + " recipient(s), message " + messageId));
  }

  /** The template's variables: the configured status text and what the failover did. */
  Map<String, String> templateData(Recovery recovery, CustomerNotification channel) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("statusText", channel.statusText());
    data.put("primaryRegion", region.primaryRegion());
    data.put("drRegion", region.drRegion());
    data.put("since", recovery.trigger() == null ? Instant.now(deps.clock()).toString() : recovery.trigger().time());
    return data;
  }
}
