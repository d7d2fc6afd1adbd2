package ai.sentinel.dr.infra;

import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.trigger.AlarmResponder;
import ai.sentinel.dr.trigger.EcsEventResponder;
import ai.sentinel.dr.trigger.ElastiCacheEventResponder;
import ai.sentinel.dr.trigger.ManualResponder;
import ai.sentinel.dr.trigger.RdsEventResponder;
import ai.sentinel.dr.trigger.TriggerPatterns;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Permission;
import software.amazon.awscdk.services.rds.CfnEventSubscription;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.LambdaSubscription;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * What starts a recovery: the responder functions and the signals routed to them.
 *
 * <ul>
 *   <li>one EventBridge rule per {@link TriggerPatterns} rule, named {@code <env>-sentinel-dr-<rule id>}, with exactly
 *       the pattern the responders match against, targeting the rule's responder;
 *   <li>the topic {@code <env>-sentinel-dr-alarms} for CloudWatch alarm actions, subscribed by AlarmResponder;
 *   <li>an RDS event subscription on the protected instance publishing to {@code <env>-sentinel-dr-rds-events},
 *       subscribed by RdsEventResponder;
 *   <li>with a {@code redis} section, the topic {@code <env>-sentinel-dr-elasticache-events}, subscribed by
 *       ElastiCacheEventResponder, for the protected cluster's ElastiCache notifications (node-based clusters
 *       publish their events to SNS only; the cluster's NotificationTopicArn must name this topic);
 *   <li>EcsEventResponder, the target of the ECS task, service-action and deployment rules;
 *   <li>ManualResponder, invoked by hand only.
 * </ul>
 * Responders may start (and look up) executions of the given state machines only, use the lock table (locks, joins,
 * attempt budget) and publish to the notifications topic (escalation when the budget is exhausted).
 */
public final class Triggers extends Construct {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Responders every environment deploys; ElastiCacheEventResponder only where there is a cache to watch. */
  private static final List<Class<?>> RESPONDERS = List.of(AlarmResponder.class, RdsEventResponder.class,
      EcsEventResponder.class, ManualResponder.class);

  /**
   * @param config        the environment
   * @param functions     makes the responder functions
   * @param stateMachines scenario id to the state machine that recovers it, named by {@link Names#stateMachine}
   * @param locks         the per-resource lock table
   * @param notifications the on-call topic, for escalations
   */
  public record Props(EnvironmentConfig config, RunbookFunctions functions,
      Map<String, IStateMachine> stateMachines, RecoveryLocksTable locks, Notifications notifications) {}

  private final Map<String, RunbookFunction> responders = new LinkedHashMap<>();
  private final Map<String, CfnRule> rules = new LinkedHashMap<>();
  private final Topic alarmTopic;
  private final Topic rdsEventTopic;
  private final Topic elastiCacheEventTopic;

