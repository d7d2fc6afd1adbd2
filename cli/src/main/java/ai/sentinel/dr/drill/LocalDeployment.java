package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.SettingsSections;
import ai.sentinel.dr.localcloud.CloudTemplate.LambdaFunctionDef;
import ai.sentinel.dr.localcloud.CloudTemplate;
import ai.sentinel.dr.localcloud.FunctionRegistry;
import ai.sentinel.dr.localcloud.LocalFunction;
import ai.sentinel.dr.localcloud.ReflectiveHandlerFunction;
import ai.sentinel.dr.trigger.ManualResponder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * "cdk deploy" onto the local cloud: takes the template the CDK app synthesized and creates what a recovery needs
 * to run for real: its SNS topics and state machines in moto (with the exact ASL CDK generated, intrinsics resolved
 * to local ARNs), and its Lambda functions as in-process handlers behind the gateway, each with the environment
 * variables the template gives it. IAM, log groups, KMS and rules have no local behaviour and are skipped.
 */
public final class LocalDeployment implements FunctionRegistry {
  private static final String S3_BUCKET = "AWS::S3::Bucket";
  private static final String ROLE = "arn:aws:iam::" + LocalAws.ACCOUNT + ":role/sentinel-dr-local";

  private final CloudTemplate template;
  private final Map<String, CloudTemplate.Resource> resources;
  private final Map<String, LocalFunction> functions = new ConcurrentHashMap<>();
  private final Map<String, String> stateMachineArns = new LinkedHashMap<>();
  private final Map<String, String> topicArns = new LinkedHashMap<>();

  /** The region the template is deployed in: its rules see that region's events only. */
  public String region() {
    return template.region();
  }

  public LocalDeployment(CloudTemplate template) {
    this.template = template;
    this.resources = template.resources();
  }

  /**
   * The stacks of one app deployed together, as {@code cdk deploy --all} does: each stack's {@code Fn::ImportValue}s
   * read what the others export (CDK makes a cross-stack reference an export and an import), resolved to local names.
   */
  public static List<LocalDeployment> linked(List<CloudTemplate> templates) {
    Map<String, String> exports = new LinkedHashMap<>();
    templates.forEach(t -> exports.putAll(new LocalDeployment(t).exports()));
    return templates.stream().map(t -> new LocalDeployment(t.withImports(exports))).toList();
  }

  /** The template's exports (Outputs with an Export), export name to value, as deployed here. */
  public Map<String, String> exports() {
    Map<String, String> out = new LinkedHashMap<>();
    template.root().path("Outputs").forEach(o -> {
      if (o.has("Export")) {
        out.put(template.resolve(o.path("Export").path("Name"), this::ref, this::getAtt).asText(),
            template.resolve(o.path("Value"), this::ref, this::getAtt).asText());
      }
    });
    return out;
  }

  @Override
  public Optional<LocalFunction> find(String name) {
    return Optional.ofNullable(functions.get(name));
  }

  /** The registered functions by name: what {@code aws lambda list-functions} shows on the local cloud. */
  @Override
  public java.util.Collection<LocalFunction> functions() {
    return functions.values().stream().sorted(java.util.Comparator.comparing(LocalFunction::name)).toList();
  }

  /** Creates the template's topics, tables and state machines in moto. */
  public void deployResources(LocalAws aws) {
    for (CloudTemplate.TableDef table : template.tables()) {
      createTable(aws, table);
    }
    for (CloudTemplate.Resource bucket : template.resources(S3_BUCKET)) {
      // outside us-east-1 S3 wants the bucket's region as its location constraint
      aws.s3.createBucket(b -> {
        b.bucket(name(bucket.logicalId()));
        if (!aws.region.equals(LocalAws.REGION)) {
          b.createBucketConfiguration(c -> c.locationConstraint(aws.region.id()));
        }
      });
    }
    for (CloudTemplate.Resource t : template.resources("AWS::SES::Template")) {
      createEmailTemplate(aws, template.resolve(t.properties(), this::ref, this::getAtt).path("Template"));
    }
    for (CloudTemplate.TopicDef topic : template.topics()) {
      String arn = aws.sns.createTopic(b -> b.name(name(topic.logicalId()))).topicArn();
      topicArns.put(topic.logicalId(), arn);
    }
    for (CloudTemplate.StateMachineDef sm : template.stateMachines()) {
      String definition = template.definition(sm.logicalId(), this::ref, this::getAtt);
      String arn = aws.sfn.createStateMachine(b -> b.name(name(sm.logicalId())).definition(definition)
          .roleArn(ROLE)).stateMachineArn();
      stateMachineArns.put(name(sm.logicalId()), arn);
    }
  }

