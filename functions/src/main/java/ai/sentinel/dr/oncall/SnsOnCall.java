package ai.sentinel.dr.oncall;

import java.util.function.Supplier;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/**
 * The on-call as an SNS topic (e-mail subscriptions, chat hooks). Every verb publishes one message: the subject is
 * the alert's headline in SNS's terms (printable ASCII, fewer than 100 characters), the body its details. SNS has no
 * incidents to open or close, so a page and a resolve differ only in what the headline says.
 */
public final class SnsOnCall implements OnCall {
  private final Supplier<SnsClient> sns;
  private final String topicArn;

  public SnsOnCall(SnsClient sns, String topicArn) {
    this(() -> sns, topicArn);
  }

  private SnsOnCall(Supplier<SnsClient> sns, String topicArn) {
    this.sns = sns;
    this.topicArn = topicArn;
  }

  /** The client is asked for at the first message: a function that rarely publishes does not build it at init. */
  public static SnsOnCall lazy(Supplier<SnsClient> sns, String topicArn) {
    return new SnsOnCall(sns, topicArn);
  }

  @Override
  public String page(Alert alert) {
    return publish(alert);
  }

  @Override
  public String resolve(Alert alert) {
    return publish(alert);
  }

  @Override
  public String inform(Alert alert) {
    return publish(alert);
  }

  @Override
  public String target() {
    return "SNS topic " + (topicArn == null ? "(none)" : topicArn.substring(topicArn.lastIndexOf(':') + 1));
  }

  /** SNS's subject: the headline in printable ASCII (SNS refuses control characters; mail clients mangle the rest). */
  public static String subject(Alert alert) {
    return alert.headline(Alert.SUBJECT_MAX).replaceAll("[^\\x20-\\x7E]", "?");
  }

  private String publish(Alert alert) {
    String subject = subject(alert);
    PublishResponse sent = sns.get().publish(b -> b.topicArn(topicArn).subject(subject).message(alert.details()));
    return "SNS message " + (sent == null ? "(no id)" : sent.messageId());
  }
}
