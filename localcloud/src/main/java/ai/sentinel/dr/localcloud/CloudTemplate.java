package ai.sentinel.dr.localcloud;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A synthesized CloudFormation template (what {@code cdk synth} writes): its resources, and a resolver for the
 * intrinsic functions CDK emits, so a local deployment can turn e.g. a state machine's {@code DefinitionString} into
 * the ASL to create in moto.
 *
 * <p>Pseudo parameters ({@code AWS::Region}, {@code AWS::AccountId}, {@code AWS::Partition}, {@code AWS::URLSuffix},
 * {@code AWS::NoValue}) are answered by the template itself, from {@link #withEnvironment}; every other {@code Ref}
 * and {@code Fn::GetAtt} goes to the resolvers the caller passes, which know the physical names of the deployment.
 */
public final class CloudTemplate {

  public static final String LAMBDA_FUNCTION = "AWS::Lambda::Function";
  public static final String STATE_MACHINE = "AWS::StepFunctions::StateMachine";
  public static final String SNS_TOPIC = "AWS::SNS::Topic";
  public static final String DYNAMODB_TABLE = "AWS::DynamoDB::Table";
  public static final String EVENTS_RULE = "AWS::Events::Rule";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

  private final JsonNode root;
  private final String region;
  private final String accountId;
  /** The values other stacks export, by export name, for {@code Fn::ImportValue}. */
  private final Map<String, String> imports;

  private CloudTemplate(JsonNode root, String region, String accountId, Map<String, String> imports) {
    if (!root.path("Resources").isObject()) {
      throw new IllegalArgumentException("Not a CloudFormation template: no Resources object");
    }
    this.root = root;
    this.region = region;
    this.accountId = accountId;
    this.imports = Map.copyOf(imports);
  }

  /** Parses a template, with moto's default region and account as the pseudo parameters. */
  public static CloudTemplate parse(String json) {
    try {
      return new CloudTemplate(JSON.readTree(json), LocalCloud.REGION, LocalCloud.ACCOUNT_ID, Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Template is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Reads a template file (e.g. {@code cdk.out/Stack.template.json}). */
  public static CloudTemplate read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    }
  }

  /** Reads a template from a stream, which stays open. */
  public static CloudTemplate read(InputStream in) throws IOException {
    return new CloudTemplate(JSON.readTree(in), LocalCloud.REGION, LocalCloud.ACCOUNT_ID, Map.of());
  }

  /** This template with other values for {@code AWS::Region} and {@code AWS::AccountId}. */
  public CloudTemplate withEnvironment(String newRegion, String newAccountId) {
    return new CloudTemplate(root, Objects.requireNonNull(newRegion), Objects.requireNonNull(newAccountId), imports);
  }

  /**
   * This template with the values its {@code Fn::ImportValue}s read (what the stacks deployed before it export, by
   * export name): CDK turns a reference to another stack's resource into an export there and an import here.
   */
  public CloudTemplate withImports(Map<String, String> exported) {
    return new CloudTemplate(root, region, accountId, exported);
  }

  public String region() {
    return region;
  }

  public String accountId() {
    return accountId;
  }

  /** {@code aws}, {@code aws-cn} or {@code aws-us-gov}, from the region. */
  public String partition() {
    if (region.startsWith("cn-")) {
      return "aws-cn";
    }
    return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  }

  public String urlSuffix() {
    return region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  }

  /** The whole template, read-only by convention. */
  public JsonNode root() {
    return root;
  }

  // ---- resources ---------------------------------------------------------------------------------------------------

  /** Any resource of the template, its properties unresolved. */
  public record Resource(String logicalId, String type, JsonNode properties) {

    /** The property {@code name}, or a missing node. */
    public JsonNode property(String name) {
      return properties.path(name);
    }

    /** The property {@code name} when it is a literal string (not absent, not an intrinsic). */
    public Optional<String> text(String name) {
      JsonNode value = properties.path(name);
      return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
  }

  /**
   * An {@code AWS::Lambda::Function}.
   *
   * @param functionName the literal {@code FunctionName}, or null (CloudFormation generates one; or an intrinsic)
   * @param environment {@code Environment.Variables}, values unresolved (CDK writes {@code Ref}s there)
   */
  public record LambdaFunctionDef(String logicalId, String functionName, String handler, String runtime,
      Map<String, JsonNode> environment, JsonNode properties) {}

  /**
   * An {@code AWS::StepFunctions::StateMachine}.
   *
   * @param stateMachineName the literal {@code StateMachineName}, or null
   * @param definitionString the unresolved {@code DefinitionString} (usually an {@code Fn::Join}), or a missing node
   */
  public record StateMachineDef(String logicalId, String stateMachineName, JsonNode definitionString,
      JsonNode properties) {}

  /** An {@code AWS::SNS::Topic}; {@code topicName} is the literal {@code TopicName} or null. */
  public record TopicDef(String logicalId, String topicName, JsonNode properties) {}

  /** An {@code AWS::DynamoDB::Table}; {@code tableName} is the literal {@code TableName} or null. */
  public record TableDef(String logicalId, String tableName, JsonNode properties) {}

  /**
   * An {@code AWS::Events::Rule}.
   *
   * @param name the literal {@code Name}, or null
   * @param eventPattern the {@code EventPattern} (an object), or a missing node for a scheduled rule
   * @param scheduleExpression the literal {@code ScheduleExpression}, or null
   * @param targets the {@code Targets}, unresolved
   */
  public record RuleDef(String logicalId, String name, JsonNode eventPattern, String scheduleExpression,
      List<JsonNode> targets, JsonNode properties) {}

  /** Every resource by logical id, in template order. */
  public Map<String, Resource> resources() {
    Map<String, Resource> resources = new LinkedHashMap<>();
    root.path("Resources").fields().forEachRemaining(entry -> resources.put(entry.getKey(),
        new Resource(entry.getKey(), entry.getValue().path("Type").asText(""), propertiesOf(entry.getValue()))));
    return resources;
  }

  private static JsonNode propertiesOf(JsonNode resource) {
    JsonNode properties = resource.path("Properties");
    return properties.isObject() ? properties : NODES.objectNode();
  }

  public Optional<Resource> resource(String logicalId) {
    return Optional.ofNullable(resources().get(logicalId));
  }

  /** The resources of one type, e.g. {@code AWS::SQS::Queue}, in template order. */
  public List<Resource> resources(String type) {
    return resources().values().stream().filter(r -> r.type().equals(type)).toList();
  }

  /** The properties of {@code logicalId} (an empty object when it has none). */
  public JsonNode properties(String logicalId) {
    return resource(logicalId)
        .orElseThrow(() -> new IllegalArgumentException("No resource " + logicalId + " in the template"))
        .properties();
  }

  public List<LambdaFunctionDef> lambdaFunctions() {
    return resources(LAMBDA_FUNCTION).stream().map(r -> {
      Map<String, JsonNode> environment = new LinkedHashMap<>();
      r.property("Environment").path("Variables").fields()
          .forEachRemaining(e -> environment.put(e.getKey(), e.getValue()));
      return new LambdaFunctionDef(r.logicalId(), r.text("FunctionName").orElse(null),
          r.text("Handler").orElse(null), r.text("Runtime").orElse(null), Map.copyOf(environment), r.properties());
    }).toList();
  }

  public List<StateMachineDef> stateMachines() {
    return resources(STATE_MACHINE).stream()
        .map(r -> new StateMachineDef(r.logicalId(), r.text("StateMachineName").orElse(null),
            r.property("DefinitionString"), r.properties()))
        .toList();
  }

  public List<TopicDef> topics() {
    return resources(SNS_TOPIC).stream()
        .map(r -> new TopicDef(r.logicalId(), r.text("TopicName").orElse(null), r.properties()))
        .toList();
  }

  public List<TableDef> tables() {
    return resources(DYNAMODB_TABLE).stream()
        .map(r -> new TableDef(r.logicalId(), r.text("TableName").orElse(null), r.properties()))
        .toList();
  }

  public List<RuleDef> rules() {
    return resources(EVENTS_RULE).stream().map(r -> {
      List<JsonNode> targets = new ArrayList<>();
      r.property("Targets").forEach(targets::add);
      return new RuleDef(r.logicalId(), r.text("Name").orElse(null), r.property("EventPattern"),
          r.text("ScheduleExpression").orElse(null), List.copyOf(targets), r.properties());
    }).toList();
  }

  /**
   * The state machine's ASL with every intrinsic resolved. Reads {@code DefinitionString}, or a {@code Definition}
   * object (which it serializes).
   */
  public String definition(String stateMachineLogicalId, Function<String, String> refResolver,
      BiFunction<String, String, String> getAttResolver) {
    JsonNode properties = properties(stateMachineLogicalId);
    if (properties.has("DefinitionString")) {
      JsonNode resolved = resolve(properties.get("DefinitionString"), refResolver, getAttResolver);
      if (!resolved.isTextual()) {
        throw new IllegalArgumentException("DefinitionString of " + stateMachineLogicalId + " is not a string");
      }
      return resolved.asText();
    }
    if (properties.has("Definition")) {
      try {
        return JSON.writeValueAsString(resolve(properties.get("Definition"), refResolver, getAttResolver));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalArgumentException(stateMachineLogicalId + " has neither DefinitionString nor Definition"
        + " (DefinitionS3Location is not supported)");
  }

  // ---- intrinsic functions -----------------------------------------------------------------------------------------

  /**
   * Returns {@code value} with every intrinsic function replaced by its value: {@code Ref}, {@code Fn::GetAtt} (array
   * and dotted string forms), {@code Fn::Join}, {@code Fn::Sub} (string and [string, map] forms), {@code Fn::Select},
   * {@code Fn::Split} and {@code Fn::ImportValue} ({@link #withImports}). {@code Ref: AWS::NoValue} removes the
   * property or element it is in. {@code value} itself is not modified.
   *
   * @param refResolver physical id of a logical id (or a parameter); null when unknown
   * @param getAttResolver value of (logical id, attribute), e.g. ({@code Fn}, {@code Arn}); null when unknown
   * @throws IllegalArgumentException for an unsupported intrinsic (named in the message), a malformed one, or a
   *     reference the resolvers do not know
   */
  public JsonNode resolve(JsonNode value, Function<String, String> refResolver,
      BiFunction<String, String, String> getAttResolver) {
    Objects.requireNonNull(refResolver, "refResolver");
    Objects.requireNonNull(getAttResolver, "getAttResolver");
    JsonNode resolved = resolveNode(value, refResolver, getAttResolver);
    return resolved == null ? MissingNode.getInstance() : resolved;
  }

  // null means AWS::NoValue: the caller drops the property or element
  private JsonNode resolveNode(JsonNode value, Function<String, String> refs,
      BiFunction<String, String, String> atts) {
    if (value == null) {
      return null;
    }
    if (value.isArray()) {
      ArrayNode out = NODES.arrayNode();
      for (JsonNode element : value) {
        JsonNode resolved = resolveNode(element, refs, atts);
        if (resolved != null) {
          out.add(resolved);
        }
      }
      return out;
    }
    if (!value.isObject()) {
      return value;
    }
    if (value.size() == 1) {
      String key = value.fieldNames().next();
      if (key.equals("Ref") || key.startsWith("Fn::")) {
        return intrinsic(key, value.get(key), refs, atts);
      }
    }
    ObjectNode out = NODES.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode resolved = resolveNode(field.getValue(), refs, atts);
      if (resolved != null) {
        out.set(field.getKey(), resolved);
      }
    }
    return out;
  }

  private JsonNode intrinsic(String function, JsonNode args, Function<String, String> refs,
      BiFunction<String, String, String> atts) {
    switch (function) {
      case "Ref" -> {
        String name = requireText(function, args);
        return name.equals("AWS::NoValue") ? null : TextNode.valueOf(ref(name, refs));
      }
      case "Fn::GetAtt" -> {
        String[] target = getAttTarget(args, refs, atts);
        return TextNode.valueOf(getAtt(target[0], target[1], atts));
      }
      case "Fn::Join" -> {
        JsonNode list = requireArray(function, args, 2);
        String delimiter = requireText(function, list.get(0));
        JsonNode parts = resolveNode(list.get(1), refs, atts);
        if (parts == null || !parts.isArray()) {
          throw malformed(function, args, "the second element must be a list");
        }
        List<String> texts = new ArrayList<>();
        parts.forEach(part -> texts.add(scalarText(function, part)));
        return TextNode.valueOf(String.join(delimiter, texts));
      }
      case "Fn::Sub" -> {
        return TextNode.valueOf(sub(args, refs, atts));
      }
      case "Fn::Select" -> {
        JsonNode list = requireArray(function, args, 2);
        JsonNode index = resolveNode(list.get(0), refs, atts);
        JsonNode items = resolveNode(list.get(1), refs, atts);
        if (index == null || items == null || !items.isArray()) {
          throw malformed(function, args, "expected [index, list]");
        }
        int i;
        try {
          i = Integer.parseInt(index.asText());
        } catch (NumberFormatException e) {
          throw malformed(function, args, "index is not a number");
        }
        if (i < 0 || i >= items.size()) {
          throw malformed(function, args, "index " + i + " is out of bounds");
        }
        return items.get(i);
      }
      case "Fn::Split" -> {
        JsonNode list = requireArray(function, args, 2);
        String delimiter = requireText(function, list.get(0));
        JsonNode source = resolveNode(list.get(1), refs, atts);
        String text = scalarText(function, source);
        ArrayNode out = NODES.arrayNode();
        for (String piece : text.split(Pattern.quote(delimiter), -1)) {
          out.add(piece);
        }
        return out;
      }
      case "Fn::ImportValue" -> {
        String name = scalarText(function, resolveNode(args, refs, atts));
        if (!imports.containsKey(name)) {
          throw new IllegalArgumentException("Cannot resolve Fn::ImportValue " + name + ": no deployed stack exports"
              + " it (exports known: " + imports.keySet() + ")");
        }
        return TextNode.valueOf(imports.get(name));
      }
      default -> throw new IllegalArgumentException("Unsupported intrinsic function " + function + ": " + args);
    }
  }

  private String[] getAttTarget(JsonNode args, Function<String, String> refs,
      BiFunction<String, String, String> atts) {
    if (args.isTextual()) {
      String dotted = args.asText();
      int dot = dotted.indexOf('.');
      if (dot <= 0 || dot == dotted.length() - 1) {
        throw malformed("Fn::GetAtt", args, "expected LogicalId.Attribute");
      }
      return new String[] {dotted.substring(0, dot), dotted.substring(dot + 1)};
    }
    JsonNode list = requireArray("Fn::GetAtt", args, 2);
    String logicalId = requireText("Fn::GetAtt", list.get(0));
    // the attribute may itself be a Ref (allowed by CloudFormation)
    JsonNode attribute = resolveNode(list.get(1), refs, atts);
    return new String[] {logicalId, scalarText("Fn::GetAtt", attribute)};
  }

  private String sub(JsonNode args, Function<String, String> refs, BiFunction<String, String, String> atts) {
    String template;
    Map<String, String> variables = new LinkedHashMap<>();
    if (args.isTextual()) {
      template = args.asText();
    } else {
      JsonNode list = requireArray("Fn::Sub", args, 2);
      template = requireText("Fn::Sub", list.get(0));
      if (!list.get(1).isObject()) {
        throw malformed("Fn::Sub", args, "the second element must be a map");
      }
      list.get(1).fields().forEachRemaining(e ->
          variables.put(e.getKey(), scalarText("Fn::Sub", resolveNode(e.getValue(), refs, atts))));
    }
    Matcher m = SUB_VARIABLE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String variable = m.group(1);
      String replacement;
      if (variable.startsWith("!")) {
        replacement = "${" + variable.substring(1) + "}"; // ${!Literal} escapes a literal ${Literal}
      } else if (variables.containsKey(variable)) {
        replacement = variables.get(variable);
      } else if (variable.indexOf('.') > 0 && !variable.startsWith("AWS::")) {
        int dot = variable.indexOf('.');
        replacement = getAtt(variable.substring(0, dot), variable.substring(dot + 1), atts);
      } else {
        replacement = ref(variable.trim(), refs);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String ref(String name, Function<String, String> refs) {
    switch (name) {
      case "AWS::Region" -> {
        return region;
      }
      case "AWS::AccountId" -> {
        return accountId;
      }
      case "AWS::Partition" -> {
        return partition();
      }
      case "AWS::URLSuffix" -> {
        return urlSuffix();
      }
      default -> {
        String value = refs.apply(name);
        if (value == null) {
          throw new IllegalArgumentException("Cannot resolve Ref " + name);
        }
        return value;
      }
    }
  }

  private static String getAtt(String logicalId, String attribute, BiFunction<String, String, String> atts) {
    String value = atts.apply(logicalId, attribute);
    if (value == null) {
      throw new IllegalArgumentException("Cannot resolve Fn::GetAtt " + logicalId + "." + attribute);
    }
    return value;
  }

  private static JsonNode requireArray(String function, JsonNode args, int size) {
    if (args == null || !args.isArray() || args.size() != size) {
      throw malformed(function, args, "expected a list of " + size);
    }
    return args;
  }

  private static String requireText(String function, JsonNode value) {
    if (value == null || !value.isTextual()) {
      throw malformed(function, value, "expected a string");
    }
    return value.asText();
  }

  private static String scalarText(String function, JsonNode value) {
    if (value == null || !value.isValueNode() || value.isNull()) {
      throw malformed(function, value, "expected a string value");
    }
    return value.asText();
  }

  private static IllegalArgumentException malformed(String function, JsonNode args, String why) {
    return new IllegalArgumentException("Malformed " + function + " (" + why + "): " + args);
  }
}