  public Triggers(Construct scope, String id, Props props) {
    super(scope, id);
    EnvironmentConfig config = props.config();
    String prefix = config.prefix();
    Arns arns = new Arns(this);

    Map<String, String> arnsByScenario = new LinkedHashMap<>();
    props.stateMachines().forEach((scenario, sm) -> arnsByScenario.put(scenario, sm.getStateMachineArn()));
    Map<String, String> env = Map.of(Vars.STATE_MACHINE_ARNS, Stack.of(this).toJsonString(arnsByScenario));
    List<Class<?>> deployed = new ArrayList<>(RESPONDERS);
    if (config.redis() != null) {
      deployed.add(ElastiCacheEventResponder.class);
    }
    for (Class<?> handler : deployed) {
      RunbookFunction fn = props.functions().create(this, handler, env, null);
      props.stateMachines().forEach((scenario, sm) -> {
        fn.allow(List.of("states:StartExecution"), List.of(sm.getStateMachineArn()));
        // a redelivered signal finds its execution by name instead of starting another
        fn.allow(List.of("states:DescribeExecution"), List.of(arns.executions(Names.stateMachine(prefix, scenario))));
      });
      props.locks().grantResponder(fn);
      props.notifications().grantPublish(fn);
      Nag.suppressFindings(fn.role(), Nag.IAM5, "Execution names are derived from each signal at run time; "
          + "DescribeExecution is limited to the executions of the recovery state machines",
          Nag.arnFinding("states", "execution:" + Nag.literal(prefix) + "-[a-z-]+:\\*"));
      responders.put(handler.getSimpleName(), fn);
    }

    TriggerPatterns.Scope patterns = new TriggerPatterns.Scope(config.database().instanceId(), config.alarmRoutes(),
        config.redis() == null ? null : config.redis().clusterId(), config.ecs().cluster(), config.ecs().services(),
        config.ecs().targetGroups());
    for (TriggerPatterns.Rule rule : TriggerPatterns.of(patterns)) {
      rules.put(rule.id(), rule(prefix, rule));
    }

    // alarm actions and RDS event notifications arrive encrypted; the services must be able to use the key
    Key key = Key.Builder.create(this, "Key")
        .description("Encrypts " + prefix + " alarm and RDS event topics")
        .alias("alias/" + prefix + "-triggers")
        .enableKeyRotation(true)
        .build();
    key.addToResourcePolicy(PolicyStatement.Builder.create()
        .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com"),
            new ServicePrincipal("events.rds.amazonaws.com")))
        .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
        .resources(List.of("*"))
        .build());

    alarmTopic = topic("AlarmTopic", prefix + "-alarms", key, "cloudwatch.amazonaws.com");
    subscribe(alarmTopic, responder(AlarmResponder.class));

    rdsEventTopic = topic("RdsEventTopic", prefix + "-rds-events", key, "events.rds.amazonaws.com");
    subscribe(rdsEventTopic, responder(RdsEventResponder.class));
    CfnEventSubscription subscription = CfnEventSubscription.Builder.create(this, "RdsEventSubscription")
        .subscriptionName(prefix + "-rds-events")
        .snsTopicArn(rdsEventTopic.getTopicArn())
        .sourceType("db-instance")
        .sourceIds(List.of(config.database().instanceId()))
        .eventCategories(TriggerPatterns.RDS_FAILURE_CATEGORIES)
        .enabled(true)
        .build();
    // RDS checks that it may publish when the subscription is created
    subscription.getNode().addDependency(rdsEventTopic);

    elastiCacheEventTopic = config.redis() == null ? null : elastiCacheTopic(prefix);
    if (elastiCacheEventTopic != null) {
      subscribe(elastiCacheEventTopic, responder(ElastiCacheEventResponder.class));
    }
  }

  /**
   * The topic ElastiCache publishes the protected cluster's notifications to. ElastiCache's documented requirements
   * ("Event Notifications and Amazon SNS", "Managing ElastiCache Amazon SNS notifications"): the topic must not be
   * encrypted (ElastiCache marks an encrypted topic inactive and stops publishing), and its policy must allow the
   * account by aws:SourceOwner (aws:SourceAccount makes it inactive too). TLS is still enforced for every client.
   */
  private Topic elastiCacheTopic(String prefix) {
    Topic topic = Topic.Builder.create(this, "ElastiCacheEventTopic")
        .topicName(prefix + "-elasticache-events")
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

  private CfnRule rule(String prefix, TriggerPatterns.Rule rule) {
    RunbookFunction target = responders.get(rule.responder());
    if (target == null) {
      throw new IllegalStateException("TriggerPatterns rule " + rule.id() + " targets " + rule.responder()
          + ", which is not a deployed responder " + responders.keySet());
    }
    Map<String, Object> pattern;
    try {
      pattern = JSON.readValue(rule.pattern(), new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (Exception e) {
      throw new IllegalStateException("TriggerPatterns rule " + rule.id() + " has an invalid pattern", e);
    }
    // L1: the L2 Rule would re-model the pattern; the raw JSON is deployed as the responders match it
    CfnRule cfn = CfnRule.Builder.create(this, "Rule-" + rule.id())
        .name(Names.rule(prefix, rule.id()))
        .description(rule.description())
        .eventPattern(pattern)
        .state("ENABLED")
        .targets(List.of(CfnRule.TargetProperty.builder()
            .id(rule.responder())
            .arn(target.live().getFunctionArn())
            .build()))
        .build();
    target.live().addPermission("Invoke-" + rule.id(), Permission.builder()
        .principal(new ServicePrincipal("events.amazonaws.com"))
        .sourceArn(cfn.getAttrArn())
        .build());
    return cfn;
  }

  /** An encrypted, TLS-only topic that {@code service} may publish to from this account. */
  private Topic topic(String id, String name, Key key, String service) {
    Topic topic = Topic.Builder.create(this, id)
        .topicName(name)
        .masterKey(key)
        .enforceSsl(true)
        .build();
    topic.addToResourcePolicy(PolicyStatement.Builder.create()
        .effect(Effect.ALLOW)
        .principals(List.of(new ServicePrincipal(service)))
        .actions(List.of("sns:Publish"))
        .resources(List.of(topic.getTopicArn()))
        .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID)))
        .build());
    return topic;
  }

  /** Subscribes a responder's alias: SNS invokes qualified function ARNs, which CloudFormation's linter doubts. */
  private static void subscribe(Topic topic, RunbookFunction responder) {
    topic.addSubscription(new LambdaSubscription(responder.live()));
    Validations.of(responder.live()).acknowledge(Acknowledgment.builder()
        .id("CloudFormation-Validate::W3694")
        .reason("SNS accepts an alias ARN as a Lambda endpoint; the alias is what SnapStart runs")
        .build());
  }

  private RunbookFunction responder(Class<?> handler) {
    return responders.get(handler.getSimpleName());
  }

  /**
   * Responder functions by simple class name (AlarmResponder, RdsEventResponder, EcsEventResponder, ManualResponder,
   * and ElastiCacheEventResponder where a cache is protected).
   */
  public Map<String, RunbookFunction> responders() {
    return Collections.unmodifiableMap(responders);
  }

  /** EventBridge rules by {@link TriggerPatterns} rule id. */
  public Map<String, CfnRule> rules() {
    return Collections.unmodifiableMap(rules);
  }

  public Topic alarmTopic() {
    return alarmTopic;
  }

  public Topic rdsEventTopic() {
    return rdsEventTopic;
  }

  /** The topic for the protected cache's ElastiCache notifications; absent without a redis section. */
  public Optional<Topic> elastiCacheEventTopic() {
    return Optional.ofNullable(elastiCacheEventTopic);
  }
}
