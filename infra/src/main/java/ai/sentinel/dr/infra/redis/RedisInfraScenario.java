package ai.sentinel.dr.infra.redis;

import ai.sentinel.dr.common.SettingsSection.ScheduledTest;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.InfraScenario;
import ai.sentinel.dr.infra.Nag;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.ScheduledDrills;
import ai.sentinel.dr.infra.SentinelDrStack;
import ai.sentinel.dr.infra.Triggers;
import ai.sentinel.dr.redis.RedisFailure;
import ai.sentinel.dr.redis.RedisSettings;
import ai.sentinel.dr.trigger.ElastiCacheEventResponder;
import ai.sentinel.dr.trigger.WaitResponder;
import ai.sentinel.dr.wait.ReadyEvents;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * Runbook Scenario 2 (Redis failure) in the CDK app, deployed only for an environment with a {@code redis} section:
 * {@link RedisRecovery}, started by the protected cluster's ElastiCache notifications (the topic
 * {@code <env>-sentinel-dr-elasticache-events}, subscribed by ElastiCacheEventResponder; node-based clusters publish
 * their events to SNS only, and the cluster's NotificationTopicArn must name this topic) and by its alarms, and the
 * Testing Schedule's monthly Redis recovery test as a dry-run ({@code drills.redisRecoveryTest}).
 */
public final class RedisInfraScenario implements InfraScenario {
  public static final String ID = RedisFailure.ID;
  /** The rule of the scheduled recovery test: {@code <env>-sentinel-dr-drill-redis-recovery}. */
  public static final String RECOVERY_DRILL = "drill-redis-recovery";
  /** The construct id of the topic for the protected cluster's notifications, under {@link Triggers}. */
  public static final String EVENT_TOPIC = "ElastiCacheEventTopic";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String stepsPackage() {
    return RedisFailure.class.getPackageName();
  }

  /** An environment without a cache has nothing for Scenario 2 to recover. */
  @Override
  public boolean deployedIn(EnvironmentConfig config) {
    return config.settings(RedisSettings.class).isPresent();
  }

  @Override
  public RecoveryStateMachine stateMachine(Construct stack, RecoveryStateMachine.Props props,
      Map<String, RecoveryStateMachine> built) {
    return new RedisRecovery(stack, "RedisRecovery", props);
  }

  /** Repointing the Redis secret moves every API and worker task to the recovery cluster. */
  @Override
  public List<String> gateableSteps() {
    return List.of(RedisRecovery.UPDATE_SECRET);
  }

  @Override
  public List<Class<?>> responders() {
    return List.of(ElastiCacheEventResponder.class);
  }

  @Override
  public void signals(Triggers triggers) {
    Topic topic = triggers.addTopic(EVENT_TOPIC, eventTopic(triggers));
    triggers.subscribe(topic, ElastiCacheEventResponder.class);
    // "provisioning complete" of the recovery cluster wakes the wait for it; only that message reaches the function
    triggers.subscribe(topic, WaitResponder.class, ReadyEvents.CACHE_READY_NOTIFICATION);
  }

  /** {@code <env>-sentinel-dr-elasticache-events}. */
  public static String eventTopicName(EnvironmentConfig config) {
    return config.prefix() + "-elasticache-events";
  }

  /**
   * The topic ElastiCache publishes the protected cluster's notifications to. ElastiCache's documented requirements
   * ("Event Notifications and Amazon SNS", "Managing ElastiCache Amazon SNS notifications"): the topic must not be
   * encrypted (ElastiCache marks an encrypted topic inactive and stops publishing), and its policy must allow the
   * account by aws:SourceOwner (aws:SourceAccount makes it inactive too). TLS is still enforced for every client.
   */
  private static Topic eventTopic(Triggers triggers) {
    Topic topic = Topic.Builder.create(triggers, EVENT_TOPIC)
        .topicName(eventTopicName(triggers.config()))
        .enforceSsl(true)
        .build();
    topic.addToResourcePolicy(PolicyStatement.Builder.create()
        .effect(Effect.ALLOW)
        .principals(List.of(new AnyPrincipal()))
        .actions(List.of("sns:Publish"))
        .resources(List.of(topic.getTopicArn()))
        .conditions(Map.of("StringEquals", Map.of("AWS:SourceOwner", Aws.ACCOUNT_ID)))
        .build());
    Nag.suppress(topic, "AwsSolutions-SNS2", "ElastiCache cannot publish to an encrypted topic (AWS: 'The Amazon "
        + "SNS topic you are publishing to cannot be encrypted'); the notifications carry only event names and "
        + "cluster ids, and the topic policy admits only publishers acting for this account (AWS:SourceOwner)");
    return topic;
  }

  /** A real Redis recovery would repoint production's cache: the scheduled one is a plan. */
  @Override
  public List<ScheduledDrills.Drill> drills(EnvironmentConfig config) {
    ScheduledTest test = config.drills().test(RedisSettings.SECTION.drill().field());
    return test == null ? List.of() : List.of(new ScheduledDrills.Drill(RECOVERY_DRILL, test.schedule(),
        "Testing Schedule: Redis recovery test (dry-run plan)", ID, null, true));
  }

  @Override
  public void outputs(SentinelDrStack stack, RecoveryStateMachine stateMachine) {
    stack.output("RedisFailureStateMachineArn", stateMachine.stateMachine().getStateMachineArn(),
        "Runbook Scenario 2 state machine");
    stack.output("ElastiCacheEventTopicArn", stack.triggers().topics().get(EVENT_TOPIC).getTopicArn(),
        "Set as the protected cache cluster's NotificationTopicArn (aws elasticache modify-cache-cluster "
            + "--notification-topic-arn) so that its failure notifications start recoveries");
  }
}