  /**
   * Registers every function of the template with the gateway.
   *
   * @param overrides environment variables a real deployment would have from its environment config (e.g. the
   *                  seeded security group ids) or that only make sense locally (a connectHost); they win, a settings
   *                  section's fields only in the functions that have that section ({@link SettingsSections#override})
   */
  public void registerFunctions(LocalAws aws, Map<String, String> overrides) {
    for (LambdaFunctionDef fn : template.lambdaFunctions()) {
      String functionName = name(fn.logicalId());
      Map<String, String> env = new LinkedHashMap<>(environmentOf(functionName));
      env.putAll(aws.functionEnvironment());
      env = SettingsSections.override(env, overrides);
      functions.put(functionName, new ReflectiveHandlerFunction(functionName, fn.handler(), env));
    }
  }

  /**
   * Replaces a registered function by {@code decorator} applied to it (tests: a function slowed down or observed).
   */
  public void decorate(String functionName, java.util.function.UnaryOperator<LocalFunction> decorator) {
    functions.computeIfPresent(functionName, (name, fn) -> decorator.apply(fn));
  }

  /** An SES template as the template declares it (SES's Query API: the cli has no SES module). */
  private static void createEmailTemplate(LocalAws aws, JsonNode t) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("Template.TemplateName", t.path("TemplateName").asText());
    p.put("Template.SubjectPart", t.path("SubjectPart").asText());
    for (String part : List.of("TextPart", "HtmlPart")) {
      if (t.hasNonNull(part)) {
        p.put("Template." + part, t.path(part).asText());
      }
    }
    aws.ses().call("CreateTemplate", p, java.time.Duration.ofSeconds(10));
  }

  /** A table as its template declares it: key schema and attribute definitions; billing is always on demand here. */
  private void createTable(LocalAws aws, CloudTemplate.TableDef table) {
    JsonNode p = template.resolve(table.properties(), this::ref, this::getAtt);
    List<KeySchemaElement> keys = new ArrayList<>();
    p.path("KeySchema").forEach(k -> keys.add(KeySchemaElement.builder().attributeName(k.path("AttributeName")
        .asText()).keyType(k.path("KeyType").asText()).build()));
    List<AttributeDefinition> attributes = new ArrayList<>();
    p.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
        .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText()).build()));
    aws.dynamoDb.createTable(b -> b.tableName(name(table.logicalId())).keySchema(keys)
        .attributeDefinitions(attributes).billingMode(BillingMode.PAY_PER_REQUEST));
  }

  /** State machine ARN by state machine name. */
  public Map<String, String> stateMachines() {
    return Map.copyOf(stateMachineArns);
  }

  /** Topic ARN by topic name. */
  public Map<String, String> topics() {
    Map<String, String> byName = new LinkedHashMap<>();
    topicArns.forEach((id, arn) -> byName.put(arn.substring(arn.lastIndexOf(':') + 1), arn));
    return byName;
  }

  /** The environment variables the template gives a function, resolved to local ARNs. */
  public Map<String, String> environmentOf(String functionName) {
    LambdaFunctionDef fn = template.lambdaFunctions().stream()
        .filter(f -> name(f.logicalId()).equals(functionName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no function " + functionName));
    Map<String, String> env = new LinkedHashMap<>();
    fn.environment().forEach((k, v) -> env.put(k, template.resolve(v, this::ref, this::getAtt).asText()));
    return env;
  }

  /**
   * The functions the deployed EventBridge rules invoke for {@code event}, by rule name: each rule's pattern, resolved
   * as deployed, matched with AWS's event-ruler as EventBridge matches it (a drill delivers only where a rule would).
   */
  public Map<String, String> ruleTargets(String event) {
    Map<String, String> out = new LinkedHashMap<>();
    for (CloudTemplate.RuleDef rule : template.rules()) {
      if (rule.eventPattern() == null || rule.eventPattern().isMissingNode()) {
        continue;
      }
      String pattern = template.resolve(rule.eventPattern(), this::ref, this::getAtt).toString();
      try {
        if (!software.amazon.event.ruler.Ruler.matchesRule(event, pattern)) {
          continue;
        }
      } catch (Exception e) {
        throw new IllegalStateException("rule " + rule.logicalId() + ": pattern or event not understood", e);
      }
      for (JsonNode target : rule.targets()) {
        String arn = template.resolve(target.path("Arn"), this::ref, this::getAtt).asText();
        int at = arn.indexOf(":function:");
        if (at >= 0) {
          String function = arn.substring(at + ":function:".length()).split(":")[0];
          out.put(rule.name() != null ? rule.name() : rule.logicalId(), function);
        }
      }
    }
    return out;
  }

  /**
   * One target of a scheduled rule, as deployed: what EventBridge starts on the schedule.
   *
   * @param rule      the rule's name
   * @param schedule  its schedule expression
   * @param targetArn the target (a function, a state machine), resolved to its local ARN
   * @param input     the target's Input, or null: EventBridge then sends its "Scheduled Event"
   */
  public record Scheduled(String rule, String schedule, String targetArn, String input) {}

  /** Every target of the template's scheduled rules (moto keeps rules but never runs a schedule: a test does). */
  public List<Scheduled> scheduled() {
    List<Scheduled> out = new ArrayList<>();
    for (CloudTemplate.RuleDef rule : template.rules()) {
      if (rule.scheduleExpression() == null) {
        continue;
      }
      for (JsonNode target : rule.targets()) {
        JsonNode t = template.resolve(target, this::ref, this::getAtt);
        out.add(new Scheduled(rule.name() != null ? rule.name() : rule.logicalId(), rule.scheduleExpression(),
            t.path("Arn").asText(), t.hasNonNull("Input") ? t.path("Input").asText() : null));
      }
    }
    return out;
  }

  /**
   * The regions whose default bus the template's rules matching {@code event} forward it to (a rule targeting an
   * event bus ARN, as {@code <env>-sentinel-dr-region-events} does), by rule name.
   */
  public Map<String, String> busTargets(String event) {
    Map<String, String> out = new LinkedHashMap<>();
    for (CloudTemplate.RuleDef rule : template.rules()) {
      if (rule.eventPattern() == null || rule.eventPattern().isMissingNode()) {
        continue;
      }
      String pattern = template.resolve(rule.eventPattern(), this::ref, this::getAtt).toString();
      try {
        if (!software.amazon.event.ruler.Ruler.matchesRule(event, pattern)) {
          continue;
        }
      } catch (Exception e) {
        throw new IllegalStateException("rule " + rule.logicalId() + ": pattern or event not understood", e);
      }
      for (JsonNode target : rule.targets()) {
        String[] arn = template.resolve(target.path("Arn"), this::ref, this::getAtt).asText().split(":", 6);
        if (arn.length == 6 && arn[2].equals("events") && arn[5].startsWith("event-bus/")) {
          out.put(rule.name() != null ? rule.name() : rule.logicalId(), arn[3]);
        }
      }
    }
    return out;
  }

  /**
   * A function subscribed to a topic in the template.
   *
   * @param function     its name
   * @param filterPolicy its filter policy on the message body (JSON), or null: every message
   */
  public record Subscriber(String function, String filterPolicy) {}

  /** The functions the template subscribes to the topic {@code topicArn} (as deployed, resolved to local ARNs). */
  public List<Subscriber> subscribers(String topicArn) {
    List<Subscriber> out = new ArrayList<>();
    for (CloudTemplate.Resource s : template.resources("AWS::SNS::Subscription")) {
      JsonNode p = template.resolve(s.properties(), this::ref, this::getAtt);
      String endpoint = p.path("Endpoint").asText();
      int at = endpoint.indexOf(":function:");
      if (!topicArn.equals(p.path("TopicArn").asText()) || !"lambda".equals(p.path("Protocol").asText()) || at < 0) {
        continue;
      }
      boolean onBody = "MessageBody".equals(p.path("FilterPolicyScope").asText());
      JsonNode policy = p.path("FilterPolicy");
      out.add(new Subscriber(endpoint.substring(at + ":function:".length()).split(":")[0],
          onBody && policy.isObject() ? policy.toString() : null));
    }
    return out;
  }

  /**
   * The deployed configuration as the manual responder reads it: it may start every deployed runbook, tests included
   * (the alarm responder starts no test), and reads every settings section.
   */
  public Map<String, String> runbookEnvironment() {
    return environmentOf(functionFor(ManualResponder.class));
  }

  /** Name of the function whose handler is the given class. */
  public String functionFor(Class<?> handler) {
    return template.lambdaFunctions().stream()
        .filter(f -> f.handler() != null && f.handler().startsWith(handler.getName()))
        .map(f -> name(f.logicalId())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("template has no function with handler " + handler));
  }

  /** ARN of the topic whose name ends with the suffix (e.g. "-notifications"). */
  public String topicEndingWith(String suffix) {
    return topics().entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).map(Map.Entry::getValue)
        .findFirst().orElseThrow(() -> new IllegalArgumentException("no topic named *" + suffix + " in "
            + topics().keySet()));
  }

  /**
   * The properties of the template's alarm {@code alarmName}, resolved as deployed; deployResources creates no alarm
   * (moto keeps alarms but never evaluates them): a test that needs one evaluated puts it with {@link LocalAlarms}.
   */
  public JsonNode alarm(String alarmName) {
    return template.resources("AWS::CloudWatch::Alarm").stream()
        .map(r -> template.resolve(r.properties(), this::ref, this::getAtt))
        .filter(p -> alarmName.equals(p.path("AlarmName").asText())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("template has no alarm " + alarmName));
  }

  /** Function names, as registered in the gateway. */
  public java.util.Set<String> functionNames() {
    return java.util.Set.copyOf(functions.keySet());
  }

  /** Physical name: the literal name property of the resource when CDK set one, else its logical id. */
  private String name(String logicalId) {
    CloudTemplate.Resource r = resource(logicalId);
    String property = switch (r.type()) {
      case "AWS::Lambda::Function" -> "FunctionName";
      case "AWS::StepFunctions::StateMachine" -> "StateMachineName";
      case "AWS::SNS::Topic" -> "TopicName";
      case "AWS::DynamoDB::Table" -> "TableName";
      case "AWS::Logs::LogGroup" -> "LogGroupName";
      case "AWS::IAM::Role" -> "RoleName";
      case "AWS::S3::Bucket" -> "BucketName";
      case "AWS::Lambda::Alias" -> "Name";
      default -> null;
    };
    if (property != null) {
      JsonNode value = r.property(property);
      if (!value.isMissingNode()) {
        JsonNode resolved = template.resolve(value, this::ref, this::getAtt);
        if (resolved.isTextual()) {
          return resolved.asText();
        }
      }
    }
    // CloudFormation generates lower-case bucket names; S3 refuses upper case. Bucket names are global: a stack in
    // another region (whose buckets may have the same logical ids) gets its region in them, as CloudFormation's
    // generated names differ per stack
    if (S3_BUCKET.equals(r.type())) {
      String lower = logicalId.toLowerCase();
      return template.region().equals(LocalAws.REGION.id()) ? lower : lower + "-" + template.region();
    }
    return logicalId;
  }

  private CloudTemplate.Resource resource(String logicalId) {
    CloudTemplate.Resource r = resources.get(logicalId);
    if (r == null) {
      throw new IllegalArgumentException("template has no resource " + logicalId);
    }
    return r;
  }

  private String prefix(String service) {
    return "arn:aws:" + service + ":" + template.region() + ":" + template.accountId() + ":";
  }

  /** What CloudFormation's Ref returns, per resource type, with local physical names. */
  String ref(String logicalId) {
    if (!resources.containsKey(logicalId)) {
      return null;
    }
    CloudTemplate.Resource r = resource(logicalId);
    return switch (r.type()) {
      case "AWS::SNS::Topic" -> prefix("sns") + name(logicalId);
      case "AWS::StepFunctions::StateMachine" -> prefix("states") + "stateMachine:" + name(logicalId);
      case "AWS::Lambda::Version" -> functionArn(r.property("FunctionName")) + ":1";
      case "AWS::Lambda::Alias" -> functionArn(r.property("FunctionName")) + ":" + name(logicalId);
      case "AWS::KMS::Key" -> "local-" + logicalId;
      default -> name(logicalId);
    };
  }

  /** What Fn::GetAtt returns for the attributes CDK templates use. */
  String getAtt(String logicalId, String attribute) {
    if (!resources.containsKey(logicalId)) {
      return null;
    }
    CloudTemplate.Resource r = resource(logicalId);
    String name = name(logicalId);
    return switch (r.type() + "." + attribute) {
      case "AWS::Lambda::Function.Arn" -> prefix("lambda") + "function:" + name;
      case "AWS::StepFunctions::StateMachine.Arn" -> prefix("states") + "stateMachine:" + name;
      case "AWS::StepFunctions::StateMachine.Name" -> name;
      case "AWS::SNS::Topic.TopicArn" -> prefix("sns") + name;
      case "AWS::SNS::Topic.TopicName" -> name;
      case "AWS::DynamoDB::Table.Arn" -> prefix("dynamodb") + "table/" + name;
      case "AWS::IAM::Role.Arn" -> "arn:aws:iam::" + template.accountId() + ":role/" + name;
      case "AWS::KMS::Key.Arn" -> prefix("kms") + "key/local-" + logicalId;
      case "AWS::Logs::LogGroup.Arn" -> prefix("logs") + "log-group:" + name + ":*";
      case "AWS::Lambda::Version.Version" -> "1";
      case "AWS::S3::Bucket.Arn" -> "arn:aws:s3:::" + name;
      default -> logicalId + "." + attribute;
    };
  }

  private String functionArn(JsonNode functionName) {
    String resolved = template.resolve(functionName, this::ref, this::getAtt).asText();
    return resolved.startsWith("arn:") ? resolved : prefix("lambda") + "function:" + resolved;
  }
}
