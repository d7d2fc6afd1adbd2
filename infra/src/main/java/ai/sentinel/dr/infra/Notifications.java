package ai.sentinel.dr.infra;

import java.util.List;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * The on-call topic {@code <env>-sentinel-dr-notifications}: every recovery's outcome (Notify) goes there. Encrypted
 * with its own rotating KMS key, reachable over TLS only, with the configured e-mail subscriptions.
 */
public final class Notifications extends Construct {
  /**
   * @param prefix {@code <env>-sentinel-dr}
   * @param emails addresses to subscribe (each confirms by e-mail)
   */
  public record Props(String prefix, List<String> emails) {}

  private final Key key;
  private final Topic topic;

  public Notifications(Construct scope, String id, Props props) {
    super(scope, id);
    key = Key.Builder.create(this, "Key")
        .description("Encrypts " + props.prefix() + " notifications")
        .alias("alias/" + props.prefix() + "-notifications")
        .enableKeyRotation(true)
        .build();
    topic = Topic.Builder.create(this, "Topic")
        .topicName(Names.notificationsTopic(props.prefix()))
        .displayName("Sentinel DR " + props.prefix())
        .masterKey(key)
        .enforceSsl(true)
        .build();
    props.emails().forEach(email -> topic.addSubscription(new EmailSubscription(email)));
  }

  /** Lets a function publish: sns:Publish on the topic and the data-key use its encryption needs. */
  public void grantPublish(RunbookFunction function) {
    function.allow(List.of("sns:Publish"), List.of(topic.getTopicArn()));
    function.allow(List.of("kms:GenerateDataKey", "kms:Decrypt"), List.of(key.getKeyArn()));
  }

  public Topic topic() {
    return topic;
  }

  public Key key() {
    return key;
  }
}
