package ai.sentinel.dr.oncall;

import ai.sentinel.dr.common.Deps;

/**
 * The one way to reach the on-call. Three verbs, as an incident tool sees them: {@link #page} when a human is needed
 * (a failed or unverified recovery, an approval waiting, an attempt budget exhausted), {@link #resolve} when the
 * recovery paged under the same dedup key is verified, {@link #inform} for the record (dry-run plans, reports).
 * Adapters: {@link SnsOnCall} (the notifications topic); PagerDuty's Events API v2 (trigger / resolve by
 * {@code dedup_key}) fits the same calls. Each returns how the message went out, for the timeline
 * ("SNS message 1234"); a failure to deliver is thrown, and the caller decides whether it matters.
 */
public interface OnCall {

  /** A human is needed now; the same {@link Alert#dedupKey()} is the same incident. */
  String page(Alert alert);

  /** The incident opened under {@link Alert#dedupKey()} needs nobody any more; the alert says why. */
  String resolve(Alert alert);

  /** For the record: nobody is asked to act. */
  String inform(Alert alert);

  /**
   * A human answered (an approval): the incident under {@link Alert#dedupKey()} is being handled. Where the adapter
   * has no incidents (SNS), a message for the record.
   */
  default String acknowledge(Alert alert) {
    return inform(alert);
  }

  /** Who a message reaches, for the timeline ("who was paged when"): e.g. the topic, or PagerDuty's policy. */
  default String target() {
    return "the on-call";
  }

  /**
   * The deployment's on-call: the notifications topic of the config ({@code NOTIFY_TOPIC_ARN}); PagerDuty in front of
   * it where the function has a {@code pagerDuty} section (the topic stays the fallback).
   */
  static OnCall of(Deps deps) {
    SnsOnCall sns = SnsOnCall.lazy(() -> deps.clients().sns(), deps.config().topicArn());
    return deps.config().settings(PagerDutySettings.class).<OnCall>map(pd -> new PagerDutyOnCall(pd.eventsUrl(),
        () -> deps.clients().secrets().getSecretValue(b -> b.secretId(pd.routingKeySecretId())).secretString(),
        PagerDutyOnCall.Transport.http(), d -> Thread.sleep(d.toMillis()), sns)).orElse(sns);
  }
}
