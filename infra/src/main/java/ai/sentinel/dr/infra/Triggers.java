package ai.sentinel.dr.infra;

import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.trigger.AlarmResponder;
import ai.sentinel.dr.trigger.ManualResponder;
import ai.sentinel.dr.trigger.TriggerPatterns;
import ai.sentinel.dr.trigger.WaitResponder;
import ai.sentinel.dr.wait.ReadyEvents;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.CfnKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Permission;
import software.amazon.awscdk.services.sns.FilterOrPolicy;
import software.amazon.awscdk.services.sns.SubscriptionFilter;
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
 *   <li>ManualResponder, invoked by hand (and by the Testing Schedule) only;
 *   <li>each deployed scenario's own responders ({@link InfraScenario#responders}) and signal sources
 *       ({@link InfraScenario#signals}: topics its AWS service publishes to, event subscriptions), added through
 *       {@link #encryptedTopic}, {@link #subscribe} and {@link #addTopic}.
 * </ul>
 * Responders may start (and look up) executions of the given state machines only, use the lock table (locks, joins,
 * attempt budget) and publish to the notifications topic (escalation when the budget is exhausted).
 */
public final class Triggers extends Construct {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param config        the environment
   * @param functions     makes the responder functions
   * @param stateMachines scenario id to the state machine that recovers it, named by {@link Names#stateMachine}
   * @param locks         the per-resource lock table
   * @param notifications the on-call topic, for escalations
   * @param scenarios     the deployed scenarios, whose responders and signal sources are added
   */
  public record Props(EnvironmentConfig config, RunbookFunctions functions,
      Map<String, IStateMachine> stateMachines, RecoveryLocksTable locks, Notifications notifications,
      List<InfraScenario> scenarios) {}

  private final EnvironmentConfig config;
  private final Map<String, RunbookFunction> responders = new LinkedHashMap<>();
  private final Map<String, CfnRule> rules = new LinkedHashMap<>();
  private final Map<String, Topic> topics = new LinkedHashMap<>();
  private final Key key;
  /** The key policy's statement for the services that publish to encrypted trigger topics. */
  private final PolicyStatement keyPublishers;
  /** The same for publishers whose KMS requests carry aws:SourceAccount: only on behalf of this account. */
  private final PolicyStatement keyPublishersInAccount;
  /**
   * Publishers documented to send aws:SourceAccount with their KMS requests (CloudWatch alarm actions). Others (RDS
   * event notifications) are not known to, and a condition their requests lack would drop every notification
   * silently; their topics' policies carry the condition instead.
   */
  private static final Set<String> KEY_SOURCE_ACCOUNT = Set.of("cloudwatch.amazonaws.com");
  private final List<String> encryptedTopics = new ArrayList<>();
  private final Topic alarmTopic;

  public Triggers(Construct scope, String id, Props props) {
    super(scope, id);
    config = props.config();
    String prefix = config.prefix();
    Arns arns = new Arns(this);

    // the responders of no particular scenario: alarms (routed by cdk.json) and manual invokes
    Map<Class<?>, List<String>> starts = new LinkedHashMap<>();
    starts.put(AlarmResponder.class, props.scenarios().stream().filter(s -> !s.test()).map(InfraScenario::id)
        .toList());
    props.scenarios().forEach(s -> s.responders().forEach(r -> starts.put(r, List.of(s.id()))));
    starts.put(ManualResponder.class, props.scenarios().stream().map(InfraScenario::id).toList());
    for (Map.Entry<Class<?>, List<String>> entry : starts.entrySet()) {
      // a responder may start (and knows) only the runbooks its signals start: least privilege for forged signals
      Map<String, String> arnsByScenario = new LinkedHashMap<>();
      for (String scenario : entry.getValue()) {
        IStateMachine sm = props.stateMachines().get(scenario);
        if (sm != null) {
          arnsByScenario.put(scenario, sm.getStateMachineArn());
        }
      }
      Map<String, String> env = Map.of(Vars.STATE_MACHINE_ARNS, Stack.of(this).toJsonString(arnsByScenario));
      Class<?> handler = entry.getKey();
      RunbookFunction fn = props.functions().create(this, handler, env, null);
      arnsByScenario.forEach((scenario, arn) -> {
        fn.allow(List.of("states:StartExecution"), List.of(arn));
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

    waitResponder(props);
    for (TriggerPatterns.Rule rule : TriggerPatterns.of(InfraScenarios.triggerScope(config))) {
      rules.put(rule.id(), rule(prefix, rule));
    }

    // alarm actions (and the scenarios' service notifications) arrive encrypted; the services must be able to use
    // the key: each encrypted topic adds its publisher to this statement
    key = Key.Builder.create(this, "Key")
        .alias("alias/" + prefix + "-triggers")
        .enableKeyRotation(true)
        .build();
    keyPublishers = PolicyStatement.Builder.create()
        .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
        .resources(List.of("*"))
        .build();
    key.addToResourcePolicy(keyPublishers);
    keyPublishersInAccount = PolicyStatement.Builder.create()
        .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
        .resources(List.of("*"))
        .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID)))
        .build();
    key.addToResourcePolicy(keyPublishersInAccount);

    // alarms are routed by name in cdk.json, so any alarm of this account and region may publish
    alarmTopic = encryptedTopic("AlarmTopic", prefix + "-alarms", "alarm", "cloudwatch.amazonaws.com",
        arns.colon("cloudwatch", "alarm", "*"));
    subscribe(alarmTopic, AlarmResponder.class);
    props.scenarios().forEach(s -> s.signals(this));
    ((CfnKey) key.getNode().getDefaultChild()).setDescription("Encrypts " + prefix + " "
        + String.join(" and ", encryptedTopics) + " topics");
  }

  /**
   * The WaitResponder ({@link ReadyEvents}): wakes waiting recoveries when AWS says a resource is ready. It may answer
   * task tokens of the recovery state machines (states:SendTaskSuccess on them, nothing else of Step Functions) and
   * read and forget the wait table's tokens; it starts nothing, so it has no StartExecution and no lock table.
   */
  private void waitResponder(Props props) {
    RunbookFunction fn = props.functions().create(this, WaitResponder.class, Map.of(), null);
    WaitTokensTable.find(this).ifPresent(waits -> waits.grantAnswer(fn));
    List<String> machines = props.stateMachines().values().stream().map(IStateMachine::getStateMachineArn).toList();
    if (!machines.isEmpty()) {
      fn.allow(List.of("states:SendTaskSuccess"), machines);
    }
    responders.put(WaitResponder.class.getSimpleName(), fn);
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

  /**
   * An encrypted, TLS-only topic {@code <name>} (construct id {@code id}) that {@code service} may publish to on
   * behalf of this account's resources matching {@code sourceArn} only (aws:SourceAccount, aws:SourceArn: the
   * confused-deputy conditions SNS checks for service principals), with the triggers' key (which {@code service} is
   * then allowed to use).
   *
   * @param what      what the topic carries, for the key's description (e.g. "alarm")
   * @param sourceArn the ARN, or ArnLike pattern, of the resources whose notifications the topic takes
   */
  public Topic encryptedTopic(String id, String name, String what, String service, String sourceArn) {
    encryptedTopics.add(what);
    ServicePrincipal publisher = new ServicePrincipal(service);
    (KEY_SOURCE_ACCOUNT.contains(service) ? keyPublishersInAccount : keyPublishers).addPrincipals(publisher);
    Topic topic = Topic.Builder.create(this, id)
        .topicName(name)
        .masterKey(key)
        .enforceSsl(true)
        .build();
    topic.addToResourcePolicy(PolicyStatement.Builder.create()
        .effect(Effect.ALLOW)
        .principals(List.of(publisher))
        .actions(List.of("sns:Publish"))
        .resources(List.of(topic.getTopicArn()))
        .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID),
            "ArnLike", Map.of("aws:SourceArn", sourceArn)))
        .build());
    return addTopic(id, topic);
  }

  /** Records a scenario's signal topic, by construct id ({@link #topics}). */
  public Topic addTopic(String id, Topic topic) {
    topics.put(id, topic);
    return topic;
  }

  /**
   * Subscribes the alias of the deployed responder {@code handler}: SNS invokes qualified function ARNs, which
   * CloudFormation's linter doubts.
   */
  public void subscribe(Topic topic, Class<?> handler) {
    subscribe(topic, handler, null);
  }

  /**
   * As {@link #subscribe(Topic, Class)}, delivering only the messages whose JSON body has the field
   * {@code requiredField} (an SNS filter policy on the message body, {@code {"FIELD":[{"exists":true}]}}, the pattern
   * event-ruler matches in the function too); null: every message.
   */
  public void subscribe(Topic topic, Class<?> handler, String requiredField) {
    RunbookFunction responder = responders.get(handler.getSimpleName());
    if (responder == null) {
      throw new IllegalStateException(handler.getSimpleName() + " is not a deployed responder " + responders.keySet());
    }
    if (requiredField == null) {
      topic.addSubscription(new LambdaSubscription(responder.live()));
    } else {
      topic.addSubscription(LambdaSubscription.Builder.create(responder.live())
          .filterPolicyWithMessageBody(Map.of(requiredField, FilterOrPolicy.filter(SubscriptionFilter.existsFilter())))
          .build());
    }
    Validations.of(responder.live()).acknowledge(Acknowledgment.builder()
        .id("CloudFormation-Validate::W3694")
        .reason("SNS accepts an alias ARN as a Lambda endpoint; the alias is what SnapStart runs")
        .build());
  }

  /** The environment the triggers are deployed for. */
  public EnvironmentConfig config() {
    return config;
  }

  /**
   * Responder functions by simple class name: AlarmResponder, the deployed scenarios' responders
   * ({@link InfraScenario#responders}), ManualResponder.
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

  /** Every signal topic by construct id: AlarmTopic and the deployed scenarios' own (e.g. RdsEventTopic). */
  public Map<String, Topic> topics() {
    return Collections.unmodifiableMap(topics);
  }
}
