package ai.sentinel.dr.infra;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.common.SettingsSections;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * The stacks of cdk.json's environments, synthesized in memory once per test JVM (a synth through jsii takes seconds),
 * with helpers to read the template as plain JSON.
 */
public final class Synth {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Synth> CACHE = new ConcurrentHashMap<>();

  public final EnvironmentConfig config;
  public final SentinelDrStack stack;
  public final Template template;
  public final JsonNode json;

  private Synth(EnvironmentConfig config) {
    this.config = config;
    stack = SentinelDrApp.build(new App(), config, RepoPaths.lambdaJar(RepoPaths.root()));
    template = Template.fromStack(stack);
    json = JSON.valueToTree(template.toJSON());
  }

  /** cdk.json's environment {@code env}. */
  public static synchronized Synth of(String env) {
    return CACHE.computeIfAbsent(env, e -> new Synth(load(e)));
  }

  /** cdk.json's environment {@code env} with {@code steps} gated (what the CLI synthesizes for a gated drill). */
  public static synchronized Synth gated(String env, List<String> steps) {
    return CACHE.computeIfAbsent(env + " gating " + steps, k -> new Synth(load(env).withApprovalSteps(steps)));
  }

  /** A variant of a repository environment, cached under {@code key}. */
  public static synchronized Synth of(String key, java.util.function.Supplier<EnvironmentConfig> config) {
    return CACHE.computeIfAbsent(key, k -> new Synth(config.get()));
  }

  public static EnvironmentConfig load(String env) {
    return EnvironmentConfig.fromCdkJson(RepoPaths.cdkJson(RepoPaths.root()), env);
  }

  /** The settings section of {@code type} in a function's environment {@code variables}, or a missing node. */
  public static JsonNode section(JsonNode variables, Class<? extends Settings> type) {
    JsonNode json = variables.path(SettingsSections.of(type).variable());
    return json.isTextual() ? Json.tree(json.asText()) : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** Resources of {@code type} by logical id. */
  public Map<String, JsonNode> resources(String type) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    json.path("Resources").fields().forEachRemaining(e -> {
      if (type.equals(e.getValue().path("Type").asText())) {
        out.put(e.getKey(), e.getValue());
      }
    });
    return out;
  }

  /** Properties of the resources of {@code type}. */
  public List<JsonNode> properties(String type) {
    return resources(type).values().stream().map(r -> r.path("Properties")).toList();
  }

  /** The Lambda function named {@code name}. */
  public JsonNode function(String name) {
    return properties("AWS::Lambda::Function").stream()
        .filter(p -> name.equals(p.path("FunctionName").asText()))
        .findFirst().orElseThrow(() -> new AssertionError("no function " + name));
  }

  /** Scenario 1's definition, with every reference rendered as {@code <Ref:LogicalId>}. */
  public JsonNode stateMachineDefinition() {
    return definition("database-failure");
  }

  /** The properties of the state machine of {@code scenario}. */
  public JsonNode stateMachine(String scenario) {
    String name = Names.stateMachine(config.prefix(), scenario);
    return properties("AWS::StepFunctions::StateMachine").stream()
        .filter(p -> name.equals(p.path("StateMachineName").asText()))
        .findFirst().orElseThrow(() -> new AssertionError("no state machine " + name));
  }

  /** The definition of the state machine of {@code scenario}, with references rendered as {@code <Ref:LogicalId>}. */
  public JsonNode definition(String scenario) {
    try {
      return JSON.readTree(render(stateMachine(scenario).path("DefinitionString")));
    } catch (Exception e) {
      throw new AssertionError("DefinitionString is not JSON", e);
    }
  }

  /** A template value as text: Fn::Join concatenated, Ref and Fn::GetAtt as placeholders. */
  public static String render(JsonNode value) {
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.has("Fn::Join")) {
      JsonNode join = value.get("Fn::Join");
      List<String> parts = new ArrayList<>();
      join.get(1).forEach(p -> parts.add(render(p)));
      return String.join(join.get(0).asText(), parts);
    }
    if (value.has("Ref")) {
      return "<Ref:" + value.get("Ref").asText() + ">";
    }
    if (value.has("Fn::GetAtt")) {
      return "<GetAtt:" + value.get("Fn::GetAtt").get(0).asText() + "." + value.get("Fn::GetAtt").get(1).asText()
          + ">";
    }
    return value.toString();
  }

  /** Every IAM statement of the template's AWS::IAM::Policy resources, keyed by the policy's logical id. */
  public Map<String, List<JsonNode>> policyStatements() {
    Map<String, List<JsonNode>> out = new LinkedHashMap<>();
    resources("AWS::IAM::Policy").forEach((id, policy) -> {
      List<JsonNode> statements = new ArrayList<>();
      policy.path("Properties").path("PolicyDocument").path("Statement").forEach(statements::add);
      out.put(id, statements);
    });
    return out;
  }

  /**
   * The statements of the function at construct path {@code <scope>/<handler>} given as the logical id prefix, e.g.
   * {@code DatabaseRecoveryFunctionsUpdateSecret}, {@code SharedStepsNotify}, {@code TriggersAlarmResponder}.
   */
  public List<JsonNode> statementsOf(String function) {
    List<JsonNode> out = new ArrayList<>();
    policyStatements().forEach((id, statements) -> {
      if (id.matches(function + "RoleDefaultPolicy[0-9A-F]+")) {
        out.addAll(statements);
      }
    });
    if (out.isEmpty()) {
      throw new AssertionError("no policy for " + function);
    }
    return out;
  }

  /** The resources {@code function} may call {@code action} on. */
  public List<String> resourcesOf(String function, String action) {
    return statementsOf(function).stream().filter(s -> Synth.list(s, "Action").contains(action))
        .flatMap(s -> Synth.list(s, "Resource").stream()).toList();
  }

  /** A statement's Action or Resource as a list of rendered strings. */
  public static List<String> list(JsonNode statement, String field) {
    JsonNode node = statement.path(field);
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(render(n)));
    } else if (!node.isMissingNode()) {
      out.add(render(node));
    }
    return out;
  }
}
